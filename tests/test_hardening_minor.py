"""Smaller defects: invisible names, double "Next", exports of an invalid filter, 405 pages."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from issues.models import Issue
from issues.serialization import validate
from tests.factories import BASE, make_issue

pytestmark = pytest.mark.django_db

INVISIBLE_NAMES = ["\u200b\u200b", "\u202e\u202d", "\u2066\u200d\ufeff", "\u00a0\u200b"]


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_issue_name_is_refused(owner_client, name):
    response = owner_client.post(
        reverse("issue-new"), {"name": name, "type": "training", "related_project": ""}
    )
    assert response.status_code == 200
    assert "Issue Name must have a visible character." in response.text
    assert not Issue.objects.exists()
    assert validate({**BASE, "name": name}) == ["name: must have a visible character"]


def test_a_name_with_a_visible_character_is_fine(owner_client):
    assert validate({**BASE, "name": "\u200bA"}) == []


def overview(client):
    page = client.get(reverse("issue-new"))
    start = page.context["form"]["start"].value()
    assert start and f'value="{start}"' in page.text
    return {"name": "Twice", "type": "training", "related_project": "", "start": start}


def test_a_double_next_on_the_first_step_makes_one_draft(owner_client):
    data = overview(owner_client)
    first = owner_client.post(reverse("issue-new"), data)
    second = owner_client.post(reverse("issue-new"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Issue.objects.count() == 1
    # A new form is a new issue (of the same name: once its warning is confirmed).
    owner_client.post(reverse("issue-new"), {**overview(owner_client), "confirm_duplicate": "1"})
    assert Issue.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_nexts_of_one_form_make_one_draft(owner):
    client = Client()
    client.force_login(owner)
    data = overview(client)
    start = threading.Barrier(4)

    def press(_):
        try:
            other = Client()
            other.cookies = client.cookies
            start.wait()
            return other.post(reverse("issue-new"), data).url
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        urls = set(pool.map(press, range(4)))
    assert len(urls) == 1
    assert Issue.objects.count() == 1


def test_an_export_of_an_invalid_filter_says_so_instead_of_exporting_everything(owner_client):
    make_issue()
    for url in ("/issues/export.json", "/issues/export.zip"):
        for query in ({"q": "\x00"}, {"priority": "p9"}):
            response = owner_client.get(url, query)
            assert response.status_code == 400
            assert "Nothing was exported" in response.text
            assert "Search" in response.text or "Priority" in response.text
    # Unknown parameters are still ignored, as on the list.
    assert owner_client.get("/issues/export.json", {"utm": "x"}).status_code == 200


def test_405_answers_have_a_page(owner_client):
    issue = make_issue()
    for url in ("/accounts/logout/", reverse("update-add", args=[issue.pk])):
        response = owner_client.get(url)
        assert response.status_code == 405
        assert response["Allow"] == "POST" or "POST" in response["Allow"]
        assert "Method not allowed" in response.text
        assert response["Content-Type"].startswith("text/html")
