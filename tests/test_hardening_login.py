"""Login throttling cannot be reset by logging in or signing up as another account."""

import pytest
from django.contrib.auth import get_user_model

from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "10.9.9.9"


@pytest.fixture
def victim(django_user_model):
    return django_user_model.objects.create_user("victim", password=PASSWORD)


@pytest.fixture
def accomplice(django_user_model):
    return django_user_model.objects.create_user("accomplice", password=PASSWORD)


def log_in(client, username, password, address=ATTACKER):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def guess(client, times, address=ATTACKER):
    return [log_in(client, "victim", f"guess {i}", address).status_code for i in range(times)]


def test_logging_in_as_another_account_does_not_reset_the_victims_count(client, victim, accomplice):
    assert guess(client, 9) == [200] * 9
    assert log_in(client, "accomplice", PASSWORD).status_code == 302
    client.logout()
    # The tenth failure is still counted; after it every guess is refused, the right one too.
    assert guess(client, 1) == [200]
    assert guess(client, 5) == [429] * 5
    assert log_in(client, "victim", PASSWORD).status_code == 429
    # From another address too: the username is locked.
    assert log_in(client, "victim", PASSWORD, address="10.1.1.1").status_code == 429


def test_signing_up_does_not_reset_the_victims_count(client, victim):
    assert guess(client, 9) == [200] * 9
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 302
    client.logout()
    assert guess(client, 1) == [200]
    assert guess(client, 5) == [429] * 5
    assert log_in(client, "victim", PASSWORD).status_code == 429


def test_success_resets_only_that_usernames_count_from_that_address(client, victim, accomplice):
    # 5 failures for the victim from the attacker's address, 4 from elsewhere.
    guess(client, 5)
    guess(client, 4, address="10.2.2.2")
    assert log_in(client, "victim", PASSWORD).status_code == 302
    client.logout()
    # The 4 from elsewhere still count: 6 more failures reach the limit of 10.
    assert guess(client, 6, address="10.3.3.3") == [200] * 6
    assert log_in(client, "victim", PASSWORD, address="10.4.4.4").status_code == 429


def test_address_count_survives_another_accounts_success(client, victim, accomplice):
    # 9 failures for nine usernames from one address, then a success there as the accomplice:
    # the address still has 9 failures counted.
    for i in range(9):
        assert log_in(client, f"ghost{i}", "nope").status_code == 200
    assert log_in(client, "accomplice", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "ghost9", "nope").status_code == 200
    assert log_in(client, "victim", PASSWORD).status_code == 429
    assert get_user_model().objects.filter(username="victim").exists()


def test_admin_login_is_throttled_too(client, victim):
    guess(client, 10)
    response = client.post(
        "/admin/login/", {"username": "victim", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_the_forwarded_address_is_counted(client, victim, settings):
    settings.DSKIT_PROXY_COUNT = 1
    settings.DSKIT_LOGIN_FAILURE_LIMIT = 2
    for username in ("a", "b"):
        client.post(
            "/accounts/login/",
            {"username": username, "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
        )
    # The client's own (spoofable) leftmost entry does not change the address counted.
    response = client.post(
        "/accounts/login/",
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.7",
    )
    assert response.status_code == 429
    response = client.post(
        "/accounts/login/",
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 302
