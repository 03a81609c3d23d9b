"""``issues.tracking`` on its own: versions, positions, history and the no-op tick."""

import datetime

import pytest

from issues import tracking
from issues.models import ChecklistItem, Issue, IssueChange, Update
from issues.template import CHECKLIST_ITEMS
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def load(issue):
    return Issue.objects.listed().with_rows().get(pk=issue.pk)


def test_listed_issues_leave_out_drafts(owner):
    issue = make_issue(owner)
    make_issue(owner, status=Issue.Status.DRAFT)
    assert list(Issue.objects.listed().with_rows()) == [issue]


def test_a_change_bumps_the_version_once_and_records_the_history(owner):
    issue = load(make_issue(owner))
    tracking.add_update(issue, owner, 1, datetime.date(2026, 3, 4), "Found it")
    fresh = Issue.objects.get(pk=issue.pk)
    assert fresh.version == 2 and issue.version == 2
    update = Update.objects.get(issue=issue)
    assert (update.date, update.text, update.author) == (
        datetime.date(2026, 3, 4),
        "Found it",
        owner,
    )
    change = IssueChange.objects.get(issue=issue)
    assert (change.field, change.user) == ("updates", owner)
    with pytest.raises(tracking.StaleIssue):
        tracking.add_update(load(issue), owner, 1, datetime.date(2026, 3, 4), "Again")
    assert Update.objects.count() == 1


def test_a_stale_in_memory_issue_is_refused_even_if_the_row_matches(owner):
    issue = load(make_issue(owner))
    issue.version = 5
    with pytest.raises(tracking.StaleIssue):
        tracking.add_update(issue, owner, 1, datetime.date(2026, 3, 4), "x")
    assert Issue.objects.get(pk=issue.pk).version == 1


def test_correct_update_changes_date_and_text(owner):
    issue = load(make_issue(owner, updates=[{"date": "2026-01-01", "text": "Old"}]))
    update = issue.updates.get()
    tracking.correct_update(issue, owner, 1, update, datetime.date(2026, 1, 2), "New")
    update.refresh_from_db()
    assert (update.date, update.text) == (datetime.date(2026, 1, 2), "New")
    assert Issue.objects.get(pk=issue.pk).version == 2


def test_added_items_go_after_the_last_even_in_an_empty_list(owner):
    issue = load(make_issue(owner, todo=[]))
    ChecklistItem.objects.filter(issue=issue, checklist=ChecklistItem.Kind.TODO).delete()
    tracking.add_item(load(issue), owner, 1, ChecklistItem.Kind.TODO, "First")
    tracking.add_item(load(issue), owner, 2, ChecklistItem.Kind.TODO, "Second")
    positions = list(
        ChecklistItem.objects.filter(issue=issue, checklist=ChecklistItem.Kind.TODO)
        .order_by("position")
        .values_list("text", "position", "from_template")
    )
    assert positions == [("First", 1, False), ("Second", 2, False)]
    item = ChecklistItem.objects.get(issue=issue, text="First")
    tracking.remove_item(load(issue), owner, 3, item)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert Issue.objects.get(pk=issue.pk).version == 4


def test_ticks_toggle_exactly_the_differences_and_a_no_op_changes_nothing(owner):
    issue = load(make_issue(owner))
    items = tracking.items_of(issue, ChecklistItem.Kind.READY)
    assert [item.checklist for item in items] == [ChecklistItem.Kind.READY] * 5
    tracking.set_ticks(issue, owner, 1, ChecklistItem.Kind.READY, {items[0].pk, items[2].pk})
    issue = load(issue)
    assert tracking.progress(issue, ChecklistItem.Kind.READY) == (2, 5)
    assert tracking.progress(issue, ChecklistItem.Kind.DONE) == (0, 6)
    tracking.set_ticks(issue, owner, 2, ChecklistItem.Kind.READY, {items[0].pk, items[2].pk})
    assert Issue.objects.get(pk=issue.pk).version == 2
    assert IssueChange.objects.count() == 1
    with pytest.raises(tracking.StaleIssue):
        tracking.set_ticks(issue, owner, 1, ChecklistItem.Kind.READY, {items[0].pk, items[2].pk})
    tracking.set_ticks(issue, owner, 2, ChecklistItem.Kind.READY, {items[2].pk})
    issue = load(issue)
    done = [item.done for item in tracking.items_of(issue, ChecklistItem.Kind.READY)]
    assert done == [False, False, True, False, False]


def test_a_new_issue_has_every_template_checklist_as_rows_from_creation(owner):
    """tracking.ensure_checklists is gone: the rows exist from creation (migration 0012)."""
    issue = load(make_issue(owner))
    for checklist, texts in CHECKLIST_ITEMS.items():
        rows = tracking.items_of(issue, checklist)
        assert [row.text for row in rows] == list(texts)
        assert [row.position for row in rows] == list(range(len(texts)))
        assert all(row.from_template and not row.done for row in rows)
        assert tracking.progress(issue, checklist) == (0, len(texts))
    assert Issue.objects.get(pk=issue.pk).version == 1


def test_change_status_logs_who_and_dates_it_today(owner):
    issue = load(make_issue(owner))
    tracking.change_status(issue, owner, 1, Issue.Status.IN_PROGRESS)
    update = Update.objects.get(issue=issue)
    assert update.author == owner
    assert update.date == datetime.date.today()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.IN_PROGRESS


def test_every_change_is_recorded_as_the_users(owner):
    issue = load(make_issue(owner, updates=[{"date": "2026-01-01", "text": "Old"}]))
    tracking.add_item(issue, owner, 1, ChecklistItem.Kind.TODO, "Mine")
    item = ChecklistItem.objects.get(issue=issue, text="Mine")
    tracking.remove_item(load(issue), owner, 2, item)
    update = issue.updates.get()
    tracking.correct_update(load(issue), owner, 3, update, datetime.date(2026, 1, 2), "New")
    changes = IssueChange.objects.filter(issue=issue).order_by("id")
    assert [(change.field, change.user) for change in changes] == [
        ("todo", owner),
        ("todo", owner),
        ("updates", owner),
    ]


def test_the_resolved_day_is_set_kept_when_closed_and_cleared_when_reopened(owner):
    issue = make_issue(owner, status=Issue.Status.IN_PROGRESS)
    ChecklistItem.objects.filter(issue=issue).update(done=True)  # no gate in the way

    def move(status):
        current = load(issue)
        tracking.change_status(current, owner, current.version, status)
        return Issue.objects.get(pk=issue.pk).resolved_on

    assert move(Issue.Status.RESOLVED) == datetime.date.today()
    earlier = datetime.date(2026, 1, 5)
    Issue.objects.filter(pk=issue.pk).update(resolved_on=earlier)
    assert move(Issue.Status.CLOSED) == earlier
    assert move(Issue.Status.OPEN) is None
    assert move(Issue.Status.CLOSED) == datetime.date.today()


def test_an_override_is_logged_with_its_reason(owner):
    issue = load(make_issue(owner, status=Issue.Status.IN_PROGRESS))
    tracking.change_status(
        issue, owner, issue.version, Issue.Status.RESOLVED, reason="Sev-1: ship now"
    )
    update = Update.objects.filter(issue=issue).latest("pk")
    done, total = tracking.progress(issue, ChecklistItem.Kind.DONE)
    assert update.text == (
        f"Status changed from In progress to Resolved by {owner.get_username()}. The "
        f"Definition of Done was incomplete ({done} of {total} ticked): override confirmed. "
        "Reason: Sev-1: ship now"
    )
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.RESOLVED == issue.status
