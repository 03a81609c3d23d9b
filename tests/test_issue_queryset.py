"""Issue.objects (IssueQuerySet): what the list shows, an issue with its rows, and the two
meanings of late, each defined once: the queryset and the issue's property agree on the
database (SQLite and PostgreSQL both run this file)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from issues.choices import OPEN_STATUSES
from issues.models import Issue
from issues.serialization import issue_to_dict
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def grid(monkeypatch):
    """Issues of every priority and status, reported and due around today's boundaries."""
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    Issue.objects.bulk_create(
        Issue(
            name="x",
            type="training",
            priority=priority,
            reported_date=TODAY - datetime.timedelta(days=age),
            target_date=None if ahead is None else TODAY + datetime.timedelta(days=ahead - age),
            status=status,
        )
        for priority, age, ahead, status in itertools.product(
            Issue.Priority.values,
            [0, 1, 2, 14, 15, 42, 43],
            [None, 0, 1, 2, 40],
            Issue.Status.values,
        )
        if status != Issue.Status.DRAFT or priority
    )
    return list(Issue.objects.all())


def ids(issues):
    return {issue.pk for issue in issues}


def test_overdue_is_the_issues_is_overdue(grid):
    overdue = ids(Issue.objects.overdue(TODAY))
    assert overdue == {issue.pk for issue in grid if issue.is_overdue}
    # Due by priority alone (no target) and past the target both count; closed ones do not.
    assert any(issue.target_date is None for issue in grid if issue.pk in overdue)
    assert any(issue.target_date is not None for issue in grid if issue.pk in overdue)
    assert all(issue.status in OPEN_STATUSES for issue in grid if issue.pk in overdue)


def test_past_target_is_open_with_the_target_date_passed(grid):
    past = ids(Issue.objects.past_target(TODAY))
    assert past == {
        issue.pk
        for issue in grid
        if issue.status in OPEN_STATUSES and issue.target_date and issue.target_date < TODAY
    }
    assert past


def test_the_two_meanings_differ_where_the_priority_sets_the_due_date(grid):
    """Overdue by the priority's deadline without a Target Resolution Date is not past target."""
    only_overdue = ids(Issue.objects.overdue(TODAY)) - ids(Issue.objects.past_target(TODAY))
    assert only_overdue
    assert all(issue.target_date is None for issue in grid if issue.pk in only_overdue)


def test_listed_leaves_out_drafts_only(owner):
    shown = [
        make_issue(owner, status=status) for status in Issue.Status.values if status != "draft"
    ]
    make_issue(owner, status=Issue.Status.DRAFT)
    assert ids(Issue.objects.listed()) == ids(shown)


def test_with_rows_reads_an_issues_json_form_in_one_query_per_table(
    owner, django_assert_num_queries
):
    for _ in range(3):
        make_issue(
            owner,
            milestones=[{"title": "M", "date": "2026-12-03"}],
            updates=[{"date": "2026-12-01", "text": "u"}],
            metrics=[{"name": "recall", "value": 0.9}],
            links=[{"kind": "run", "target": "runs:/1/model"}],
        )
    # The issues with their reporters, then milestones, checklist items, updates with their
    # authors, metrics and links.
    with django_assert_num_queries(6):
        issues = list(Issue.objects.with_rows())
        forms = [issue_to_dict(issue) for issue in issues]
        authors = {update.author for issue in issues for update in issue.updates.all()}
        reporters = {issue.reporter for issue in issues}
    assert len(forms) == 3 and authors == reporters == {owner}
    assert all(form["metrics"] and form["links"] and form["milestones"] for form in forms)
