"""The issue list's columns, each defined once: its header, its cell, what it reads.

As the admin's ``list_display``: each column writes its cell from a row (a dict of the values
the columns name), and the template loops over the headers and the rows. Adding a column is
one ``Column`` in ``COLUMNS`` (and its test). A row is kept per issue under its version and
the day (``issues.issuecache.cached_many``): the list's query reads only each row's id and
version, and the values of the rows not kept are read by id.
"""

import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils.safestring import mark_safe

from issues import deadlines, issuecache
from issues.badges import priority_badge, state_badge, status_badge
from issues.models import ChecklistItem, Issue
from issues.tracking import CHECKLIST_LABELS

NONE = '<span class="text-body-secondary">—</span>'


def text(value):
    """Text as HTML. Python's html.escape: Django's escape() costs 5x more, 550 cells a page."""
    return html.escape(str(value))


# Constant HTML per value: the badges, the types' labels.
TYPE_CELLS = {value: text(label) for value, label in Issue.Type.choices}
PRIORITY_CELLS = {value: priority_badge(value) for value, _ in Issue.Priority.choices}
STATUS_CELLS = {value: status_badge(value) for value, _ in Issue.Status.choices}


@dataclass(frozen=True)
class Column:
    header: str
    # The cell's HTML from one row and the page's facts (text goes through ``text``): nothing
    # else, as a row is kept per issue version and day for every user (``cells``).
    cell: Callable[[dict, "ListFacts"], str]
    # The Issue values the cell reads.
    values: tuple = ()
    # What it reads besides them, by the page's issue ids: (row key, function of the ids
    # returning a value per id), one query for the page rather than an aggregate per row.
    page_values: tuple | None = None
    # The list's ``sort`` key its header sets (issues.filters.SORT_FIELDS), if any.
    sort: str = ""
    # Extra classes of the header and the cells; ``phone=False`` hides it in the narrow
    # card layout, where every issue shows as a card.
    css: str = ""
    phone: bool = True


@dataclass(frozen=True)
class ListFacts:
    """What cells need besides their row."""

    today: object
    issue_url: Callable[[int], str]


