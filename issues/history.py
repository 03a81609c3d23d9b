"""The history of an issue: one IssueChange row per field that a save changed."""

import json

from issues.models import IssueChange, Link


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


LINK_KINDS = dict(Link.KIND_CHOICES)


def _metric_value(metric):
    return f"{metric['value']:g}{metric.get('unit') or ''}"


def _metric_changes(old, new):
    """Metrics by name: "added 'recall = 0.91'", "recall: 0.91 → 0.78", "removed 'recall'"."""
    was = {m["name"]: m for m in json.loads(old or "[]")}
    now = {m["name"]: m for m in json.loads(new or "[]")}
    parts = []
    for name, metric in now.items():
        if name not in was:
            parts.append(f"added '{name} = {_metric_value(metric)}'")
        elif _metric_value(was[name]) != _metric_value(metric):
            parts.append(f"{name}: {_metric_value(was[name])} → {_metric_value(metric)}")
        elif was[name] != metric:
            parts.append(f"changed '{name}'")
    return parts + [f"removed '{name}'" for name in was if name not in now]


def _link_text(link):
    return f"{LINK_KINDS.get(link['kind'], link['kind'])} {link['target']}"


def _link_changes(old, new):
    """Links as "Kind target": added, removed or (same target) changed."""
    was = {link["target"]: link for link in json.loads(old or "[]")}
    now = {link["target"]: link for link in json.loads(new or "[]")}
    return (
        [f"added '{_link_text(link)}'" for target, link in now.items() if target not in was]
        + [
            f"changed '{_link_text(link)}'"
            for target, link in now.items()
            if target in was and was[target] != link
        ]
        + [f"removed '{_link_text(link)}'" for target, link in was.items() if target not in now]
    )


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
    elif change.field == "metrics":
        parts = _metric_changes(change.old, change.new)
    elif change.field == "links":
        parts = _link_changes(change.old, change.new)
    elif change.field == "github" and change.new:
        return f"{label}: filed as #{json.loads(change.new)['number']}"
    else:
        old, new = (_plain(change.field, text, value_labels) for text in (change.old, change.new))
        if all(len(value) <= SHORT_VALUE and "\n" not in value for value in (old, new)):
            return f"{label}: {old or '(empty)'} → {new or '(empty)'}"
        return f"{label} changed"
    return f"{label}: {'; '.join(parts)}" if parts else label
