from django import template

from issues.models import GitHubBodyChange

register = template.Library()


@register.simple_tag
def github_body_change(issue):
    """The body edit made on GitHub that waits for a review, or None."""
    if not issue.github_number:
        return None
    return GitHubBodyChange.objects.filter(issue_id=issue.pk).first()
