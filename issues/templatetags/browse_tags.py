"""The priority and status badges (issues/badges.py) as template filters."""

from django import template

from issues import badges

register = template.Library()
register.filter("priority_badge", badges.priority_badge)
register.filter("status_badge", badges.status_badge)
