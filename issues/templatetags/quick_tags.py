from django import template

from issues import quick
from issues.closing import CLOSE_REASONS

register = template.Library()


@register.simple_tag
def empty_sections(issue):
    """The sections of ``issue`` with fields still empty (issues.quick.empty_sections)."""
    return quick.empty_sections(issue)


@register.simple_tag
def close_reasons():
    return CLOSE_REASONS
