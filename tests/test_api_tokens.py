"""API tokens: the page, create_api_token, Bearer auth, scopes, CSRF, rate and logs."""

import datetime
import hashlib
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from issues.models import ApiToken, Issue
from tests.api_support import Api, assert_problem, full_json
from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_the_token_alone_on_its_last_line(owner):
    out = StringIO()
    call_command(
        "create_api_token",
        "owner",
        "--name",
        "CI",
        "--scope",
        "read",
        "--scope",
        "intake",
        "--expires-days",
        "30",
        stdout=out,
    )
    secret = out.getvalue().splitlines()[-1]
    assert secret.startswith("dsk_") and len(secret) > 40
    token = ApiToken.objects.get()
    assert token.scopes == ["read", "intake"] and token.name == "CI"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert timezone.now() + datetime.timedelta(days=29) < token.expires_at
    assert (
        Client().get("/api/v1/issues", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "--name", "x"], "no active user 'nobody'"),
        (["owner", "--name", " "], "--name must be 1 to 100 characters"),
        (["owner", "--name", "x", "--expires-days", "0"], "--expires-days must be at least 1"),
    ],
)
def test_create_api_token_refuses_bad_input_with_status_2(owner, args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        call_command("create_api_token", *args)
    assert excinfo.value.returncode == 2
    assert not ApiToken.objects.exists()


def test_the_page_shows_a_new_token_once_lists_and_revokes_it(owner_client, owner):
    response = owner_client.post(
        "/accounts/tokens/", {"name": "Alertmanager", "scopes": ["intake"], "expires_days": "7"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("dsk_") and secret in response.text
    page = owner_client.get("/accounts/tokens/").text
    assert secret not in page
    assert "Alertmanager" in page and secret[:12] in page and "never" in page
    token = ApiToken.objects.get()
    assert token.scopes == ["intake"]
    bearer = {"Authorization": f"Bearer {secret}"}
    alert = {"dedupe_key": "k", "title": "Drift"}
    assert (
        Client()
        .post("/api/v1/intake/events", alert, "application/json", headers=bearer)
        .status_code
        == 200
    )
    assert (
        "never"
        not in owner_client.get("/accounts/tokens/").text.split("Alertmanager")[1].split("</tr>")[0]
    )
    response = owner_client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert_problem(
        Client().post("/api/v1/intake/events", alert, "application/json", headers=bearer), 401
    )


def test_the_page_refuses_a_token_without_name_or_scope(owner_client):
    response = owner_client.post("/accounts/tokens/", {"name": " ", "expires_days": "0"})
    assert response.status_code == 200 and response.context["secret"] is None
    assert set(response.context["form"].errors) == {"name", "scopes", "expires_days"}
    assert not ApiToken.objects.exists()


def test_another_users_token_cannot_be_revoked(owner, teammate, token_of, client):
    token, _ = token_of(owner)
    client.force_login(teammate)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_page_needs_login(client):
    assert client.get("/accounts/tokens/").status_code == 302


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer dsk_unknown", "Bearer nonsense", "Basic b3duZXI6cHc="],
)
def test_401_without_a_usable_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    problem = assert_problem(client.get("/api/v1/issues", headers=headers), 401)
    assert "token" in problem["detail"].lower()


def test_401_for_expired_and_revoked_tokens_and_inactive_users(client, owner, token_of):
    expired, expired_secret = token_of(owner)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, revoked_secret = token_of(owner)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    for secret in (expired_secret, revoked_secret):
        response = client.get("/api/v1/issues", headers={"Authorization": f"Bearer {secret}"})
        assert_problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    _, secret = token_of(owner)
    owner.is_active = False
    owner.save()
    assert_problem(client.get("/api/v1/issues", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_403_for_a_missing_scope(client, owner, token_of):
    _, secret = token_of(owner, scopes=["read"])
    reader = Api(client, secret)
    assert reader.get("/api/v1/issues").status_code == 200
    problem = assert_problem(reader.post("/api/v1/issues", full_json()), 403)
    assert "write" in problem["detail"]
    assert_problem(reader.post("/api/v1/intake/events", {"dedupe_key": "a", "title": "b"}), 403)
    assert not Issue.objects.exists()


def test_token_requests_skip_csrf_session_requests_do_not(owner, token_of):
    browser = Client(enforce_csrf_checks=True)
    _, secret = token_of(owner)
    response = Api(browser, secret).post("/api/v1/issues", full_json())
    assert response.status_code == 201
    browser.login(username="owner", password=PASSWORD)
    assert browser.get("/api/v1/issues").status_code == 200
    response = browser.post("/api/v1/issues", full_json(), content_type="application/json")
    problem = assert_problem(response, 403)
    assert "CSRF" in problem["detail"]
    csrf = str(browser.get("/accounts/tokens/").context["csrf_token"])
    response = browser.post(
        "/api/v1/issues",
        full_json(),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201
    # Intake is for tokens only.
    response = browser.post(
        "/api/v1/intake/events",
        {"dedupe_key": "a", "title": "b"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert_problem(response, 403)
    assert Issue.objects.count() == 2


def test_429_past_the_tokens_rate_with_retry_after(client, owner, token_of, settings):
    settings.DSKIT_API_RATE_PER_MINUTE = 3
    _, secret = token_of(owner)
    limited = Api(client, secret)
    assert [limited.get("/api/v1/issues").status_code for _ in range(3)] == [200] * 3
    response = limited.get("/api/v1/issues")
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same user has its own count; a token may have its own rate.
    token, other = token_of(owner)
    ApiToken.objects.filter(pk=token.pk).update(rate_per_minute=1)
    assert Api(client, other).get("/api/v1/issues").status_code == 200
    assert_problem(Api(client, other).get("/api/v1/issues"), 429)
    # The next minute starts a new count.
    ApiToken.objects.update(rate_minute=timezone.now() - datetime.timedelta(minutes=1))
    assert limited.get("/api/v1/issues").status_code == 200


def test_the_token_never_appears_in_logs(client, owner, token_of, caplog, settings):
    settings.DEBUG = True
    _, secret = token_of(owner)
    caplog.set_level(logging.DEBUG)
    for authorization in (f"Bearer {secret}", f"Token {secret}", f"Bearer {secret}x"):
        headers = {"Authorization": authorization}
        client.get("/api/v1/issues", headers=headers)
        client.get("/api/v1/issues/999", headers=headers)
        client.post("/api/v1/issues", "{", content_type="application/json", headers=headers)
    assert caplog.records
    assert secret not in caplog.text