def url_maker(name, *args):
    """The URL of ``name`` for a row's pk (its last argument): one reverse() for all rows."""
    marker = 987654321
    before, after = reverse(name, args=[*args, marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


DEADLINE_CELLS = {state: state_badge(state) for state in deadlines.STATE_LABELS}


def _deadline(row, facts):
    """On track, due soon or overdue (issues/deadlines.py); nothing for a closed issue."""
    state = deadlines.state(
        row["priority"], row["reported_date"], row["target_date"], row["status"], facts.today
    )
    return DEADLINE_CELLS.get(state, NONE)


SHORT_NAMES = {
    ChecklistItem.Kind.TODO: "To-Do",
    ChecklistItem.Kind.READY: "DoR",
    ChecklistItem.Kind.DONE: "DoD",
}


# Items and ticked items per issue and checklist, from checklist_progress_idx alone: plain SQL,
# as building the ORM's query and converting its rows cost twice what the database does.
CHECKLIST_COUNTS_SQL = (
    "SELECT issue_id, checklist, COUNT(*), SUM(CASE WHEN done THEN 1 ELSE 0 END) "  # noqa: S608
    f"FROM {ChecklistItem._meta.db_table} WHERE issue_id IN ({{}}) GROUP BY issue_id, checklist"
)


def checklist_counts(ids):
    """Each issue's (done, total) per checklist: one grouped query for the page."""
    counts = defaultdict(dict)
    if not ids:
        return counts
    with connection.cursor() as cursor:
        cursor.execute(CHECKLIST_COUNTS_SQL.format(", ".join(["%s"] * len(ids))), ids)
        for issue_id, checklist, total, done in cursor.fetchall():
            counts[issue_id][checklist] = (done, total)
    return counts


# Each checklist's short name, spelled out for screen readers.
PROGRESS_NAMES = {
    checklist: f'<abbr title="{text(CHECKLIST_LABELS[checklist])}">{short}</abbr>'
    for checklist, short in SHORT_NAMES.items()
}


def _progress(row, facts):
    """e.g. ``DoD 2/6``; a checklist without items is left out."""
    counts = row["checklists"]
    return "<br>".join(
        f"{name} {counts[checklist][0]}/{counts[checklist][1]}"
        for checklist, name in PROGRESS_NAMES.items()
        if checklist in counts
    )


def _github(row, facts):
    if not row["github_url"]:
        return '<span class="text-body-secondary">Not filed</span>'
    return (
        f'<a href="{text(row["github_url"])}" rel="noopener noreferrer">#{row["github_number"]}'
        '<span class="visually-hidden"> on GitHub</span></a>'
    )


COLUMNS = [
    Column("#", lambda row, facts: str(row["id"]), css="text-nowrap"),
    Column(
        "Issue Name",
        lambda row, facts: (
            f'<a class="fw-semibold" href="{facts.issue_url(row["id"])}">{text(row["name"])}</a>'
        ),
        values=("name",),
        sort="name",
    ),
    Column(
        "Type of Issue",
        lambda row, facts: TYPE_CELLS.get(row["type"], ""),
        values=("type",),
        phone=False,
    ),
    Column(
        "Priority",
        lambda row, facts: PRIORITY_CELLS.get(row["priority"], ""),
        values=("priority",),
        sort="priority",
    ),
    Column(
        "Environment",
        lambda row, facts: text(row["environment"]) or NONE,
        values=("environment",),
        phone=False,
    ),
    Column("Status", lambda row, facts: STATUS_CELLS.get(row["status"], ""), values=("status",)),
    Column(
        "Assignees",
        lambda row, facts: text(", ".join(row["assignees"])) or NONE,
        values=("assignees",),
        phone=False,
    ),
    Column(
        "Reported Date",
        lambda row, facts: str(row["reported_date"]),
        values=("reported_date",),
        sort="reported_date",
        css="text-nowrap",
        phone=False,
    ),
    Column(
        "Target Resolution Date",
        lambda row, facts: str(row["target_date"] or "") or NONE,
        values=("target_date",),
        sort="target_date",
        css="text-nowrap",
    ),
    Column(
        "Deadline",
        _deadline,
        values=("priority", "reported_date", "target_date", "status"),
        css="text-nowrap",
    ),
    Column(
        "Checklists",
        _progress,
        page_values=("checklists", checklist_counts),
        css="text-nowrap small",
        phone=False,
    ),
    Column("GitHub", _github, values=("github_number", "github_url"), phone=False),
]

# What the list's query reads of each row: the key it is kept under (cells).
KEY_VALUES = ["id", "version"]
# What a row that is not kept is written from, read by id: every column's values.
ROW_VALUES = ["id", *dict.fromkeys(value for column in COLUMNS for value in column.values)]
PAGE_VALUES = [column.page_values for column in COLUMNS if column.page_values]


def _classes(column):
    return " ".join(filter(None, [column.css, "" if column.phone else "d-none d-md-table-cell"]))


# Each column's opening <td>, with its header as a label for the narrow card layout, and its
# cell.
CELL_WRITERS = [
    (f'<td class="{text(_classes(column))}" data-label="{text(column.header)}">', column.cell)
    for column in COLUMNS
]


def link_maker(query, key, drop=()):
    """The list's links that set ``key`` (a page, a sort), each keeping the rest of ``query``
    but ``drop``: that rest is url-encoded once for all of them, not once a link."""
    rest = urlencode(
        [
            (name, value)
            for name, values in query.lists()
            if name not in (key, *drop)
            for value in values
        ]
    )
    start = f"?{rest}&" if rest else "?"
    return lambda value: f"{start}{urlencode({key: value})}"


def headers(query):
    """The header of each column: its label, its classes, and for a sortable one the link
    that sorts by it (ascending first, then the other way; from the first page) and its
    aria-sort when sorted."""
    current = query.get("sort", "")
    sorted_by = link_maker(query, "sort", drop=("page",))
    result = []
    for column in COLUMNS:
        header = {"label": column.header, "css": _classes(column), "aria_sort": "", "href": ""}
        if column.sort:
            if current == column.sort:
                header["aria_sort"], sort = "ascending", f"-{column.sort}"
            else:
                header["aria_sort"] = "descending" if current == f"-{column.sort}" else ""
                sort = column.sort
            header["href"] = sorted_by(sort)
        result.append(header)
    return result


def cells(keys, facts):
    """Each row's cells as one piece of HTML: the template loops over rows, not over cells
    (README "Performance"). ``keys`` are the page's ids and versions (KEY_VALUES): rows
    written before for the same version of their issue, on the same day, are neither read nor
    written again. An issue deleted since the page's ids were read has no row."""
    written = issuecache.cached_many(
        {key["id"]: key["version"] for key in keys},
        f"row:{facts.today}",
        lambda ids: _write(ids, facts),
    )
    # S308: each cell's text went through text().
    return [mark_safe(written[key["id"]]) for key in keys if key["id"] in written]  # noqa: S308


def _write(ids, facts):
    rows = list(Issue.objects.filter(pk__in=ids).values(*ROW_VALUES))
    ids = [row["id"] for row in rows]
    for key, load in PAGE_VALUES:
        values = load(ids)
        for row in rows:
            row[key] = values[row["id"]]
    return {
        row["id"]: "".join([f"{opening}{cell(row, facts)}</td>" for opening, cell in CELL_WRITERS])
        for row in rows
    }
