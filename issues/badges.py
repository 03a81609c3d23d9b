"""Badges the issue list, the issue page and My work share: the text says it, the colour
repeats it. The template tags (issues/templatetags/) and the list's cells (issues/columns.py)
both use these."""

from django.utils.html import format_html
from django.utils.safestring import SafeString

from issues import deadlines
from issues.choices import Priority, Status
from issues.template import priority_label

# !p0 is the most prominent.
PRIORITY_BADGES = {
    Priority.P0: "text-bg-danger fs-6",
    Priority.P1: "text-bg-warning",
    Priority.P2: "text-bg-info",
    Priority.P3: "text-bg-light border",
}
STATUS_BADGES = {
    Status.DRAFT: "text-bg-light border",
    Status.OPEN: "text-bg-success",
    Status.IN_PROGRESS: "text-bg-dark",
    Status.RESOLVED: "text-bg-info",
    Status.CLOSED: "text-bg-secondary",
}


def priority_badge(priority):
    if priority not in PRIORITY_BADGES:
        return ""
    return format_html(
        '<span class="badge {}">{}</span>', PRIORITY_BADGES[priority], priority_label(priority)
    )


def status_badge(status):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(status, "text-bg-light border"),
        Status(status).label if status in Status.values else status,
    )


def state_badge(state) -> SafeString | str:
    """The badge of a deadline state; empty for none (closed, resolved, or no deadline)."""
    if state is None:
        return ""
    return format_html(
        '<span class="badge {}">{}</span>',
        deadlines.STATE_BADGES[state],
        deadlines.STATE_LABELS[state],
    )
