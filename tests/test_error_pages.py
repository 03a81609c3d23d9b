"""Friendly error pages: never a traceback, and a 503 page when the database is down."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import get_resolver, path

from dskit.errors import server_error


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    path("down/", database_down),
    path("closed/", connection_closed),
    path("broken/", broken),
]
handler500 = "dskit.errors.server_error"


def assert_friendly(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert heading in response.text
    for leak in ["Traceback", "OperationalError", "InterfaceError", "ValueError", "refused"]:
        assert leak not in response.text


def test_the_app_uses_the_friendly_handler():
    assert get_resolver().resolve_error_handler(500) is server_error


def test_500_and_503_pages_render_without_database_or_context():
    # No django_db mark: any query here would fail the test.
    assert "Something went wrong" in render_to_string("500.html")
    assert "Temporarily unavailable" in render_to_string("503.html")


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/down/", "/closed/"])
def test_database_errors_in_a_view_give_503(owner, url):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    response = client.get(url)
    assert_friendly(response, 503, "Temporarily unavailable")
    assert response["Retry-After"] == "5"


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.django_db
def test_other_errors_give_the_500_page(owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    assert_friendly(client.get("/broken/"), 500, "Something went wrong")


@pytest.mark.django_db
def test_database_down_while_loading_the_session_gives_503(owner, monkeypatch):
    """The failure happens in middleware, before any view runs."""
    client = Client(raise_request_exception=False)
    client.force_login(owner)

    def refuse(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "load", refuse)
    assert_friendly(client.get("/"), 503, "Temporarily unavailable")


@pytest.mark.django_db
def test_404_page(owner_client):
    assert_friendly(owner_client.get("/no/such/page/"), 404, "Page not found")


@pytest.mark.django_db
def test_csrf_failure_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert_friendly(response, 403, "This form has expired")
