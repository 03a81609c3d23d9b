"""The list keeps each issue's row under the issue's version and the day
(issues/issuecache.py cached_many): a change of the issue, or a new day, writes it again."""

import datetime
import re

import pytest
from django.utils import timezone

from issues import columns
from issues.models import ChecklistItem, Issue
from issues.tracking import add_update, change_status, set_ticks
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def row(owner_client, issue):
    page = owner_client.get("/?status=all").text
    return re.search(rf"<tr><td[^>]*>{issue.pk}</td>.*?</tr>", page).group(0)


def fresh(issue):
    return Issue.objects.listed().with_rows().get(pk=issue.pk)


def test_a_tick_shows_at_once(owner_client, owner):
    issue = make_issue(owner, name="Kept row")
    todo = [item for item in issue.checklist_items.all() if item.checklist == "todo"]
    assert f"To-Do</abbr> 0/{len(todo)}" in row(owner_client, issue)
    set_ticks(issue, owner, issue.version, ChecklistItem.Kind.TODO, {todo[0].pk})
    assert f"To-Do</abbr> 1/{len(todo)}" in row(owner_client, issue)


def test_a_status_move_shows_at_once(owner_client, owner):
    issue = make_issue(owner, name="Kept row")
    assert "In progress" not in row(owner_client, issue)
    change_status(issue, owner, issue.version, Issue.Status.IN_PROGRESS)
    assert "In progress" in row(owner_client, issue)


def test_an_update_keeps_the_row_it_does_not_change(owner_client, owner):
    """A new version writes the row again, and the same row comes out."""
    issue = make_issue(owner, name="Kept row")
    before = row(owner_client, issue)
    add_update(issue, owner, issue.version, date=datetime.date.today(), text="Checked.")
    assert fresh(issue).version == issue.version
    assert row(owner_client, issue) == before


def test_the_deadline_is_the_days(owner_client, owner, monkeypatch):
    """Due in ten days: on track today, overdue in eleven days, though nothing changed."""
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    issue = make_issue(
        owner, name="Kept row", reported_date=today.isoformat(), target_date=due.isoformat()
    )
    assert "On track" in row(owner_client, issue)
    later = today + datetime.timedelta(days=11)
    monkeypatch.setattr(timezone, "localdate", lambda: later)
    assert "Overdue" in row(owner_client, issue)


def test_an_issue_deleted_after_the_pages_ids_were_read_has_no_row(owner):
    """The list reads ids and versions, then the values of the rows not kept: an issue gone
    in between is left out rather than failing the page."""
    kept, deleted = make_issue(owner, name="Still here"), make_issue(owner, name="Gone")
    keys = [{"id": issue.pk, "version": issue.version} for issue in (kept, deleted)]
    deleted.delete()
    facts = columns.ListFacts(
        today=timezone.localdate(), issue_url=columns.url_maker("issue-detail")
    )
    written = columns.cells(keys, facts)
    assert len(written) == 1
    assert "Still here" in written[0]
