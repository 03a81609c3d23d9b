"""Login throttling: repeated failures lock an account or an address out for a while."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from issues.models import LoginFailure
from tests.common_support import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner", "teammate")]

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit():
    with override_settings(DSKIT_LOGIN_FAILURE_LIMIT=LIMIT):
        yield


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = log_in(client, username, "wrong password", address)
        assert response.status_code in (200, 429)


def assert_refused(response):
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.text
    # The login page itself, with the message as the form's alert, not a bare text page.
    assert '<form method="post"' in response.text
    assert 'role="alert"' in response.text
    assert "sessionid" not in response.cookies


def test_wrong_password_below_the_limit_is_an_ordinary_error(client):
    response = log_in(client, "owner", "wrong password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client):
    fail(client, "owner", LIMIT)
    assert_refused(log_in(client, "owner", PASSWORD))


def test_account_lock_holds_from_another_address(client):
    fail(client, "owner", LIMIT, address="10.0.0.1")
    assert_refused(log_in(client, "owner", PASSWORD, address="10.0.0.2"))


def test_address_is_locked_for_every_account(client):
    for username in ["ghost1", "ghost2", "ghost3"]:
        fail(client, username, 1, address="10.0.0.9")
    assert_refused(log_in(client, "teammate", PASSWORD, address="10.0.0.9"))
    # Another address may still log in as the teammate.
    assert log_in(client, "teammate", PASSWORD, address="10.0.0.10").status_code == 302


def test_lock_ends_after_the_cool_off(client):
    fail(client, "owner", LIMIT)
    assert_refused(log_in(client, "owner", PASSWORD))
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "owner", PASSWORD).status_code == 302


def test_success_before_the_limit_resets_the_count(client):
    fail(client, "owner", LIMIT - 1)
    assert log_in(client, "owner", PASSWORD).status_code == 302
    client.logout()
    fail(client, "owner", LIMIT - 1)
    assert log_in(client, "owner", PASSWORD).status_code == 302


def test_test_client_login_and_force_login_still_work(client, owner):
    assert client.login(username="owner", password=PASSWORD)
    assert client.get("/").status_code == 200
    client.logout()
    client.force_login(owner)
    assert client.get("/").status_code == 200
