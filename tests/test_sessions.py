"""Who is signed in (issues/sessions.py): Django's database sessions and ModelBackend with their
lookups prepared, keeping their rules: an expired session, an inactive or deleted user, a
changed password and a logout all sign the browser out."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client):
    return client.get("/").status_code == 200


def test_a_login_on_the_page_keeps_the_user_signed_in(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "issues.sessions.UserBackend"
    assert signed_in(client)


def test_an_expired_session_signs_out(owner_client):
    assert signed_in(owner_client)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert not signed_in(owner_client)


def test_an_unknown_session_key_signs_out(owner_client):
    Session.objects.all().delete()
    assert not signed_in(owner_client)


def test_an_inactive_user_is_signed_out(owner_client, owner):
    owner.is_active = False
    owner.save()
    assert not signed_in(owner_client)


def test_a_deleted_user_is_signed_out(owner_client, owner):
    owner.delete()
    assert not signed_in(owner_client)


def test_a_changed_password_signs_other_browsers_out(owner_client, owner):
    owner.set_password("an-entirely-new-passphrase")
    owner.save()
    assert not signed_in(owner_client)


def test_logout_ends_the_session_on_the_server(owner_client):
    key = owner_client.session.session_key
    owner_client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not signed_in(owner_client)
