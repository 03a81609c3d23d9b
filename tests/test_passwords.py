"""Password change when logged in; reset by email (the console in development)."""

import re

import pytest
from django.core import mail

from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db


def test_change_password(owner_client, owner):
    response = owner_client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.url == "/accounts/password/change/done/"
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")
    assert "Your password was changed." in owner_client.get(response.url).text


def test_reset_by_email(client, owner):
    owner.email = "owner@example.com"
    owner.save()
    assert "Forgot your password?" in client.get("/accounts/login/").text
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert response.url == "/accounts/password/reset/sent/"
    [message] = mail.outbox
    assert message.subject == "dskit: reset your password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another good passphrase", "new_password2": "another good passphrase"},
    )
    assert response.url == "/accounts/password/reset/done/"
    owner.refresh_from_db()
    assert owner.check_password("another good passphrase")
