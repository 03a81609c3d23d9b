"""The canonical Markdown of an issue, as specified by the ML Engineering Issue template.

Pure functions over the issue's cleaned JSON form (``issues/serialization.py`` cleans it: rule
4 of markdown.md) and the template's words (``issues/template.py``): no database, no Django.
``render_body`` is what GitHub receives; ``render_document`` adds the template's front matter
and is what a user downloads.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Migration 0012 reads TODO_ITEMS, READY_ITEMS and DONE_ITEMS from this module.
from issues.template import (
    BASE_LABELS,
    CLOSING,
    DETAILS,
    DONE,
    DONE_INTRO,
    DONE_ITEMS,
    FIELD_LABELS,
    GREETING,
    IMPACT,
    MILESTONES,
    NO_RESPONSE,
    OVERVIEW,
    PRIORITIES,
    PRIORITY,
    READY,
    READY_INTRO,
    READY_ITEMS,
    TECHNICAL_DETAILS,
    TEMPLATE_ABOUT,
    TEMPLATE_NAME,
    TIMELINE,
    TIMELINE_INTRO,
    TITLE_PREFIX,
    TODO,
    TODO_ITEMS,
    TYPE_LABELS,
    UPDATES,
    UPDATES_INTRO,
    priority_label,
)

IssueData = Mapping[str, Any]

PRIORITY_LEGEND = "\n".join(
    f"- `{priority_label(priority)}`: {meaning}" for priority, (meaning, _) in PRIORITIES.items()
)
COMMUNICATION_LEGEND = "\n".join(
    f"- `{priority_label(priority)}`: {communicate}"
    for priority, (_, communicate) in PRIORITIES.items()
)


def title(data: IssueData) -> str:
    return TITLE_PREFIX + (data.get("name") or "")


def labels(data: IssueData) -> list[str]:
    priority = data.get("priority")
    return [*BASE_LABELS, priority_label(priority)] if priority else list(BASE_LABELS)


def _field(label: str, value: str | None) -> str:
    """A ``**Label:** value`` field: inline when single-line, below the label otherwise."""
    if not value:
        return f"**{label}:** {NO_RESPONSE}"
    if "\n" in value:
        return f"**{label}:**\n\n{value}"
    return f"**{label}:** {value}"


def _indent_continuation(value: str) -> str:
    """Keep a multi-line value inside its list item: continuation lines get two spaces."""
    first, *rest = value.split("\n")
    return "\n".join([first, *(f"  {line}" if line else "" for line in rest)])


def _checklist(items: Iterable[Mapping[str, Any]] | None, defaults: Sequence[str]) -> str:
    if items is None:
        items = [{"text": text, "done": False} for text in defaults]
    return "\n".join(f"- [{'x' if item['done'] else ' '}] {item['text']}" for item in items)


def _milestones(milestones: Sequence[Mapping[str, str]] | None) -> str:
    if not milestones:
        return NO_RESPONSE
    return "\n".join(
        f"{number}. {m['title']}: {m['date']}" for number, m in enumerate(milestones, start=1)
    )


def _updates(updates: Sequence[Mapping[str, str]] | None) -> str:
    if not updates:
        return NO_RESPONSE
    return "\n".join(f"- {u['date']}: {_indent_continuation(u['text'])}" for u in updates)


def _labelled(key: str, data: IssueData) -> str:
    return _field(FIELD_LABELS[key], data.get(key))


def _item(key: str, value: str | None) -> str:
    """A ``- Label: value`` line of the Technical Details list."""
    return f"- {FIELD_LABELS[key]}: {value or NO_RESPONSE}"


def render_body(data: IssueData) -> str:
    """The GitHub issue body: the template from its first heading to the quote."""
    frameworks = ", ".join(data.get("frameworks") or [])
    data_involved = data.get("data_involved") or ""
    business_impact = _labelled("business_impact", data)
    if "\n" in (data.get("business_impact") or ""):
        business_impact += "\n"
    priority = data.get("priority")
    sections = [
        GREETING,
        OVERVIEW.heading,
        _labelled("name", data),
        f"**{FIELD_LABELS['type']}:** {TYPE_LABELS.get(data.get('type') or '', NO_RESPONSE)}",
        _labelled("related_project", data),
        DETAILS.heading,
        _labelled("description", data),
        _labelled("expected_behavior", data),
        _labelled("proposed_solution", data),
        "\n".join(
            [
                f"**{TECHNICAL_DETAILS}:**",
                _item("frameworks", frameworks),
                _item("data_involved", data_involved and _indent_continuation(data_involved)),
                _item("environment", data.get("environment")),
            ]
        ),
        f"{TODO.heading}\n" + _checklist(data.get("todo"), TODO_ITEMS),
        IMPACT.heading,
        business_impact + "\n" + _labelled("users_affected", data),
        PRIORITY.heading,
        f"**{FIELD_LABELS['priority']}:** "
        f"{f'`{priority_label(priority)}`' if priority else NO_RESPONSE}\n" + PRIORITY_LEGEND,
        TIMELINE.heading,
        TIMELINE_INTRO,
        COMMUNICATION_LEGEND,
        f"**{FIELD_LABELS['reported_date']}:** {data.get('reported_date') or NO_RESPONSE}\n"
        f"**{FIELD_LABELS['target_date']}:** {data.get('target_date') or NO_RESPONSE}",
        f"{MILESTONES}:\n" + _milestones(data.get("milestones")),
        READY.heading,
        f"{READY_INTRO}\n" + _checklist(data.get("definition_of_ready"), READY_ITEMS),
        DONE.heading,
        f"{DONE_INTRO}\n" + _checklist(data.get("definition_of_done"), DONE_ITEMS),
        UPDATES.heading,
        UPDATES_INTRO,
        _updates(data.get("updates")),
        CLOSING,
    ]
    return "\n\n".join(sections) + "\n"


def render_front_matter(data: IssueData) -> str:
    assignees = ", ".join(data.get("assignees") or []) or "''"
    return (
        "---\n"
        f"name: {TEMPLATE_NAME}\n"
        f"about: {TEMPLATE_ABOUT}\n"
        f"title: {json.dumps(title(data), ensure_ascii=False)}\n"
        f"labels: {', '.join(labels(data))}\n"
        f"assignees: {assignees}\n"
        "projects: ''\n"
        "---\n"
    )


def render_document(data: IssueData) -> str:
    """The downloadable ``.md`` file: front matter, a blank line, then the body."""
    return render_front_matter(data) + "\n" + render_body(data)


def github_payload(data: IssueData) -> dict[str, Any]:
    """The payload of ``POST /repos/{owner}/{repo}/issues`` (rule 12 of markdown.md)."""
    return {
        "title": title(data),
        "body": render_body(data),
        "labels": labels(data),
        "assignees": list(data.get("assignees") or []),
    }
