"""Priority deadlines: the template's priority wording turned into dates, and each open issue's
deadline state.

An issue's due date is its Target Resolution Date, or else its Reported Date plus its priority's
deadline (``settings.DSKIT_DEADLINE_DAYS``; ``!p3`` has none). An open issue is *overdue* after
its due date, *due soon* when less than a fifth of its time or at most one day is left, and *on
track* otherwise.
"""

import datetime

from django.conf import settings
from django.db.models import DateField, FloatField, Func, Q, Value
from django.db.models.lookups import LessThan
from django.utils import timezone

from issues.choices import OPEN_STATUSES

ON_TRACK, DUE_SOON, OVERDUE = "on_track", "soon", "overdue"
STATE_LABELS = {ON_TRACK: "On track", DUE_SOON: "Due soon", OVERDUE: "Overdue"}
STATE_BADGES = {ON_TRACK: "text-bg-success", DUE_SOON: "text-bg-warning", OVERDUE: "text-bg-danger"}


def deadline_days(priority):
    """Days from Reported Date to the priority's deadline, or None."""
    return settings.DSKIT_DEADLINE_DAYS.get(priority)


def proposed_target(priority, reported):
    """The Target Resolution Date proposed for a new issue without one, or None."""
    days = deadline_days(priority)
    return reported + datetime.timedelta(days=days) if days and reported else None


def due_date(priority, reported, target):
    return target or proposed_target(priority, reported)


def state(priority, reported, target, status, today=None):
    """The deadline state of an issue (None when closed, resolved, a draft or without a deadline)."""
    due = due_date(priority, reported, target)
    if status not in OPEN_STATUSES or due is None:
        return None
    today = today or timezone.localdate()
    left = (due - today).days
    if left < 0:
        return OVERDUE
    if left <= 1 or 5 * left < (due - reported).days:
        return DUE_SOON
    return ON_TRACK


def issue_state(issue, today=None):
    return state(issue.priority, issue.reported_date, issue.target_date, issue.status, today)


class DayNumber(Func):
    """A date as a number of days, on both databases (only differences of them mean anything)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="julianday", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra_context
        )


def _fifth_left_q(today):
    """Less than a fifth of the time left: 5 × (target − today) < target − reported, that is
    reported + 4 × target < 5 × today."""
    left = DayNumber("reported_date") + 4 * DayNumber("target_date")
    return Q(LessThan(left, 5 * DayNumber(Value(today, output_field=DateField()))))


def overdue_q(today=None):
    """Open issues past their due date, as a filter (plain date comparisons: both databases)."""
    today = today or timezone.localdate()
    condition = Q(target_date__lt=today)
    for priority, days in settings.DSKIT_DEADLINE_DAYS.items():
        if days:
            since = today - datetime.timedelta(days=days)
            condition |= Q(target_date__isnull=True, priority=priority, reported_date__lt=since)
    return condition & Q(status__in=OPEN_STATUSES)


def due_soon_q(today=None):
    """Open issues due soon, as a filter: the same rule as ``state``."""
    today = today or timezone.localdate()
    condition = Q(target_date__gte=today, target_date__lte=today + datetime.timedelta(days=1))
    condition |= Q(target_date__gt=today + datetime.timedelta(days=1)) & _fifth_left_q(today)
    for priority, days in settings.DSKIT_DEADLINE_DAYS.items():
        if not days:
            continue
        # Due on reported + days: due soon when the days left are <= 1 or 5 × left < days.
        window = max(1, (days - 1) // 5)
        latest_due = today + datetime.timedelta(days=window)
        condition |= Q(
            target_date__isnull=True,
            priority=priority,
            reported_date__gte=today - datetime.timedelta(days=days),
            reported_date__lte=latest_due - datetime.timedelta(days=days),
        )
    return condition & Q(status__in=OPEN_STATUSES)
