"""Insights' stored counts (issues/rollup.py) against a straightforward count, issue by issue
and day by day, of a random history: before the worker counted the changes, after, and
without stored counts; after edits through every kind of write (save, update(), bulk_create,
delete, milestones); and the triggers that record those writes."""

import datetime
import io
import random
import statistics

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues import deadlines, rollup
from issues.models import (
    COUNT_COLUMNS,
    InsightsChange,
    InsightsDay,
    InsightsIssue,
    InsightsResolution,
    InsightsState,
    Issue,
    Milestone,
)
from tests.insights_support import ago, tables

pytestmark = pytest.mark.django_db

PRIORITIES = ["p0", "p1", "p2", "p3"]
LABELS = dict(Issue.Priority.choices)
OPEN = [Issue.Status.OPEN, Issue.Status.IN_PROGRESS]
DONE = [Issue.Status.RESOLVED, Issue.Status.CLOSED]


def expected_tables(**filters):
    """Each chart's table, counted from its definition one issue and one day at a time, of the
    issues matching ``filters`` ({field: value})."""
    today = timezone.localdate()
    days = [ago(89 - i) for i in range(90)]
    issues = [
        issue
        for issue in Issue.objects.exclude(status=Issue.Status.DRAFT)
        if all(getattr(issue, field) == value for field, value in filters.items())
    ]
    milestones = list(Milestone.objects.filter(issue__in=issues).select_related("issue"))

    def open_on(issue, day):
        # Resolved on a day unknown: open on none; resolved before reported: open on none.
        if issue.reported_date > day:
            return False
        if issue.status in OPEN:
            return True
        return issue.resolved_on is not None and day < issue.resolved_on

    def due(issue):
        return deadlines.due_date(issue.priority, issue.reported_date, issue.target_date)

    def overdue_on(issue, day):
        return open_on(issue, day) and due(issue) is not None and due(issue) < day

    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=11 - i) for i in range(12)]
    resolved = [
        i for i in issues if i.status in DONE and i.resolved_on and i.resolved_on >= days[0]
    ]

    def in_week(day, week):
        return day is not None and week <= day < week + datetime.timedelta(days=7)

    def median_row(p):
        took = [(i.resolved_on - i.reported_date).days for i in resolved if i.priority == p]
        median = statistics.median(took) if took else 0
        return [f"{median:g}", str(deadlines.deadline_days(p) or "none"), str(len(took))]

    ahead = {}
    for day in [today + datetime.timedelta(days=n) for n in range(30)]:
        targets = sum(1 for i in issues if i.status in OPEN and i.target_date == day)
        dated = sum(1 for m in milestones if m.issue.status in OPEN and m.date == day)
        if targets or dated:
            ahead[day.isoformat()] = [str(targets), str(dated)]
    return {
        "open": {
            day.isoformat(): [
                str(sum(1 for i in issues if i.priority == p and open_on(i, day)))
                for p in PRIORITIES
            ]
            for day in days
        },
        "weekly": {
            week.isoformat(): [
                str(sum(1 for i in issues if in_week(i.reported_date, week))),
                str(sum(1 for i in resolved if in_week(i.resolved_on, week))),
            ]
            for week in weeks
        },
        "resolve": {LABELS[p]: median_row(p) for p in PRIORITIES},
        "overdue": {
            day.isoformat(): [str(sum(1 for i in issues if overdue_on(i, day)))] for day in days
        },
        "ahead": ahead,
    }


def random_issue(rng, today):
    reported = today - datetime.timedelta(days=rng.randrange(-3, 420))
    status = rng.choice([*OPEN, *DONE, *DONE, Issue.Status.DRAFT])
    resolved_on = None
    if status in DONE and rng.random() < 0.9:
        # Now and then before its Reported Date (a Reported Date edited later).
        resolved_on = min(today, reported + datetime.timedelta(days=rng.randrange(-3, 70)))
    target = rng.choice([None, reported + datetime.timedelta(days=rng.randrange(0, 80))])
    return Issue(
        name="Random",
        type=rng.choice(["training", "deployment", "monitoring"]),
        environment=rng.choice(["", "staging", "production"]),
        priority="" if status == Issue.Status.DRAFT else rng.choice(PRIORITIES),
        status=status,
        reported_date=reported,
        target_date=target,
        resolved_on=resolved_on,
    )


