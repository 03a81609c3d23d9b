"""Insights' counts per day, kept up to date off the request path (README "Insights").

Each issue contributes a few dated events (``facts``): reported, open from its Reported Date
until resolved, overdue from the day after it was due until resolved, its Target Resolution
Date and milestones while open, resolved after so many days. ``InsightsDay`` holds their sums
per slice (all issues, an environment, a type) and day, a column per kind and priority;
``InsightsResolution`` the resolutions by how many days they took; and ``InsightsIssue`` each
issue as it was counted. Database triggers (``ensure_triggers``) write an
``InsightsChange`` row with every insert, delete or counted change of an issue or milestone, in
the writer's transaction, whatever made it (the ORM, ``update()``, ``bulk_create``, raw SQL).
The worker (``refresh``, run by ``manage.py refresh_insights``) moves those issues' events from
how they were counted to how they are, and deletes the changes it handled. A page reads the
sums and corrects them for the changes not yet handled (``totals``), so its figures are those
of the issues as they are, whether the worker is late or not.
"""

import datetime
import json
from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from issues.choices import LISTED_STATUSES, OPEN_STATUSES, Priority
from issues.dbstats import analyze
from issues.models import (
    InsightsChange,
    InsightsDay,
    InsightsIssue,
    InsightsResolution,
    InsightsState,
    Issue,
    Milestone,
)
from issues.prepared import planned_once

OPEN, OVERDUE, REPORTED, RESOLVED, TARGET, MILESTONE = InsightsDay.KINDS
PRIORITIES = Priority.values
COUNTED_STATUSES = LISTED_STATUSES
FIELDS = ["priority", "status", "reported_date", "target_date", "resolved_on"]
# The list filters the counts serve besides ?priority= (one at a time): each issue's events are
# counted for all issues (slice ""), for its environment and for its type.
SLICED = ["environment", "type"]
# The days Insights shows: the last DAYS, and AHEAD days to come.
DAYS, AHEAD = 90, 30
# Reads of the sums and the changed issues, when the worker commits in between each time.
ATTEMPTS = 3
# More changes than this waiting (the worker stopped, a bulk load not counted yet): a page counts
# the issues itself rather than correct the sums for each.
MOST_CHANGES = 1000
# More changes than this waiting: count every issue again rather than one by one.
REBUILD_AFTER = 20_000
DAY = datetime.timedelta(days=1)
COUNT_TABLES = [InsightsDay, InsightsResolution, InsightsIssue, InsightsChange]


def facts(priority, status, reported_date, target_date, resolved_on, milestones):
    """The events one issue counts as [(kind, day, value, +1 or -1)] (Insights' definitions).

    Open on a day: reported by then and not resolved by then (an issue resolved on a day
    unknown counts on none). Overdue: open, and past its due day (Target Resolution Date, or
    Reported Date plus the priority's deadline). An issue without a priority (only the admin
    saves one) counts nowhere: the charts are drawn by priority.
    """
    if status not in COUNTED_STATUSES or priority not in PRIORITIES:
        return []
    events = [(REPORTED, reported_date, 0, 1)]
    days = settings.DSKIT_DEADLINE_DAYS.get(priority)
    due = target_date or (reported_date + datetime.timedelta(days=days) if days else None)
    if status in OPEN_STATUSES:
        events.append((OPEN, reported_date, 0, 1))
        if due:
            events.append((OVERDUE, due + DAY, 0, 1))
        if target_date:
            events.append((TARGET, target_date, 0, 1))
        events += [(MILESTONE, day, 0, 1) for day in milestones]
        return events
    if resolved_on is None:
        return events
    events += [
        (OPEN, reported_date, 0, 1),
        (OPEN, max(reported_date, resolved_on), 0, -1),
        (RESOLVED, resolved_on, (resolved_on - reported_date).days, 1),
    ]
    if due and due + DAY < resolved_on:
        events += [(OVERDUE, due + DAY, 0, 1), (OVERDUE, resolved_on, 0, -1)]
    return events


