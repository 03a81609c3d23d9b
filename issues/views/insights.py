"""Insights: five charts of the team's work, under the issue list's filters.

Without filters, or with ``?priority=`` and at most one of ``?environment=`` and ``?type=``,
the counts come from the sums per day kept by the worker (issues/rollup.py), corrected for the
issues changed since. Other filters count the matching issues here, from a fixed number of
queries: one pass over the open issues for what was open and overdue before the 90 days shown,
then counts per day from index ranges (Reported Date, resolved day, Target Resolution Date)
inside them, added up with difference arrays.
"""

import datetime
from collections import Counter
from itertools import accumulate

from django.db.models import Case, Count, DateField, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThan
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from issues import charts, deadlines, rollup
from issues.deadlines import DayNumber
from issues.filters import OPEN_STATUSES, IssueFilter
from issues.models import Issue, Milestone

DAYS, AHEAD = rollup.DAYS, rollup.AHEAD
WEEKS = 12
NEXT_DUE = 10
PRIORITIES = [value for value, _ in Issue.Priority.choices]
PRIORITY_LABELS = dict(Issue.Priority.choices)
DONE_STATUSES = [Issue.Status.RESOLVED, Issue.Status.CLOSED]


def _filtered(request):
    """The list's filters, and the non-draft issues they match (any status unless asked)."""
    data = request.GET.copy()
    data.setdefault("status", "all")
    for key in ("sort", "page"):
        data.pop(key, None)
    issue_filter = IssueFilter(data, Issue.objects.all(), request=request)
    return issue_filter, issue_filter.qs.order_by()


def _days(first, count):
    return [first + datetime.timedelta(days=i) for i in range(count)]


class Window:
    """Per-day counts over the days shown, added up from +1/-1 changes (a difference array)."""

    def __init__(self, days):
        self.days = days
        self.first = days[0]
        self.changes = [0] * (len(days) + 1)

    def index(self, day):
        return min(max((day - self.first).days, 0), len(self.days))

    def add(self, since, until=None, count=1):
        """Count on each day from ``since`` up to (not including) ``until``."""
        self.changes[self.index(since)] += count
        if until is not None:
            self.changes[self.index(until)] -= count

    def counts(self, initial=0):
        return [initial + total for total in accumulate(self.changes[:-1])]


def _history(issues, today):
    """Open issues per priority and overdue issues on each of the last DAYS days, and the
    resolutions since then (by day, and their durations per priority), counted here.

    An issue is open on day d when reported by then and not yet resolved: those open now, and
    those resolved since the window began (resolved or closed issues without a known day are
    left out). It is overdue on d when open and due (its Target Resolution Date, or else the
    priority's deadline) before d.
    """
    days = _days(today - datetime.timedelta(days=DAYS - 1), DAYS)
    start = days[0]
    open_now = issues.filter(status__in=OPEN_STATUSES)
    before = open_now.aggregate(
        **{p: Count("id", filter=Q(priority=p, reported_date__lt=start)) for p in PRIORITIES},
        overdue=Count("id", filter=deadlines.overdue_q(start)),
    )
    by_priority = {p: Window(days) for p in PRIORITIES}
    overdue = Window(days)
    recent = open_now.filter(priority__in=PRIORITIES, reported_date__gte=start)
    for row in recent.values("priority", "reported_date").annotate(n=Count("id")):
        by_priority[row["priority"]].add(row["reported_date"], count=row["n"])
    # Open now and due inside the window: overdue from the day after.
    with_target = open_now.filter(target_date__gte=start, target_date__lt=today)
    for row in with_target.values("target_date").annotate(n=Count("id")):
        overdue.add(row["target_date"] + datetime.timedelta(days=1), count=row["n"])
    for priority, length in deadlines.settings.DSKIT_DEADLINE_DAYS.items():
        if not length:
            continue
        span = datetime.timedelta(days=length)
        without = open_now.filter(
            target_date__isnull=True,
            priority=priority,
            reported_date__gte=start - span,
            reported_date__lt=today - span,
        )
        for row in without.values("reported_date").annotate(n=Count("id")):
            overdue.add(row["reported_date"] + span + datetime.timedelta(days=1), count=row["n"])
    # Resolved since the window began: open from their Reported Date (or the first day) until
    # the day they were resolved; overdue from the day after they were due until then.
    done = issues.filter(status__in=DONE_STATUSES, resolved_on__gte=start)
    resolved = Counter()
    durations = {p: Counter() for p in PRIORITIES}
    # Grouped in the order of the resolved-day index, which SQLite then reads alone, in order.
    rows = done.values_list("resolved_on", "priority", "reported_date").annotate(n=Count("id"))
    for resolved_on, priority, reported, count in rows:
        resolved[resolved_on] += count
        # Resolved before its Reported Date: open on no day.
        by_priority[priority].add(reported, max(reported, resolved_on), count)
        durations[priority][(resolved_on - reported).days] += count
    late = done.annotate(due=_due_day()).filter(LessThan(F("due") + 1, DayNumber("resolved_on")))
    first = DayNumber(Value(start, output_field=DateField()))
    offset = Greatest(F("due") + 1 - first, Value(0.0))
    for row in late.values(offset=offset).annotate(n=Count("id")):
        overdue.changes[min(round(row["offset"]), DAYS)] += row["n"]
    for row in late.values("resolved_on").annotate(n=Count("id")):
        overdue.add(row["resolved_on"], count=-row["n"])
    return {
        "days": days,
        "open": [(p, by_priority[p].counts(before[p])) for p in PRIORITIES],
        "overdue": overdue.counts(before["overdue"]),
        "resolved": resolved,
        "durations": durations,
    }


