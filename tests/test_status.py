"""Status on the issue page: open → in progress → resolved → closed, reopen, confirmations."""

import pytest

from issues.models import ChecklistItem, Issue, IssueChange, Update
from issues.template import CHECKLIST_ITEMS
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def ticked(texts):
    return [{"text": text, "done": True} for text in texts]


READY = ticked(CHECKLIST_ITEMS[ChecklistItem.Kind.READY])
DONE = ticked(CHECKLIST_ITEMS[ChecklistItem.Kind.DONE])


def move(client, issue, status, **extra):
    version = Issue.objects.get(pk=issue.pk).version
    return client.post(
        f"/issues/{issue.pk}/status/", {"version": version, "status": status, **extra}
    )


def status_of(issue):
    return Issue.objects.get(pk=issue.pk).status


def test_through_every_status_and_back(owner_client, owner):
    issue = make_issue(owner, definition_of_ready=READY, definition_of_done=DONE)
    for status in ("in_progress", "resolved", "closed", "open"):
        response = move(owner_client, issue, status)
        assert response.status_code == 302
        assert status_of(issue) == status
    logged = list(Update.objects.filter(issue=issue).values_list("text", "author__username"))
    assert logged == [
        ("Status changed from Open to In progress by owner.", "owner"),
        ("Status changed from In progress to Resolved by owner.", "owner"),
        ("Status changed from Resolved to Closed by owner.", "owner"),
        ("Status changed from Closed to Open by owner.", "owner"),
    ]
    assert Issue.objects.get(pk=issue.pk).version == 5
    history = IssueChange.objects.filter(field="status").order_by("id")
    assert [(c.old, c.new) for c in history] == [
        ("open", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "open"),
    ]
    history_log = owner_client.get(f"/issues/{issue.pk}/").text.split('id="history"')[1]
    assert "<td>owner</td><td>Status: Closed → Open</td>" in history_log


def test_the_page_offers_the_next_statuses(owner_client, owner):
    issue = make_issue(owner, status="resolved")
    text = owner_client.get(f"/issues/{issue.pk}/").text
    assert 'name="status" value="closed" class="btn btn-sm btn-outline-dark">Move to Closed' in text
    assert 'name="status" value="open" class="btn btn-sm btn-outline-dark">Reopen' in text
    assert 'value="in_progress"' not in text


def test_skipping_a_status_is_refused(owner_client, owner):
    issue = make_issue(owner)
    for status in ("closed", "resolved", "draft", "open", "nonsense"):
        move(owner_client, issue, status)
        assert status_of(issue) == "open"
    assert not Update.objects.exists()


def test_in_progress_with_an_incomplete_definition_of_ready_asks_first(owner_client, owner):
    issue = make_issue(owner)
    response = move(owner_client, issue, "in_progress")
    assert response.status_code == 200
    assert "The Definition of Ready is not complete." in response.text
    assert "<li>Initial investigation has been conducted</li>" in response.text
    assert "Move to In progress anyway</button>" in response.text
    assert status_of(issue) == "open"

    response = move(owner_client, issue, "in_progress", confirm="on")
    assert response.status_code == 302
    assert status_of(issue) == "in_progress"
    assert Update.objects.get().text == (
        "Status changed from Open to In progress by owner. The Definition of Ready was "
        "incomplete (0 of 5 ticked): override confirmed."
    )


def test_resolved_with_an_incomplete_definition_of_done_asks_first(owner_client, owner):
    done = [*DONE[:5], {"text": DONE[5]["text"], "done": False}]
    issue = make_issue(owner, status="in_progress", definition_of_done=done)
    response = move(owner_client, issue, "resolved")
    assert "The Definition of Done is not complete." in response.text
    assert "<li>Post-deployment monitoring shows no issues</li>" in response.text
    assert status_of(issue) == "in_progress"
    move(owner_client, issue, "resolved", confirm="on")
    assert status_of(issue) == "resolved"
    assert "Definition of Done was incomplete (5 of 6 ticked): override confirmed." in (
        Update.objects.get().text
    )


def test_closing_and_reopening_need_no_confirmation(owner_client, owner):
    issue = make_issue(owner, status="resolved")
    assert move(owner_client, issue, "closed").status_code == 302
    assert move(owner_client, issue, "open").status_code == 302
    assert status_of(issue) == "open"


def test_a_stale_status_change_is_refused(owner_client, owner):
    issue = make_issue(owner, definition_of_ready=READY)
    response = owner_client.post(
        f"/issues/{issue.pk}/status/", {"version": 0, "status": "in_progress"}, follow=True
    )
    assert "changed by someone else" in response.text
    assert status_of(issue) == "open"
    # A confirmation page that went stale is refused too.
    response = owner_client.post(
        f"/issues/{issue.pk}/status/",
        {"version": 5, "status": "in_progress", "confirm": "on"},
    )
    assert status_of(issue) == "open"
    assert not Update.objects.exists()