def slices(environment="", type=""):
    """The slice of the counts for these filters ("" for all issues)."""
    return f"environment:{environment}" if environment else f"type:{type}" if type else ""


def _counts(rows):
    """{(slice, kind, day, priority, value): n} of issues given as dicts of FIELDS, SLICED
    and milestones."""
    counts = Counter()
    for row in rows:
        events = facts(*(row[field] for field in FIELDS), row["milestones"])
        for part in {"", *(slices(**{field: row[field]}) for field in SLICED)}:
            for kind, day, value, sign in events:
                counts[part, kind, day, row["priority"], value] += sign
    return counts


def _current(issues, milestones):
    """The issues (those counted) as dicts of FIELDS, with the dates of their ``milestones``."""
    rows = {
        row["id"]: {**row, "milestones": []}
        for row in issues.filter(status__in=COUNTED_STATUSES).values("id", *FIELDS, *SLICED)
    }
    for issue_id, day in milestones.values_list("issue_id", "date").order_by():
        if issue_id in rows:
            rows[issue_id]["milestones"].append(day)
    return list(rows.values())


def _counted(ids):
    """The issues as the counts last counted them, in the same form."""
    counted = InsightsIssue.objects.filter(issue_id__in=ids)
    rows = list(counted.values(*FIELDS, *SLICED, "milestones"))
    for row in rows:
        row["milestones"] = [datetime.date.fromisoformat(day) for day in row["milestones"]]
    return rows


def _counted_issue(row):
    return InsightsIssue(
        issue_id=row["id"],
        milestones=[day.isoformat() for day in row["milestones"]],
        **{field: row[field] for field in [*FIELDS, *SLICED]},
    )


def _deadlines():
    """The deadlines the counts are made with, as stored (``InsightsState.deadlines``)."""
    return json.dumps(settings.DSKIT_DEADLINE_DAYS, sort_keys=True)


def refresh():
    """Bring the counts up to date with the issues (the worker; also after bulk loads), and
    say how many changed issues were counted."""
    with transaction.atomic():
        state, _ = InsightsState.objects.select_for_update().get_or_create(pk=1)
        changes = list(InsightsChange.objects.values_list("id", "issue_id")[: REBUILD_AFTER + 1])
        if state.deadlines == _deadlines() and len(changes) <= REBUILD_AFTER:
            return _count_changes(state, changes)
        counted = _rebuild(state)
    # After the transaction: statistics for the planners (and all-visible pages on PostgreSQL,
    # where the bulk loads' analyze vacuums outside a transaction).
    analyze(COUNT_TABLES)
    return counted


def _count_changes(state, changes):
    """Move the changed issues' events from how they were counted to how they are."""
    ids = {issue_id for _, issue_id in changes}
    now = _current(Issue.objects.filter(pk__in=ids), Milestone.objects.filter(issue_id__in=ids))
    delta = _counts(now)
    delta.subtract(_counts(_counted(ids)))
    _add(delta)
    InsightsIssue.objects.filter(issue_id__in=ids).delete()
    InsightsIssue.objects.bulk_create(map(_counted_issue, now))
    InsightsChange.objects.filter(pk__in=[pk for pk, _ in changes]).delete()
    _fold()
    state.counted_at, state.version = timezone.now(), state.version + 1
    state.save()
    return len(ids)


def _add(delta):
    """Add {(slice, kind, day, priority, value): change} to the stored counts: each to its
    day's column, and resolutions to their durations too."""
    days, durations = defaultdict(Counter), Counter()
    for (part, kind, day, priority, value), n in delta.items():
        if n:
            days[part, day][InsightsDay.column(kind, priority)] += n
            if kind == RESOLVED:
                durations[part, day, priority, value] += n
    _add_rows(InsightsDay, ["slice", "day"], days)
    keys = ["slice", "day", "priority", "days"]
    _add_rows(InsightsResolution, keys, {key: {"n": n} for key, n in durations.items()})


