"""History rows say what changed: old → new for short fields, the items ticked or added."""

import pytest

from issues.history import describe
from issues.models import IssueChange
from issues.views.browse import FIELD_LABELS, VALUE_LABELS

pytestmark = pytest.mark.django_db


def row(field, old, new):
    return describe(IssueChange(field=field, old=old, new=new), FIELD_LABELS, VALUE_LABELS)


def test_short_fields_old_and_new():
    assert row("priority", "p2", "p0") == "Priority: !p2 → !p0"
    assert row("type", "training", "deployment") == "Type of Issue: Training → Deployment"
    assert row("target_date", "", "2026-12-24") == "Target Resolution Date: (empty) → 2026-12-24"
    assert row("assignees", '["alice"]', '["alice", "bob"]') == "Assignees: alice → alice, bob"
    assert row("status", "resolved", "closed") == "Status: Resolved → Closed"


def test_long_texts_are_named_not_copied():
    assert row("description", "short", "x" * 81) == "Issue Description changed"
    assert row("description", "one", "two\nlines") == "Issue Description changed"


def test_checklists_say_which_item():
    old = '[{"text": "Implement changes", "done": false}, {"text": "Old", "done": true}]'
    new = '[{"text": "Implement changes", "done": true}, {"text": "New", "done": false}]'
    assert row("todo", old, new) == (
        "To-Do List: ticked 'Implement changes'; added 'New'; removed 'Old'"
    )