def random_history(rng, count):
    today = timezone.localdate()
    issues = Issue.objects.bulk_create(random_issue(rng, today) for _ in range(count))
    Milestone.objects.bulk_create(
        Milestone(
            issue=issue,
            position=0,
            title="Fix deployed",
            date=today + datetime.timedelta(days=rng.randrange(-10, 35)),
        )
        for issue in issues
        if rng.random() < 0.4
    )


def edit_everything(rng):
    """Change what Insights counts through each kind of write."""
    today = timezone.localdate()
    issues = list(Issue.objects.exclude(status=Issue.Status.DRAFT).order_by("pk"))
    for issue in rng.sample(issues, 15):  # save(): resolve, reopen, close on an unknown day
        if issue.status in OPEN:
            issue.status, issue.resolved_on = Issue.Status.RESOLVED, today
        elif rng.random() < 0.7:
            issue.status, issue.resolved_on = Issue.Status.OPEN, None
        else:
            issue.status, issue.resolved_on = Issue.Status.CLOSED, None
        issue.save()
    pks = [issue.pk for issue in rng.sample(issues, 10)]
    Issue.objects.filter(pk__in=pks).update(priority="p0")  # update()
    pks = [issue.pk for issue in rng.sample(issues, 10)]
    Issue.objects.filter(pk__in=pks).update(environment="production", type="deployment")
    for issue in rng.sample(issues, 10):  # Reported Date and Target Resolution Date moved
        reported = issue.reported_date - datetime.timedelta(days=rng.randrange(-20, 40))
        target = rng.choice([None, reported + datetime.timedelta(days=rng.randrange(0, 30))])
        Issue.objects.filter(pk=issue.pk).update(reported_date=reported, target_date=target)
    Issue.objects.filter(pk__in=[issue.pk for issue in rng.sample(issues, 8)]).delete()
    kept = list(Issue.objects.filter(status__in=OPEN))
    for issue in rng.sample(kept, 5):
        Milestone.objects.create(
            issue=issue, position=9, title="Canary", date=ago(-rng.randrange(30))
        )
    moved = list(Milestone.objects.order_by("pk")[:6])
    for milestone in moved[:3]:
        milestone.date = ago(-rng.randrange(30))
        milestone.save()
    Milestone.objects.filter(pk__in=[m.pk for m in moved[3:]]).delete()
    Milestone.objects.filter(pk=moved[0].pk).update(issue=kept[0])  # to another issue
    random_history(rng, 20)  # bulk_create


def page_tables(client, query=""):
    return tables(client.get(reverse("insights") + query).content.decode())


def drawn_every_way(client, query="", served=True, **filters):
    """The page's tables with changes not yet counted, once counted, and counted here; each
    checked against the straightforward count. ``served``: the stored counts serve ``query``
    (then the page makes 4 queries: session, user, the sums, the next issues due)."""
    expected = expected_tables(**filters)
    assert InsightsChange.objects.exists()
    assert page_tables(client, query) == expected, "changes not yet counted"
    rollup.refresh()
    assert not InsightsChange.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        assert page_tables(client, query) == expected, "counted by the worker"
    assert (len(queries) == 4) == served
    InsightsState.objects.all().delete()
    assert page_tables(client, query) == expected, "counted here"
    rollup.refresh()  # counts everything again
    assert page_tables(client, query) == expected, "counted again"


