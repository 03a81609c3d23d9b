"""Small display helpers of the issue list and the issue page.

The list's rows and its filters' options, and the issue page's checklist items, are written
here in Python, as the admin's change list writes its rows: a template loop costs about 0.2 ms
a row in template nodes, which was most of the list page's time at 50 rows (README
"Performance").
"""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from issues.models import Issue
from issues.templatetags.deadline_tags import state_badge
from issues.tracking import STATUS_LABELS

register = template.Library()

# !p0 is the most prominent; the text says the priority, the colour only repeats it.
PRIORITY_BADGES = {
    "p0": "text-bg-danger fs-6",
    "p1": "text-bg-warning",
    "p2": "text-bg-info",
    "p3": "text-bg-light border",
}
TYPE_LABELS = dict(Issue.TYPE_CHOICES)
LIST_ROW = (
    '<tr><td>{pk}</td><td><a href="{url}">{name}</a></td><td>{type}</td><td>{priority}</td>'
    "<td>{environment}</td><td>{status}</td><td>{reported}</td><td>{target}</td>"
    "<td>{deadline}</td>"
    '<td class="text-nowrap small">{progress}</td><td>{github}</td></tr>\n'
)
NOT_FILED = '<span class="text-body-secondary">Not filed</span>'
GITHUB_LINK = (
    '<a href="{}" rel="noopener noreferrer">#{}<span class="visually-hidden"> on GitHub</span></a>'
)


@register.filter
def priority_badge(priority):
    if priority not in PRIORITY_BADGES:
        return ""
    return format_html('<span class="badge {}">!{}</span>', PRIORITY_BADGES[priority], priority)


def submitted(field):
    """The value a GET form's field was submitted with, as the URL wrote it."""
    return field.form.data.get(field.html_name, "")


def url_maker(name, *args):
    """The URL of ``name`` for a row's pk (its last argument): one reverse() for all rows."""
    marker = 987654321
    before, after = reverse(name, args=[*args, marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def issue_rows(rows):
    """The list table's rows, from the view's dicts (issues/views/browse.py issue_list)."""
    url = url_maker("issue-detail")
    return mark_safe(  # noqa: S308 (every value is escaped, a number, a date or safe HTML)
        "".join(
            LIST_ROW.format(
                pk=row["id"],
                url=url(row["id"]),
                name=escape(row["name"]),
                type=escape(TYPE_LABELS.get(row["type"], row["type"])),
                priority=priority_badge(row["priority"]),
                environment=escape(row["environment"] or "—"),
                status=escape(STATUS_LABELS.get(row["status"], row["status"])),
                reported=row["reported_date"].isoformat(),
                target=row["target_date"].isoformat() if row["target_date"] else "—",
                deadline=state_badge(row["deadline"]),
                progress=row["progress"],
                github=format_html(GITHUB_LINK, row["github_url"], row["github_number"])
                if row["github_url"]
                else NOT_FILED,
            )
            for row in rows
        )
    )


@register.simple_tag
def select_options(field):
    """A filter's <option>s, the submitted one selected."""
    current = submitted(field)
    return mark_safe(  # noqa: S308 (values and labels escaped)
        "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(value), " selected" if str(value) == current else "", escape(label)
            )
            for value, label in field.field.choices
        )
    )


CHECKLIST_ITEM = (
    '<li class="form-check d-flex align-items-center gap-2">'
    '<input class="form-check-input" type="checkbox" name="done" value="{pk}" id="item-{pk}"'
    '{checked}> <label class="form-check-label" for="item-{pk}">{text}</label>{remove}</li>\n'
)
REMOVE_BUTTON = (
    ' <button type="submit" class="btn btn-link btn-sm p-0" formaction="{}">Remove'
    '<span class="visually-hidden"> “{}”</span></button>'
)


@register.simple_tag
def checklist_items(issue, items):
    """A checklist's items on the issue page: a checkbox each, a Remove button for the
    user's own (template items stay). Written here for the reason the module docstring gives."""
    remove_url = url_maker("checklist-remove", issue.pk)
    return mark_safe(  # noqa: S308 (the text is escaped, the rest numbers and constants)
        "".join(
            CHECKLIST_ITEM.format(
                pk=item.pk,
                checked=" checked" if item.done else "",
                text=escape(item.text),
                remove=""
                if item.from_template
                else REMOVE_BUTTON.format(remove_url(item.pk), escape(item.text)),
            )
            for item in items
        )
    )
