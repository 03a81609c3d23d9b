"""Updates and checklist items cannot make an issue too long to file on GitHub."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import markdown
from issues.limits import CHECKLIST_ITEM_MAX_LENGTH, GITHUB_BODY_LIMIT, UPDATE_MAX_LENGTH
from issues.models import Issue, IssueChange, Update
from issues.serialization import SCHEMA, issue_to_dict, validate
from tests.api_support import ALERTMANAGER, assert_problem
from tests.api_support import payload as alert_payload
from tests.factories import BASE, make_issue
from tests.webhook_support import delivery, post

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


def filled_to(issue, length, entry):
    """Pad the description so that the body with ``entry`` added to the Updates (as today's) is
    ``length`` characters long."""
    data = issue_to_dict(Issue.objects.listed().with_rows().get(pk=issue.pk))
    data["updates"].append({"date": timezone.localdate().isoformat(), "text": entry})
    data["description"] = "d"
    padding = length - len(markdown.render_body(data))
    Issue.objects.filter(pk=issue.pk).update(description="d" * (1 + padding))


CLOSED_ENTRY = "Status changed from Resolved to Closed by owner."


def move_to_closed(client, issue):
    return client.post(
        reverse("issue-status", args=[issue.pk]),
        {"status": "closed", "version": Issue.objects.get(pk=issue.pk).version},
        follow=True,
    )


def test_a_status_change_whose_entry_would_pass_githubs_limit_is_refused(owner_client, owner):
    issue = make_issue(owner, status="resolved")
    filled_to(issue, GITHUB_BODY_LIMIT + 1, CLOSED_ENTRY)
    response = move_to_closed(owner_client, issue)
    assert (
        "The status was not changed: it is logged in the Updates. This would make the issue 1 "
        "character over GitHub's limit of 65,536 characters (its body would be 65,537). Please "
        "shorten it."
    ) in unescape(response.text)
    issue.refresh_from_db()
    assert (issue.status, issue.version) == ("resolved", 1)
    assert not Update.objects.exists() and not IssueChange.objects.exists()
    # One character shorter, the entry fits exactly.
    filled_to(issue, GITHUB_BODY_LIMIT, CLOSED_ENTRY)
    response = move_to_closed(owner_client, issue)
    assert "Status changed to Closed." in response.text
    assert Update.objects.get().text == CLOSED_ENTRY
    assert body_length(issue) == GITHUB_BODY_LIMIT


def test_a_status_change_through_the_api_is_refused_the_same_way(api, owner):
    issue = make_issue(owner, status="resolved")
    filled_to(issue, GITHUB_BODY_LIMIT + 1, CLOSED_ENTRY)
    response = api.post(f"/api/v1/issues/{issue.pk}/status", {"status": "closed"})
    assert response.status_code == 409
    assert "1 character over GitHub's limit" in response.json()["detail"]
    assert Issue.objects.get(pk=issue.pk).status == "resolved"
    assert not Update.objects.exists()


def test_the_schema_uses_the_same_limits():
    checklist = SCHEMA["$defs"]["checklist"]["items"]["properties"]["text"]
    assert checklist["maxLength"] == CHECKLIST_ITEM_MAX_LENGTH
    update = SCHEMA["properties"]["updates"]["items"]["properties"]["text"]
    assert update["maxLength"] == UPDATE_MAX_LENGTH
    long_update = {**BASE, "updates": [{"date": "2026-01-01", "text": "u" * 10_001}]}
    assert validate(long_update) == [
        f"updates[0].text: must be at most {UPDATE_MAX_LENGTH} characters"
    ]


def full_to(issue, length=GITHUB_BODY_LIMIT):
    """Pad the description so that the issue's body is ``length`` characters long."""
    data = issue_to_dict(Issue.objects.listed().with_rows().get(pk=issue.pk))
    data["description"] = "d"
    padding = length - len(markdown.render_body(data))
    Issue.objects.filter(pk=issue.pk).update(description="d" * (1 + padding))


def test_an_update_through_the_api_cannot_pass_the_limit(api, owner):
    issue = make_issue(owner)
    full_to(issue)
    response = api.post(f"/api/v1/issues/{issue.pk}/updates", {"text": "One more."})
    problem = assert_problem(response, 409)
    assert "over GitHub's limit of 65,536 characters" in problem["detail"]
    assert not Update.objects.exists() and not IssueChange.objects.exists()
    assert Issue.objects.get(pk=issue.pk).version == 1
    assert body_length(issue) == GITHUB_BODY_LIMIT


def test_a_checklist_item_through_the_api_cannot_pass_the_limit(api, owner):
    issue = make_issue(owner, todo=[{"text": "First", "done": False}])
    full_to(issue)
    response = api.post(f"/api/v1/issues/{issue.pk}/checklists/todo", {"tick": [0], "add": ["x"]})
    assert_problem(response, 409)
    # All of the change or none of it: the tick is not kept either.
    issue = Issue.objects.listed().with_rows().get(pk=issue.pk)
    assert [(i.text, i.done) for i in issue.checklist_items.all() if i.checklist == "todo"] == [
        ("First", False)
    ]


def test_a_github_comment_the_body_has_no_room_for_is_refused(filed):
    full_to(filed)
    updates = Update.objects.filter(issue=filed).count()
    headers, payload = delivery("issue_comment.created", filed)
    assert post(headers, payload).json() == {"result": "too long for GitHub"}
    assert Update.objects.filter(issue=filed).count() == updates
    assert body_length(filed) == GITHUB_BODY_LIMIT


def test_a_repeated_alert_on_a_full_issue_stays_one_issue_without_the_note(api):
    assert api.post(ALERTMANAGER, alert_payload()).status_code == 200
    issue = Issue.objects.get()
    full_to(issue)
    again = api.post(ALERTMANAGER, alert_payload())
    assert again.status_code == 200
    assert again.json()["alerts"][0]["issue"] == issue.pk
    assert Issue.objects.count() == 1 and not Update.objects.exists()
    assert body_length(issue) == GITHUB_BODY_LIMIT


def test_a_change_that_shortens_a_body_over_the_limit_is_saved(owner_client, owner):
    issue = make_issue(owner, updates=[{"date": "2026-01-02", "text": "u" * 5_000}])
    full_to(issue, GITHUB_BODY_LIMIT + 100)  # as an import of long Markdown may leave it
    update = Update.objects.get(issue=issue)
    update.author = owner
    update.save()
    issue.refresh_from_db()
    response = owner_client.post(
        reverse("update-edit", args=[issue.pk, update.pk]),
        {"date": "2026-01-02", "text": "Shorter now.", "version": issue.version},
    )
    assert response.status_code == 302
    assert Update.objects.get(pk=update.pk).text == "Shorter now."
