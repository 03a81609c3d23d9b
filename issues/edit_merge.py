"""An edit of an existing issue saved field by field, against the values it began from.

Only a field that someone else changed since the edit began, and that the edit changed to
something else, is a conflict; every other field the edit changed is saved, and the fields
it did not change keep what others saved. Ticks are merged item by item and never conflict.
"""

import datetime
import json

from django.utils import timezone

from issues.models import ChecklistItem
from issues.serialization import CHECKLIST_KEYS, apply_dict, checklist_row

# Keys whose history (IssueChange.old/new) is JSON rather than plain text.
JSON_KEYS = {"frameworks", "milestones", "assignees", "updates", "github", *CHECKLIST_KEYS}
DATE_KEYS = {"reported_date", "target_date"}


def value_from_text(key, text):
    """The JSON form value of ``key`` from its text in the history (issues.history)."""
    if key in JSON_KEYS:
        return json.loads(text) if text else []
    if key in DATE_KEYS:
        return text or None
    return text


def parse_started(value):
    """When an edit began, from the form's ``edit_started``; now when it is missing or odd."""
    now = timezone.now()
    try:
        started = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return now
    if timezone.is_naive(started):
        return now
    return min(started, now)


def base_at(issue, current, keys, started):
    """The values of ``keys`` as they were at ``started``: ``current`` with later changes undone."""
    base = {key: current[key] for key in keys}
    # Newest first: undoing them in turn leaves each field's value before the first of them.
    for change in issue.changes.filter(at__gt=started).order_by("-at", "-id"):
        if change.field in base:
            base[change.field] = value_from_text(change.field, change.old)
    return base


def merge_ticks(base, mine, theirs):
    """Their checklist with this edit's changes to it: items it added or removed, and ticks
    it changed (items matched by their text)."""
    was = {item["text"]: item["done"] for item in base}
    now = {item["text"]: item["done"] for item in mine}
    present = {item["text"] for item in theirs}

    def with_my_tick(item):
        text = item["text"]
        if text in was and text in now and was[text] != now[text]:
            return {**item, "done": now[text]}
        return item

    removed = was.keys() - now.keys()
    kept = [with_my_tick(item) for item in theirs if item["text"] not in removed]
    added = [item for item in mine if item["text"] not in was and item["text"] not in present]
    return kept + added


def apply_items(issue, key, items):
    """Make checklist ``key`` of ``issue`` hold exactly ``items``, in order, with their ticks."""
    checklist = CHECKLIST_KEYS[key]
    rows = {row.text: row for row in ChecklistItem.objects.filter(issue=issue, checklist=checklist)}
    texts = [item["text"] for item in items]
    ChecklistItem.objects.filter(
        pk__in=[row.pk for text, row in rows.items() if text not in texts]
    ).delete()
    changed, new = [], []
    for position, item in enumerate(items):
        row = rows.get(item["text"])
        if row is None:
            new.append(checklist_row(issue, checklist, position, item))
        elif (row.position, row.done) != (position, item["done"]):
            row.position, row.done = position, item["done"]
            changed.append(row)
    ChecklistItem.objects.bulk_update(changed, ["position", "done"])
    ChecklistItem.objects.bulk_create(new)


def apply_edit(issue, values):
    """``apply_dict``, except that the To-Do List takes added and removed items too."""
    apply_dict(issue, {key: value for key, value in values.items() if key != "todo"})
    if "todo" in values:
        apply_items(issue, "todo", values["todo"])


def merge(base, mine, theirs):
    """(the values to save, the keys in conflict) for an edit ``mine`` that began at ``base``.

    A key missing from ``base`` (an edit begun before bases were kept) counts as unchanged
    by others.
    """
    values, conflicts = {}, []
    for key, value in mine.items():
        was = base.get(key, theirs[key])
        if key in CHECKLIST_KEYS:
            merged = merge_ticks(was, value, theirs[key])
            if merged != theirs[key]:
                values[key] = merged
        elif value == was or value == theirs[key]:
            continue
        elif theirs[key] == was:
            values[key] = value
        else:
            conflicts.append(key)
    return values, conflicts


def display(key, value):
    """A value as the conflict view shows it: text, or a list written out on lines."""
    if key == "milestones":
        return "\n".join(f"{m['title']}: {m['date']}" for m in value) or "(none)"
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return value or "(empty)"
