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
