"""Production settings: `check --deploy`, security headers and cookie flags.

The production values are read by importing dskit/settings.py afresh under a production
environment, so the tests check the real configuration, not a copy of it.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.common_support import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k7Qv2-this-is-a-long-random-looking-production-secret-9fXzP1mW8rT4uY6"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "testserver,dskit.example.org",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CSP",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


def fresh_settings(monkeypatch, **env):
    """dskit/settings.py imported afresh with ``env`` over the production environment."""
    for name, value in {**PRODUCTION_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("fresh_settings", ROOT / "dskit/settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def production_settings(monkeypatch, **extra_env):
    """The security settings dskit/settings.py computes under a production environment."""
    module = fresh_settings(monkeypatch, **extra_env)
    return {name: getattr(module, name) for name in SECURITY_SETTINGS}


@pytest.fixture
def production(monkeypatch):
    with override_settings(**production_settings(monkeypatch)):
        yield


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def check_deploy(**extra_env):
    env = {**os.environ, **PRODUCTION_ENV, **extra_env}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest.py for Playwright only
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_passes_with_production_environment():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_a_weak_secret_key():
    result = check_deploy(DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    spec = importlib.util.spec_from_file_location("production_settings", ROOT / "dskit/settings.py")
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(Exception, match="DJANGO_SECRET_KEY is required"):
        spec.loader.exec_module(module)


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_secret_key_is_no_secret_key(monkeypatch, blank):
    with pytest.raises(Exception, match="DJANGO_SECRET_KEY is required"):
        fresh_settings(monkeypatch, DJANGO_SECRET_KEY=blank)


def test_every_setting_ignores_surrounding_spaces_and_takes_blank_as_unset(monkeypatch):
    module = fresh_settings(
        monkeypatch,
        DJANGO_SECRET_KEY=f"  {STRONG_KEY}\n",
        DSKIT_TIME_ZONE="   ",
        GITHUB_REPOSITORY=" ml-team/models ",
        GITHUB_API_URL=" ",
        DJANGO_SECURE_SSL_REDIRECT=" false ",
        DSKIT_ALLOW_SIGNUP="  ",
        GITHUB_TIMEOUT=" 7 ",
        DSKIT_CYCLE_DAYS=" ",
        DJANGO_ALLOWED_HOSTS=" dskit.example.org , ",
        DJANGO_CSRF_TRUSTED_ORIGINS="  ",
    )
    assert module.SECRET_KEY == STRONG_KEY
    assert (module.TIME_ZONE, module.GITHUB_REPOSITORY) == ("UTC", "ml-team/models")
    assert module.GITHUB_API_URL == "https://api.github.com"
    assert (module.SECURE_SSL_REDIRECT, module.DSKIT_ALLOW_SIGNUP) == (False, True)
    assert (module.GITHUB_TIMEOUT, module.DSKIT_CYCLE_DAYS) == (7, 14)
    assert module.ALLOWED_HOSTS == ["dskit.example.org"]
    assert module.CSRF_TRUSTED_ORIGINS == []


def test_production_headers(client, production):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_content_security_policy(client, production):
    response = client.get("/accounts/login/", secure=True)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = csp_directives(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"


def test_development_enforces_the_same_policy(client):
    """Tests and `make run` get the enforced policy too, so inline scripts fail early."""
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" in response.headers
    assert csp_directives(response)["script-src"] == "'self'"


def test_production_cookies_are_secure_httponly_samesite(client, owner, production):
    response = client.get("/accounts/login/", secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD},
        secure=True,
        headers={"Referer": "https://testserver/accounts/login/"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_production_redirects_plain_http_to_https(client, production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response.url == "https://testserver/accounts/login/"


def test_proxy_ssl_header_is_configurable(client, monkeypatch):
    values = production_settings(
        monkeypatch, DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(**values):
        response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert "Strict-Transport-Security" in response.headers
        assert client.get("/accounts/login/").status_code == 301


def test_ssl_redirect_can_be_turned_off(monkeypatch):
    """For plain HTTP on localhost (`make serve`) or when the proxy does the redirect."""
    assert production_settings(monkeypatch)["SECURE_SSL_REDIRECT"] is True
    assert (
        production_settings(monkeypatch, DJANGO_SECURE_SSL_REDIRECT="false")["SECURE_SSL_REDIRECT"]
        is False
    )
