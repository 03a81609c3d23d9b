from django import template

from issues.html import markdown_to_html

register = template.Library()


@register.filter
def markdown(text):
    """Render user Markdown as sanitised HTML."""
    return markdown_to_html(text)
