"""The deadline state of an issue (issues/deadlines.py) as a badge."""

from django import template
from django.utils.html import format_html

from issues import deadlines

register = template.Library()


def state_badge(state):
    """The badge of a deadline state; empty for none (closed, resolved, or no deadline)."""
    if state is None:
        return ""
    return format_html(
        '<span class="badge {}">{}</span>',
        deadlines.STATE_BADGES[state],
        deadlines.STATE_LABELS[state],
    )


@register.filter
def deadline_badge(issue):
    return state_badge(deadlines.issue_state(issue))


@register.simple_tag
def deadline_of(issue):
    """What the issue page says of its deadline: the due date, where it comes from, the state."""
    due = deadlines.due_date(issue.priority, issue.reported_date, issue.target_date)
    days = deadlines.deadline_days(issue.priority)
    return {
        "due": due,
        "from_target": bool(issue.target_date),
        "days": days,
        "badge": deadline_badge(issue),
    }
