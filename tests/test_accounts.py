"""Sign-up, login, logout and the health check."""

import pytest
from django.contrib.auth import get_user_model

from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, username):
    return client.post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_first_account_is_superuser_later_ones_are_not(client):
    assert signup(client, "first").url == "/"
    client.logout()
    signup(client, "second")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["first"].is_staff and users["first"].is_superuser
    assert not users["second"].is_staff and not users["second"].is_superuser


def test_signup_logs_the_new_user_in(client):
    signup(client, "alice")
    assert client.get("/").status_code == 200


def test_signup_errors_are_shown_next_to_the_field(client):
    response = client.post(
        "/accounts/signup/", {"username": "bob", "password1": PASSWORD, "password2": "other"}
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.text
    assert not get_user_model().objects.exists()


def test_signup_can_be_turned_off(client, settings):
    settings.DSKIT_ALLOW_SIGNUP = False
    assert client.get("/accounts/signup/").status_code == 404
    assert signup(client, "mallory").status_code == 404
    assert not get_user_model().objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_login_page_has_log_in_button(client):
    assert (
        '<button type="submit" class="btn btn-primary">Log in</button>'
        in client.get("/accounts/login/").text
    )


def test_logout_is_post_only(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"


def test_empty_list_says_what_to_do(owner_client):
    response = owner_client.get("/")
    assert response.status_code == 200
    assert "No issues yet" in response.text
