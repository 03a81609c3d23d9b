"""The deadline state of an issue (issues/deadlines.py) as a badge."""

from django import template

from issues import deadlines
from issues.badges import state_badge

register = template.Library()


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
