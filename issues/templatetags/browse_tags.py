"""Badges the issue list and the issue page share: the text says it, the colour repeats it."""

from django import template
from django.utils.html import format_html

from issues.tracking import STATUS_LABELS

register = template.Library()

# !p0 is the most prominent.
PRIORITY_BADGES = {
    "p0": "text-bg-danger fs-6",
    "p1": "text-bg-warning",
    "p2": "text-bg-info",
    "p3": "text-bg-light border",
}
STATUS_BADGES = {
    "draft": "text-bg-light border",
    "open": "text-bg-success",
    "in_progress": "text-bg-dark",
    "resolved": "text-bg-info",
    "closed": "text-bg-secondary",
}


@register.filter
def priority_badge(priority):
    if priority not in PRIORITY_BADGES:
        return ""
    return format_html('<span class="badge {}">!{}</span>', PRIORITY_BADGES[priority], priority)


@register.filter
def status_badge(status):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(status, "text-bg-light border"),
        STATUS_LABELS.get(status, status),
    )
