"""What every page's template can read besides the request and the user."""

from issues import template


def issue_template(request):
    """The ML Engineering Issue template's words (issues/template.py), so that a page writes
    a heading or a label as ``{{ issue_template.OVERVIEW.label }}`` and never spells it out."""
    return {"issue_template": template}
