""" "Import Markdown": what will be created is shown first; confirming creates exactly that."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from issues import markdown
from issues.models import Issue
from issues.serialization import issue_to_dict
from tests.common_support import EXAMPLES

pytestmark = pytest.mark.django_db

URL = "/issues/import/"


def upload(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/markdown")


def example(name):
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_preview_then_confirm_creates_what_was_shown(owner_client, owner):
    page = owner_client.get("/").content.decode()
    assert f'href="{URL}">Import Markdown</a>' in page
    response = owner_client.post(
        URL,
        {
            "files": [upload("full.md", example("full.md"))],
            "text": example("minimal.body.md"),
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "These 2 issue(s) will be created. Nothing is saved until you confirm." in page
    assert "Recall of fraud model v3 dropped after weekly retraining" in page
    assert Issue.objects.count() == 0  # nothing yet

    signed = response.context["signed"]
    response = owner_client.post(URL, {"confirm": "1", "texts": signed})
    assert response.status_code == 302 and response["Location"] == "/"
    full, minimal = Issue.objects.order_by("id")
    assert markdown.render_document(issue_to_dict(full)) == example("full.md")
    assert markdown.render_body(issue_to_dict(minimal)) == example("minimal.body.md")
    assert full.reporter == owner
    listing = html.unescape(owner_client.get("/").content.decode())
    assert f"Imported 2 issue(s): #{full.pk}, #{minimal.pk}." in listing


def test_problems_are_shown_next_to_the_field_with_their_line_and_nothing_is_created(
    owner_client,
):
    bad = example("full.md").replace("**Priority:** `!p1`", "**Priority:** urgent")
    line = bad.split("\n").index("**Priority:** urgent") + 1
    response = owner_client.post(
        URL, {"files": [upload("bad.md", bad), upload("full.md", example("full.md"))]}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"bad.md:{line}: priority: 'urgent' is not one of 'p0', 'p1', 'p2', 'p3'" in page
    assert 'id="error-summary"' in page and 'href="#id_files"' in page
    assert "Nothing is saved until you confirm" not in page
    assert Issue.objects.count() == 0

    response = owner_client.post(URL, {"text": "<script>alert(1)</script>"})
    content = response.content.decode()
    assert "pasted text:1: not written from the ML Engineering Issue template" in (
        html.unescape(content)
    )
    assert "<script>alert(1)</script>" not in content
    response = owner_client.post(URL, {})
    assert "Choose a Markdown file or paste an issue&#x27;s Markdown." in response.content.decode()
    latin = SimpleUploadedFile("l.md", "Caf\xe9".encode("latin-1"))
    assert "l.md: not UTF-8 text." in html.unescape(
        owner_client.post(URL, {"files": [latin]}).content.decode()
    )


def test_a_tampered_confirmation_creates_nothing(owner_client):
    response = owner_client.post(URL, {"confirm": "1", "texts": "forged"})
    assert response.status_code == 302 and response["Location"] == URL
    assert Issue.objects.count() == 0


def test_login_and_csrf_are_required():
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_csrf_is_enforced(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(URL, {"text": example("full.md")}).status_code == 403