def _add_rows(model, keys, changes):
    """Add {(slice, day, ...): {column: change}} to the rows of ``model`` with those ``keys``
    (slice and day first); rows whose counts all reach 0 go."""
    changes = {key: change for key, change in changes.items() if any(change.values())}
    if not changes:
        return
    stored = model.objects.filter(day__in={key[1] for key in changes})
    stored = {tuple(getattr(row, name) for name in keys): row for row in stored}
    counts = [f.attname for f in model._meta.concrete_fields if f.attname not in ["id", *keys]]
    new, changed, gone = [], [], []
    for key, change in changes.items():
        row = stored.get(key)
        if row is None:
            new.append(model(**dict(zip(keys, key, strict=True)), **change))
            continue
        for column, n in change.items():
            setattr(row, column, getattr(row, column) + n)
        (changed if any(getattr(row, column) for column in counts) else gone).append(row)
    model.objects.filter(pk__in=[row.pk for row in gone]).delete()
    model.objects.bulk_update(changed, counts, batch_size=500)
    model.objects.bulk_create(new, batch_size=500)


def _rebuild(state):
    """Count every issue again (first run, a bulk load, or other deadlines)."""
    changes = list(InsightsChange.objects.values_list("id", flat=True))
    for model in (InsightsDay, InsightsResolution, InsightsIssue):
        model.objects.all().delete()
    rows = _current(Issue.objects.all(), Milestone.objects.all())
    InsightsIssue.objects.bulk_create(map(_counted_issue, rows), batch_size=5000)
    _add(_counts(rows))
    for start in range(0, len(changes), 5000):
        InsightsChange.objects.filter(pk__in=changes[start : start + 5000]).delete()
    _fold()
    state.deadlines, state.counted_at = _deadlines(), timezone.now()
    state.version += 1
    state.save()
    return len(rows)


def _fold():
    """Days before the month of the first day shown (pages only ever show later days) are read
    only as sums of what was open and overdue: keep one row per slice of them, at the day
    before."""
    today = timezone.localdate()
    cutoff = (today - datetime.timedelta(days=DAYS)).replace(day=1)
    old = InsightsDay.objects.filter(day__lt=cutoff)
    if not old.exclude(day=cutoff - DAY).exists():
        return
    kept = [InsightsDay.column(kind, p) for kind in (OPEN, OVERDUE) for p in PRIORITIES]
    sums = old.values_list("slice").annotate(*(Sum(column) for column in kept)).order_by()
    sums = [
        InsightsDay(slice=part, day=cutoff - DAY, **dict(zip(kept, counts, strict=True)))
        for part, *counts in sums
        if any(counts)
    ]
    old.delete()
    InsightsResolution.objects.filter(day__lt=cutoff).delete()
    InsightsDay.objects.bulk_create(sums)


class Totals:
    """The counts that Insights draws, of the days from ``start`` to ``end``.

    ``before``: {(kind, priority or ""): n} of OPEN and OVERDUE events before ``start``;
    ``daily``: {(kind, priority or ""): [n on each day from ``start`` to ``end``]} (the
    priority only for OPEN, the other kinds summed over the priorities); ``durations``:
    {(priority, days): n} of resolutions since ``start``.
    """

    def __init__(self, start, end):
        self.start, self.end = start, end
        self.before, self.durations = Counter(), Counter()
        self.daily = defaultdict(lambda: [0] * ((end - start).days + 1))
        # Changes not yet counted (``totals`` corrects the sums for them), and the worker's
        # commit the sums are from (``InsightsState.version``).
        self.changed, self.version = 0, None

    def add(self, kind, day, priority, value, n):
        key = priority if kind == OPEN else ""
        if day < self.start:
            if kind in (OPEN, OVERDUE):
                self.before[kind, key] += n
            return
        if kind == RESOLVED:
            self.durations[priority, value] += n
        if day <= self.end:
            self.daily[kind, key][(day - self.start).days] += n


