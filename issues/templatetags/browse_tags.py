"""Small display helpers of the issue list and the issue page."""

from django import template
from django.utils.html import format_html

register = template.Library()

# !p0 is the most prominent; the text says the priority, the colour only repeats it.
PRIORITY_BADGES = {
    "p0": "text-bg-danger fs-6",
    "p1": "text-bg-warning",
    "p2": "text-bg-info",
    "p3": "text-bg-light border",
}


@register.filter
def priority_badge(priority):
    if priority not in PRIORITY_BADGES:
        return ""
    return format_html('<span class="badge {}">!{}</span>', PRIORITY_BADGES[priority], priority)


@register.filter
def submitted(field):
    """The value a GET form's field was submitted with, as the URL wrote it."""
    return field.form.data.get(field.html_name, "")