@pytest.mark.parametrize("seed", [1, 2])
def test_every_chart_as_counted_by_hand_before_and_after_edits(owner_client, seed):
    rng = random.Random(seed)
    rollup.refresh()
    random_history(rng, 120)
    drawn_every_way(owner_client)
    edit_everything(rng)
    drawn_every_way(owner_client)
    edit_everything(rng)
    drawn_every_way(owner_client, "?priority=p0", priority="p0")
    edit_everything(rng)
    drawn_every_way(owner_client, "?environment=production", environment="production")
    edit_everything(rng)
    drawn_every_way(owner_client, "?type=deployment&priority=p1", type="deployment", priority="p1")
    edit_everything(rng)
    drawn_every_way(  # not served by the counts: counted here, whatever the counts
        owner_client,
        "?type=training&environment=staging",
        served=False,
        type="training",
        environment="staging",
    )


def counted_issues():
    return {
        (*row[:-1], tuple(sorted(row[-1])))
        for row in InsightsIssue.objects.values_list(
            "issue_id", *rollup.FIELDS, *rollup.SLICED, "milestones"
        )
    }


def test_a_worker_committing_while_the_page_reads(owner_client, monkeypatch):
    """The page reads the sums, then the changed issues; the worker commits in between."""
    rng = random.Random(8)
    rollup.refresh()
    random_history(rng, 60)
    expected = expected_tables()
    reads = []
    counted = rollup._counted

    def counted_then_worker(ids):
        rows = counted(ids)
        if len(reads) < 2:  # twice: the page reads a third time
            reads.append(len(ids))
            monkeypatch.setattr(rollup, "_counted", counted)  # the worker reads as usual
            rollup.refresh()  # the worker counts them, and the issues change again
            edit_everything(rng)
            monkeypatch.setattr(rollup, "_counted", counted_then_worker)
        return rows

    monkeypatch.setattr(rollup, "_counted", counted_then_worker)
    page = page_tables(owner_client)
    assert len(reads) == 2
    assert page == expected_tables() != expected
    monkeypatch.setattr(rollup, "ATTEMPTS", 2)
    reads.clear()
    edit_everything(rng)
    assert rollup.totals(ago(89), ago(-29)) is None  # then the page counts itself
    assert page_tables(owner_client) == expected_tables()


def test_too_many_changes_waiting_are_counted_here(owner_client, monkeypatch):
    rollup.refresh()
    random_history(random.Random(9), 30)
    monkeypatch.setattr(rollup, "MOST_CHANGES", InsightsChange.objects.count() - 1)
    assert rollup.totals(ago(89), ago(-29)) is None
    assert page_tables(owner_client) == expected_tables()
    monkeypatch.setattr(rollup, "MOST_CHANGES", InsightsChange.objects.count())
    assert rollup.totals(ago(89), ago(-29)) is not None


def test_counted_one_by_one_as_if_counted_again():
    """The worker's counts after changes are those of counting every issue again."""
    rng = random.Random(3)
    random_history(rng, 80)
    rollup.refresh()
    edit_everything(rng)
    rollup.refresh()
    stored = stored_counts()
    assert stored[0] and stored[1]
    counted = counted_issues()
    InsightsState.objects.all().delete()
    assert rollup.refresh() == Issue.objects.exclude(status=Issue.Status.DRAFT).count()
    assert stored_counts() == stored
    assert counted_issues() == counted


def stored_counts():
    """The stored days and resolutions, as sets of their keys and counts."""
    days = set(InsightsDay.objects.values_list("slice", "day", *COUNT_COLUMNS))
    resolutions = InsightsResolution.objects.values_list("slice", "day", "priority", "days", "n")
    return days, set(resolutions)


def test_old_days_are_kept_as_sums(owner_client):
    """Days before the month of the first day shown become one row per slice, of what was open
    and overdue; their resolutions go."""
    rng = random.Random(4)
    random_history(rng, 80)
    rollup.refresh()
    cutoff = ago(90).replace(day=1)
    old = InsightsDay.objects.filter(day__lt=cutoff)
    assert set(old.values_list("day", flat=True)) == {cutoff - datetime.timedelta(days=1)}
    assert old.count() == len(set(old.values_list("slice", flat=True))) > 1
    folded = {rollup.OPEN, rollup.OVERDUE}
    for row in old:
        assert {c for c in COUNT_COLUMNS if getattr(row, c)} <= {
            InsightsDay.column(kind, p) for kind in folded for p in rollup.PRIORITIES
        }
    assert not InsightsResolution.objects.filter(day__lt=cutoff).exists()
    assert page_tables(owner_client) == expected_tables()


