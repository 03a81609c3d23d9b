"""Reviewing a body edited on GitHub: the parsed body beside dskit's, field by field.

Nothing is taken unless chosen; the chosen fields are written with the page's own write
path (``tracking.tracked_change`` + ``serialization.apply_dict``), so the version, the
history and a stale page are handled as for any other change.
"""

from dataclasses import dataclass

from issues import template, tracking
from issues.models import GitHubBodyChange
from issues.parse_markdown import NotTemplate, parse
from issues.serialization import CHECKLIST_KEYS, apply_dict, issue_to_dict, validate

# The fields a GitHub body can change here, in the template's order. Updates come from
# GitHub as comments; a checklist only when its items are the same (then its ticks).
FIELDS = [
    "name",
    "type",
    "related_project",
    "description",
    "expected_behavior",
    "proposed_solution",
    "frameworks",
    "data_involved",
    "environment",
    "todo",
    "business_impact",
    "users_affected",
    "priority",
    "reported_date",
    "target_date",
    "milestones",
    "definition_of_ready",
    "definition_of_done",
]
LABELS = {
    **template.FIELD_LABELS,
    "todo": template.TODO.title,
    "milestones": template.MILESTONES,
    "definition_of_ready": template.READY.title,
    "definition_of_done": template.DONE.title,
}


@dataclass
class Difference:
    key: str
    label: str
    ours: str
    theirs: str


def shown(key, value):
    """A JSON form value as plain text for the side-by-side table."""
    if key == "type":
        return template.TYPE_LABELS.get(value, value or "")
    if key == "priority":
        return f"!{value}" if value else ""
    if key == "frameworks":
        return ", ".join(value or [])
    if key == "milestones":
        return "\n".join(f"{m['title']}: {m['date']}" for m in value or [])
    if key in CHECKLIST_KEYS:
        return "\n".join(f"[{'x' if i['done'] else ' '}] {i['text']}" for i in value or [])
    return value or ""


def differences(issue, body):
    """``(differences, theirs, problem)``: what GitHub's body would change, field by field."""
    try:
        theirs = parse(body).data
    except NotTemplate as error:
        return [], {}, f"line {error.line}: {error.message}"
    ours = issue_to_dict(issue)
    found = []
    for key in FIELDS:
        if key not in theirs or theirs[key] == ours.get(key):
            continue
        if key in CHECKLIST_KEYS and [i["text"] for i in theirs[key]] != [
            i["text"] for i in ours[key]
        ]:
            continue
        found.append(Difference(key, LABELS[key], shown(key, ours[key]), shown(key, theirs[key])))
    return found, theirs, None


def take(issue, user, version, chosen, theirs):
    """Write GitHub's values of ``chosen`` fields; the problems if the result is invalid."""
    if version != issue.version:
        raise tracking.StaleIssue
    merged = {**issue_to_dict(issue), **{key: theirs[key] for key in chosen}}
    merged.pop("github", None)
    problems = validate(merged)
    if problems:
        return problems
    if chosen:
        with tracking.tracked_change(issue, user, version):
            apply_dict(issue, {key: theirs[key] for key in chosen})
    GitHubBodyChange.objects.filter(issue=issue).delete()
    return []
