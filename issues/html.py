"""User Markdown to safe HTML as GitHub shows an issue body: markdown-it-py without raw HTML
(GitHub-flavoured: tables, strikethrough, task lists, single line breaks kept), then nh3."""

import functools

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

_markdown = (
    MarkdownIt("commonmark", {"html": False, "breaks": True})
    .enable(["table", "strikethrough"])
    .use(tasklists_plugin, label=True)
)

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "label",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "img": {"src", "alt", "title"},
    # A task list item's checkbox, shown ticked or not and never editable.
    "input": {"type", "checked", "disabled", "class"},
    "li": {"class"},
    "ul": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _attribute_filter(tag, attribute, value):
    """Images only from https (the CSP's img-src allows no other); inputs only checkboxes."""
    if tag == "img" and attribute == "src" and not value.startswith("https://"):
        return None
    if tag == "input" and attribute == "type" and value != "checkbox":
        return None
    if tag == "input" and attribute in ("checked", "disabled"):
        return attribute
    return value


# A pure function of the text, so each process keeps the latest results: the issue page
# renders up to a dozen texts, each costly enough to matter (README "Figures behind the code").
@functools.lru_cache(maxsize=2048)
def markdown_to_html(text):
    """Safe HTML for display; links only to http, https and mailto, with rel=noopener."""
    html = _markdown.render(text or "")
    return mark_safe(  # noqa: S308 (nh3 has sanitised it)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            attribute_filter=_attribute_filter,
        )
    )