def changes():
    return sorted(InsightsChange.objects.values_list("issue_id", flat=True))


def test_triggers_record_what_insights_counts_and_nothing_else():
    issue = Issue.objects.create(name="A", type="training", priority="p1")
    assert changes() == [issue.pk]
    InsightsChange.objects.all().delete()
    issue.name, issue.description = "Renamed", "Text"
    issue.save()
    Issue.objects.filter(pk=issue.pk).update(version=5, assignees=["maya-ml"])
    assert changes() == []
    for field, value in [
        ("status", Issue.Status.RESOLVED),
        ("priority", "p2"),
        ("reported_date", ago(3)),
        ("target_date", ago(-3)),
        ("resolved_on", ago(0)),
    ]:
        Issue.objects.filter(pk=issue.pk).update(**{field: value})
        assert issue.pk in changes(), field
        InsightsChange.objects.all().delete()
    other = Issue.objects.create(name="B", type="training", priority="p1")
    milestone = Milestone.objects.create(issue=issue, position=0, title="M", date=ago(-1))
    assert changes() == sorted([other.pk, issue.pk])
    InsightsChange.objects.all().delete()
    milestone.title = "Renamed"
    milestone.save()
    assert changes() == []
    Milestone.objects.filter(pk=milestone.pk).update(issue=other)
    assert changes() == sorted([issue.pk, other.pk])
    InsightsChange.objects.all().delete()
    gone = other.pk
    other.delete()  # its milestone goes first
    assert changes() == [gone, gone]


def test_missing_triggers_come_back_after_migrate_and_everything_is_counted_again():
    """As when SQLite's schema editor rebuilds the issue table for a later migration."""
    rollup.refresh()
    table = "" if connection.vendor == "sqlite" else " ON issues_issue"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER issues_issue_insights_update{table}")
    issue = Issue.objects.create(name="A", type="training", priority="p1")
    InsightsChange.objects.all().delete()
    Issue.objects.filter(pk=issue.pk).update(priority="p2")
    assert not InsightsChange.objects.exists()  # not recorded: the counts are wrong
    rollup.ensure_triggers()
    assert rollup.totals(ago(89), ago(-29)) is None  # so the page counts itself
    Issue.objects.filter(pk=issue.pk).update(priority="p3")
    assert changes() == [issue.pk, issue.pk]
    assert rollup.refresh() == 1  # every issue counted again
    assert InsightsIssue.objects.get().priority == "p3"


def test_other_deadlines_are_counted_here_until_the_worker_counts_again(owner_client, settings):
    random_history(random.Random(5), 60)
    rollup.refresh()
    settings.DSKIT_DEADLINE_DAYS = {"p0": 2, "p1": 7, "p2": 21, "p3": None}
    assert rollup.totals(ago(89), ago(-29)) is None
    expected = expected_tables()
    assert page_tables(owner_client) == expected
    rollup.refresh()
    assert rollup.totals(ago(89), ago(-29)) is not None
    assert page_tables(owner_client) == expected


def test_bulk_loads_leave_the_counts_up_to_date():
    call_command("seed_demo", count=40, stdout=io.StringIO())
    assert not InsightsChange.objects.exists()
    assert InsightsState.objects.exists()
    assert InsightsIssue.objects.count() == Issue.objects.exclude(status=Issue.Status.DRAFT).count()


def test_refresh_insights_command(capsys):
    random_history(random.Random(6), 10)
    rollup.refresh()
    Issue.objects.filter(pk__in=list(Issue.objects.values_list("pk", flat=True)[:3])).update(
        priority="p3"
    )
    call_command("refresh_insights")
    assert capsys.readouterr().out == "counted 3 changed issues\n"
    assert not InsightsChange.objects.exists()
