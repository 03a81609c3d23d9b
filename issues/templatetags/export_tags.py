from django import template

from issues import github

register = template.Library()


@register.simple_tag
def github_missing_settings():
    """The GitHub settings still to set; empty when filing is possible."""
    return github.missing_settings()


@register.simple_tag
def github_repository():
    """GITHUB_REPOSITORY as an issue's ``github_repository`` holds it."""
    return github.repository()