def _daily_columns(priority):
    """What the page reads of each day, as [(kind, priority or "", SQL sum of columns)]: OPEN
    per priority, the other kinds summed over the priorities (or of ``priority`` alone). The
    priority names columns, so it must be one of the priorities."""
    if priority and priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    priorities = [priority] if priority else PRIORITIES
    return [(OPEN, p, InsightsDay.column(OPEN, p)) for p in priorities] + [
        (kind, "", " + ".join(InsightsDay.column(kind, p) for p in priorities))
        for kind in InsightsDay.KINDS
        if kind != OPEN
    ]


def _sums_sql(columns, priority):
    """The page's sums in one statement (``columns`` from ``_daily_columns(priority)``), rows
    of (part, day, priority, value, *counts), all of
    one slice: the days before the first day shown as one sum ('before'; index range of
    one_insights_day_per_slice), each day shown ('daily'; the same index), the resolutions'
    durations per priority ('durations'; insights_resolution_idx); then the worker's commit
    version if the sums were made with these deadlines ('counted'), and how many changes wait
    to be counted (up to MOST_CHANGES + 1), if any ('changed')."""
    counts = [sql for _, _, sql in columns]
    pad = ", 0" * (len(counts) - 1)
    only = "AND priority = %(priority)s" if priority else ""
    # Only the column names above and constants are written into the SQL; values are parameters.
    return f"""
SELECT 'before', NULL, '', 0, {", ".join(f"SUM({sql})" for sql in counts)}
  FROM issues_insightsday WHERE slice = %(slice)s AND day < %(start)s
UNION ALL
SELECT 'daily', day, '', 0, {", ".join(counts)} FROM issues_insightsday
 WHERE slice = %(slice)s AND day >= %(start)s AND day <= %(end)s
UNION ALL
SELECT 'durations', NULL, priority, days, SUM(n){pad} FROM issues_insightsresolution
 WHERE slice = %(slice)s AND day >= %(start)s {only} GROUP BY priority, days
UNION ALL
SELECT 'counted', NULL, '', version, 0{pad} FROM issues_insightsstate
 WHERE id = 1 AND deadlines = %(deadlines)s
UNION ALL
SELECT 'changed', NULL, '',
  (SELECT COUNT(*) FROM (SELECT 1 FROM issues_insightschange LIMIT %(most)s) AS waiting), 0{pad}
  FROM issues_insightsstate WHERE id = 1 AND EXISTS (SELECT 1 FROM issues_insightschange)
"""  # noqa: S608


def totals(start, end, priority=None, part=""):
    """Insights' counts (of the issues of ``priority`` and slice ``part``, if given) from the
    stored sums corrected for changes not yet counted, or None when they were made with other
    deadlines (or not yet made), or too many changes wait.

    The sums come from one statement, so from one moment. With changes waiting, the changed
    issues as they are and as they were counted are read after it: if the worker committed in
    between (``InsightsState.version`` moved), the sums and those rows would not match, and
    everything is read again. No transaction, so the page takes no lock and waits for no one.
    """
    for _ in range(ATTEMPTS):
        result = _sums(start, end, priority, part)
        if result is None or not result.changed:
            return result
        if result.changed > MOST_CHANGES:
            return None
        ids = set(InsightsChange.objects.values_list("issue_id", flat=True))
        current = _current(
            Issue.objects.filter(pk__in=ids), Milestone.objects.filter(issue_id__in=ids)
        )
        counted = _counted(ids)
        if InsightsState.objects.filter(pk=1, version=result.version).exists():
            break
    else:
        return None
    for rows, sign in ((current, 1), (counted, -1)):
        for (counted_part, kind, day, p, value), n in _counts(rows).items():
            if counted_part == part and (not priority or p == priority):
                result.add(kind, day, p, value, sign * n)
    return result