def _due_day():
    """The day an issue is due, as a day number: its Target Resolution Date, or else its
    Reported Date plus the priority's deadline (none for a priority without one)."""
    deadline = Case(
        *[
            When(priority=priority, then=Value(float(days)))
            for priority, days in deadlines.settings.DSKIT_DEADLINE_DAYS.items()
            if days
        ],
        default=None,
        output_field=FloatField(),
    )
    return Coalesce(DayNumber("target_date"), DayNumber("reported_date") + deadline)


def _median(histogram):
    """The median of values given as {value: how many}."""
    total = sum(histogram.values())
    if not total:
        return 0
    wanted, found, seen = [(total - 1) // 2, total // 2], [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (found[0] + found[1]) / 2


def _first_week(today):
    return today - datetime.timedelta(days=today.weekday(), weeks=WEEKS - 1)


def _weekly(reported, resolved, today):
    """Issues opened and resolved in each of the last WEEKS weeks (Monday to Sunday), from
    {day: issues reported} and {day: issues resolved}."""
    weeks = [_first_week(today) + datetime.timedelta(weeks=i) for i in range(WEEKS)]
    opened, done = Counter(), Counter()
    for day, count in reported.items():
        opened[day - datetime.timedelta(days=day.weekday())] += count
    for day, count in resolved.items():
        done[day - datetime.timedelta(days=day.weekday())] += count
    return weeks, [opened[w] for w in weeks], [done[w] for w in weeks]


def _reported(issues, today):
    """Issues reported on each day since the first week shown, counted here."""
    since = _first_week(today)
    # Every priority named, so that the status-priority-date index serves it as ranges.
    recent = issues.filter(priority__in=PRIORITIES, reported_date__gte=since)
    return Counter(
        {
            row["reported_date"]: row["n"]
            for row in recent.values("reported_date").annotate(n=Count("id"))
        }
    )


def _time_to_resolve(durations):
    """Median days from Reported Date to resolution, per priority, of those resolved lately."""
    return [(p, _median(durations[p]), sum(durations[p].values())) for p in PRIORITIES]


def _ahead(issues, today):
    """Target Resolution Dates and milestones of open issues on each of the next AHEAD days,
    counted here."""
    days = _days(today, AHEAD)
    open_now = issues.filter(status__in=OPEN_STATUSES)
    rows = open_now.filter(target_date__gte=days[0], target_date__lte=days[-1])
    targets = Counter(
        {row["target_date"]: row["n"] for row in rows.values("target_date").annotate(n=Count("id"))}
    )
    # From the milestones of those days (their date index), each checked against its issue.
    milestones = Milestone.objects.filter(date__gte=days[0], date__lte=days[-1]).filter(
        Exists(open_now.filter(pk=OuterRef("issue_id")))
    )
    dated = Counter(
        {row["date"]: row["n"] for row in milestones.values("date").annotate(n=Count("id"))}
    )
    return targets, dated


def _next_due(issues, today):
    """The open issues due next, in the next AHEAD days, as dicts (no model instances to
    build)."""
    due = issues.filter(
        status__in=OPEN_STATUSES,
        target_date__gte=today,
        target_date__lt=today + datetime.timedelta(days=AHEAD),
    )
    rows = due.order_by("target_date", "id").values("pk", "name", "priority", "target_date")
    return list(rows[:NEXT_DUE])


def _short(day):
    return day.strftime("%b %-d")


def _stored_history(issue_filter, today):
    """What ``_history``, ``_reported`` and ``_ahead`` count, from the worker's sums per day
    (issues/rollup.py): without filters, or with ``?priority=`` and at most one of
    ``?environment=`` and ``?type=``; otherwise None."""
    data = issue_filter.form.cleaned_data
    used = {
        name for name, value in data.items() if value and not (name == "status" and value == "all")
    }
    if used - {"priority"} not in ({"environment"}, {"type"}, set()):
        return None
    days = _days(today - datetime.timedelta(days=DAYS - 1), DAYS)
    end = today + datetime.timedelta(days=AHEAD - 1)
    part = rollup.slices(data.get("environment"), data.get("type"))
    totals = rollup.totals(days[0], end, data.get("priority"), part)
    if totals is None:
        return None
    daily, before = totals.daily, totals.before
    # Each kind's counts per day from the first day shown: today is the last of DAYS.
    shown = _days(days[0], DAYS + AHEAD - 1)
    durations = {p: Counter() for p in PRIORITIES}
    for (priority, value), n in totals.durations.items():
        durations[priority][value] += n
    history = {
        "days": days,
        "open": [
            (p, _running(daily[rollup.OPEN, p][:DAYS], before[rollup.OPEN, p])) for p in PRIORITIES
        ],
        "overdue": _running(daily[rollup.OVERDUE, ""][:DAYS], before[rollup.OVERDUE, ""]),
        "resolved": dict(zip(shown, daily[rollup.RESOLVED, ""], strict=True)),
        "durations": durations,
    }
    reported = dict(zip(shown, daily[rollup.REPORTED, ""], strict=True))
    ahead = (
        dict(zip(shown[DAYS - 1 :], daily[kind, ""][DAYS - 1 :], strict=True))
        for kind in (rollup.TARGET, rollup.MILESTONE)
    )
    return history, reported, tuple(ahead)


def _running(changes, initial):
    """Counts on each day from +/- changes on each day (the stored sums' OPEN and OVERDUE)."""
    return list(accumulate(changes, initial=initial))[1:]


def insights(request):
    issue_filter, issues = _filtered(request)
    today = timezone.localdate()
    stored = _stored_history(issue_filter, today)
    if stored:
        history, reported, (targets, dated) = stored
    else:
        history, reported = _history(issues, today), _reported(issues, today)
        targets, dated = _ahead(issues, today)
    days = history["days"]
    weeks, opened, resolved = _weekly(reported, history["resolved"], today)
    medians = _time_to_resolve(history["durations"])
    ahead_days = _days(today, AHEAD)
    targets, milestones = [targets[d] for d in ahead_days], [dated[d] for d in ahead_days]
    next_due = _next_due(issues, today)
    day_labels = [_short(d) for d in days]
    open_today = {p: counts[-1] for p, counts in history["open"]}
    open_first = {p: counts[0] for p, counts in history["open"]}

    def priority_series(rows):
        return [(PRIORITY_LABELS[p], values) for p, values in rows]

    ctx = {
        "filter": issue_filter,
        "notes": issue_filter.notes,
        "filtered": any(key in issue_filter.filters for key in request.GET),
        "charts": [
            {
                "key": "open",
                "title": f"Open issues by priority, last {DAYS} days",
                "first_column": "Day",
                "svg": charts.bar_chart(
                    "open-title open-summary",
                    day_labels,
                    priority_series(history["open"]),
                    stacked=True,
                ),
                "summary": (
                    f"{sum(open_today.values())} issues open on {days[-1]} "
                    f"({', '.join(f'{PRIORITY_LABELS[p]} {n}' for p, n in open_today.items())}); "
                    f"{sum(open_first.values())} on {days[0]}."
                ),
                "columns": [PRIORITY_LABELS[p] for p in PRIORITIES],
                "rows": [
                    (day.isoformat(), [counts[i] for _, counts in history["open"]])
                    for i, day in enumerate(days)
                ],
            },
            {
                "key": "weekly",
                "title": f"Issues opened and resolved per week, last {WEEKS} weeks",
                "first_column": "Week of",
                "columns": ["Opened", "Resolved"],
                "svg": charts.bar_chart(
                    "weekly-title weekly-summary",
                    [_short(w) for w in weeks],
                    [("Opened", opened), ("Resolved", resolved)],
                ),
                "summary": (
                    f"In the last {WEEKS} weeks {sum(opened)} issues were opened and "
                    f"{sum(resolved)} resolved; this week {opened[-1]} opened, {resolved[-1]} "
                    "resolved."
                ),
                "rows": [
                    (week.isoformat(), [o, r])
                    for week, o, r in zip(weeks, opened, resolved, strict=True)
                ],
            },
            {
                "key": "resolve",
                "title": "Median time to resolve by priority, against its deadline",
                "first_column": "Priority",
                "columns": ["Median days", "Deadline in days", "Issues resolved"],
                "svg": charts.bar_chart(
                    "resolve-title resolve-summary",
                    [PRIORITY_LABELS[p] for p in PRIORITIES],
                    [("Median days to resolve", [median for _, median, _ in medians])],
                    markers={
                        i: deadlines.deadline_days(p)
                        for i, p in enumerate(PRIORITIES)
                        if deadlines.deadline_days(p)
                    },
                ),
                "summary": "; ".join(
                    f"{PRIORITY_LABELS[p]}: {median:g} days median over {n} resolved"
                    + (
                        f" (deadline {deadlines.deadline_days(p)} days)"
                        if deadlines.deadline_days(p)
                        else " (no deadline)"
                    )
                    for p, median, n in medians
                )
                + f", in the last {DAYS} days.",
                "rows": [
                    (PRIORITY_LABELS[p], [f"{median:g}", deadlines.deadline_days(p) or "none", n])
                    for p, median, n in medians
                ],
            },
            {
                "key": "overdue",
                "title": f"Overdue issues, last {DAYS} days",
                "first_column": "Day",
                "columns": ["Overdue"],
                "svg": charts.line_chart(
                    "overdue-title overdue-summary",
                    day_labels,
                    [("Overdue", history["overdue"])],
                ),
                "summary": (
                    f"{history['overdue'][-1]} issues overdue on {days[-1]}, "
                    f"{history['overdue'][0]} on {days[0]}; at most {max(history['overdue'])}."
                ),
                "rows": [
                    (day.isoformat(), [n]) for day, n in zip(days, history["overdue"], strict=True)
                ],
            },
            {
                "key": "ahead",
                "title": f"Target Resolution Dates and milestones, next {AHEAD} days",
                "first_column": "Day",
                "columns": ["Target Resolution Dates", "Milestones"],
                "svg": charts.bar_chart(
                    "ahead-title ahead-summary",
                    [_short(d) for d in ahead_days],
                    [("Target Resolution Dates", targets), ("Milestones", milestones)],
                ),
                "summary": (
                    f"In the next {AHEAD} days: {sum(targets)} Target Resolution Dates and "
                    f"{sum(milestones)} milestones of open issues."
                ),
                "rows": [
                    (day.isoformat(), [t, m])
                    for day, t, m in zip(ahead_days, targets, milestones, strict=True)
                    if t or m
                ],
            },
        ],
        "next_due": next_due,
    }
    for chart in ctx["charts"]:
        chart["table"] = charts.data_table(
            f"{chart['title']}: the data", chart["first_column"], chart["columns"], chart["rows"]
        )
    return render(request, "issues/insights.html", ctx)


urlpatterns = [path("insights/", insights, name="insights")]
