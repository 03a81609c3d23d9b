"""The history of an issue: one IssueChange row per field that a save changed."""

import json

from issues.models import IssueChange


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def record_changes(issue, user, before, after):
    """Compare two JSON forms of ``issue`` (before and after a save) and log each difference."""
    changes = [
        IssueChange(
            issue=issue, user=user, field=key, old=_as_text(before.get(key)), new=_as_text(value)
        )
        for key, value in after.items()
        if before.get(key) != value
    ]
    IssueChange.objects.bulk_create(changes)
    return changes


# A value is written out in the history when it is at most this long and on one line.
SHORT_VALUE = 80
LIST_KEYS = {"todo", "definition_of_ready", "definition_of_done"}


def _items(text):
    return {item["text"]: item["done"] for item in json.loads(text or "[]")}


def _checklist_changes(old, new):
    was, now = _items(old), _items(new)
    return (
        [f"ticked '{t}'" for t, done in now.items() if done and was.get(t) is False]
        + [f"unticked '{t}'" for t, done in now.items() if not done and was.get(t) is True]
        + [f"added '{t}'" for t in now if t not in was]
        + [f"removed '{t}'" for t in was if t not in now]
    )


def _update_changes(old, new):
    was, now = json.loads(old or "[]"), json.loads(new or "[]")
    return [f"added the update of {u['date']}" for u in now if u not in was][:3] + [
        f"corrected the update of {u['date']}" for u in was if u not in now and len(now) == len(was)
    ][:3]


def _plain(key, text, value_labels):
    """A short field's value as people write it ("!p1", "Model Performance", "a, b")."""
    if text.startswith("["):
        values = json.loads(text)
        if key == "milestones":
            return "; ".join(f"{m['title']}: {m['date']}" for m in values)
        return ", ".join(map(str, values))
    return value_labels.get(key, {}).get(text, text)


def describe(change, labels, value_labels):
    """What one history row says: "Priority: !p2 → !p0", "To-Do List: ticked 'Implement
    changes'", or "Issue Description changed" for a long text."""
    label = labels.get(change.field, change.field)
    if change.field in LIST_KEYS:
        parts = _checklist_changes(change.old, change.new)
    elif change.field == "updates":
        parts = _update_changes(change.old, change.new)
    else:
        old, new = (_plain(change.field, text, value_labels) for text in (change.old, change.new))
        if all(len(value) <= SHORT_VALUE and "\n" not in value for value in (old, new)):
            return f"{label}: {old or '(empty)'} → {new or '(empty)'}"
        return f"{label} changed"
    return f"{label}: {'; '.join(parts)}" if parts else label
