"""Updates and checklist items cannot make an issue too long to file on GitHub."""

from html import unescape

import pytest
from django.urls import reverse

from issues import markdown
from issues.limits import CHECKLIST_ITEM_MAX_LENGTH, GITHUB_BODY_LIMIT, UPDATE_MAX_LENGTH
from issues.models import Issue, Update
from issues.serialization import SCHEMA, issue_to_dict, validate
from tests.factories import BASE, make_issue

pytestmark = pytest.mark.django_db


def body_length(issue):
    return len(
        markdown.render_body(issue_to_dict(Issue.objects.listed().with_rows().get(pk=issue.pk)))
    )


def add_update(client, issue, text):
    issue.refresh_from_db()
    return client.post(
        reverse("update-add", args=[issue.pk]),
        {"update-date": "2026-01-02", "update-text": text, "version": issue.version},
    )


def test_an_update_over_the_limit_is_refused_next_to_the_field(owner_client, owner):
    issue = make_issue(owner)
    response = add_update(owner_client, issue, "x" * 70_000)
    assert response.status_code == 200
    assert f"at most {UPDATE_MAX_LENGTH:,} characters" in response.text
    assert 'id="id_update-text_error"' in response.text
    assert not Update.objects.exists()


def test_updates_stop_where_the_body_would_pass_githubs_limit(owner_client, owner):
    issue = make_issue(owner)
    for _ in range(GITHUB_BODY_LIMIT // UPDATE_MAX_LENGTH + 1):
        response = add_update(owner_client, issue, "y" * UPDATE_MAX_LENGTH)
        if response.status_code == 200:
            break
    assert "over GitHub's limit" in unescape(response.text)
    assert body_length(issue) <= GITHUB_BODY_LIMIT
    # A short one still fits.
    assert add_update(owner_client, issue, "short").status_code == 302
    assert body_length(issue) <= GITHUB_BODY_LIMIT


def test_a_correction_cannot_pass_the_limit_either(owner_client, owner):
    issue = make_issue(owner, description="d" * (GITHUB_BODY_LIMIT - 6_000))
    update = Update.objects.create(issue=issue, date="2026-01-02", text="ok", author=owner)
    issue.refresh_from_db()
    response = owner_client.post(
        reverse("update-edit", args=[issue.pk, update.pk]),
        {"date": "2026-01-02", "text": "z" * 9_000, "version": issue.version},
    )
    assert response.status_code == 200
    assert "over GitHub's limit" in unescape(response.text)
    update.refresh_from_db()
    assert update.text == "ok"


def test_checklist_items_stop_where_the_body_would_pass_githubs_limit(owner_client, owner):
    issue = make_issue(owner, description="d" * (GITHUB_BODY_LIMIT - 4_000))
    refused = None
    for _ in range(20):
        issue.refresh_from_db()
        response = owner_client.post(
            reverse("checklist-add", args=[issue.pk, "todo"]),
            {"todo-text": "i" * CHECKLIST_ITEM_MAX_LENGTH, "version": issue.version},
        )
        if response.status_code == 200:
            refused = response
            break
    assert refused is not None and "over GitHub's limit" in unescape(refused.text)
    assert body_length(issue) <= GITHUB_BODY_LIMIT


def test_the_schema_uses_the_same_limits():
    checklist = SCHEMA["$defs"]["checklist"]["items"]["properties"]["text"]
    assert checklist["maxLength"] == CHECKLIST_ITEM_MAX_LENGTH
    update = SCHEMA["properties"]["updates"]["items"]["properties"]["text"]
    assert update["maxLength"] == UPDATE_MAX_LENGTH
    long_update = {**BASE, "updates": [{"date": "2026-01-01", "text": "u" * 10_001}]}
    assert validate(long_update) == [
        f"updates[0].text: must be at most {UPDATE_MAX_LENGTH} characters"
    ]