def _sums(start, end, priority, part):
    """The stored sums, whether changes wait to be counted, from one statement (one snapshot);
    None without sums made with these deadlines."""
    params = {
        "start": start,
        "end": end,
        "priority": priority or "",
        "slice": part,
        "deadlines": _deadlines(),
        "most": MOST_CHANGES + 1,
    }
    columns = _daily_columns(priority)
    result, counted = Totals(start, end), False
    series = [result.daily[kind, p] for kind, p, _ in columns]
    # Prepared on PostgreSQL: the same five statements (one per priority filter) every time.
    with planned_once(connection.alias), connection.cursor() as cursor:
        cursor.execute(_sums_sql(columns, priority), params)
        for part, day, p, value, *counts in cursor.fetchall():
            if part == "daily":
                day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
                index = (day - start).days
                for values, n in zip(series, counts, strict=True):
                    values[index] += n
            elif part == "before":
                for (kind, key, _), n in zip(columns, counts, strict=True):
                    if n and kind in (OPEN, OVERDUE):
                        result.before[kind, key] += n
            elif part == "durations":
                result.durations[p, value] += counts[0]
            elif part == "counted":
                counted, result.version = True, value
            else:
                result.changed = value
    return result if counted else None


# The writes that change what Insights counts: {table: (the issue's id column, columns counted)}.
WATCHED = {
    "issues_issue": ("id", [*FIELDS, *SLICED]),
    "issues_milestone": ("issue_id", ["issue_id", "date"]),
}
CHANGE = "INSERT INTO issues_insightschange (issue_id) VALUES "


def _trigger_sql(vendor):
    """{trigger name: SQL creating it} on ``vendor``."""
    made = {}
    for table, (key, columns) in WATCHED.items():
        if vendor == "sqlite":
            changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
            made |= {
                f"{table}_insights_insert": f"CREATE TRIGGER IF NOT EXISTS {table}_insights_insert "
                f"AFTER INSERT ON {table} BEGIN {CHANGE}(NEW.{key}); END",
                f"{table}_insights_delete": f"CREATE TRIGGER IF NOT EXISTS {table}_insights_delete "
                f"AFTER DELETE ON {table} BEGIN {CHANGE}(OLD.{key}); END",
                f"{table}_insights_update": f"CREATE TRIGGER IF NOT EXISTS {table}_insights_update "
                f"AFTER UPDATE ON {table} WHEN {changed} "
                f"BEGIN {CHANGE}(OLD.{key}), (NEW.{key}); END",
            }
        else:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            made |= {
                f"{table}_insights": f"CREATE OR REPLACE FUNCTION {table}_insights() "
                "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'INSERT' THEN {CHANGE}(NEW.{key}); "
                f"ELSIF TG_OP = 'DELETE' THEN {CHANGE}(OLD.{key}); "
                f"ELSE {CHANGE}(OLD.{key}), (NEW.{key}); END IF; RETURN NULL; END $$",
                f"{table}_insights_insert_delete": "CREATE OR REPLACE TRIGGER "
                f"{table}_insights_insert_delete AFTER INSERT OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_insights()",
                f"{table}_insights_update": f"CREATE OR REPLACE TRIGGER {table}_insights_update "
                f"AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) "
                f"EXECUTE FUNCTION {table}_insights()",
            }
    return made


def ensure_triggers(using="default", **kwargs):
    """Create the triggers where missing, after every ``migrate`` (post_migrate): SQLite drops a
    table's triggers whenever Django's schema editor rebuilds the table. Changes made without
    them were not recorded, so the counts are then made again (the page counts meanwhile).
    Triggers are found by name: a changed definition needs new names."""
    db = connections[using]
    if InsightsChange._meta.db_table not in db.introspection.table_names():
        return
    wanted = _trigger_sql(db.vendor)
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
                "SELECT proname FROM pg_proc WHERE proname LIKE 'issues%%insights'"
            )
        present = {row[0] for row in cursor.fetchall()}
        if wanted.keys() <= present:
            return
        for sql in wanted.values():
            cursor.execute(sql)
    InsightsState.objects.using(using).delete()
