"""History rows say what changed: old → new for short fields, the items ticked or added."""

import html
import json

import pytest

from issues.history import describe
from issues.models import Issue, IssueChange
from issues.serialization import apply_dict
from issues.tracking import change_status, set_ticks, tracked_change
from issues.views.browse import FIELD_LABELS, VALUE_LABELS
from tests.factories import make_issue

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


def test_metrics_links_and_github_rows_are_readable():
    metric = {"name": "recall", "value": 0.91, "unit": "", "threshold": 0.8}
    old = json.dumps([metric, {**metric, "name": "p99", "value": 120, "unit": "ms"}])
    new = json.dumps([{**metric, "value": 0.78}, {**metric, "name": "auc", "value": 0.9}])
    assert row("metrics", old, new) == (
        "Metrics: recall: 0.91 → 0.78; added 'auc = 0.9'; removed 'p99'"
    )
    link = {"kind": "model", "target": "models:/fraud/3", "label": ""}
    new = json.dumps([link, {"kind": "dashboard", "target": "https://grafana.example/d/1"}])
    assert row("links", "", new) == (
        "Links: added 'Model models:/fraud/3'; added 'Dashboard https://grafana.example/d/1'"
    )
    assert row("links", new, json.dumps([{**link, "label": "v3"}])) == (
        "Links: changed 'Model models:/fraud/3'; removed 'Dashboard https://grafana.example/d/1'"
    )
    github = json.dumps({"number": 17, "url": "https://github.com/acme/ml/issues/17"})
    assert row("github", "", github) == "GitHub issue: filed as #17"


def test_the_issue_page_history_says_what_changed(owner_client, owner):
    """A tick, a short field, a status change, metrics and links, as the page shows them."""
    issue = make_issue(owner, priority="p2")
    issue = Issue.objects.listed().with_rows().get(pk=issue.pk)
    item = next(i for i in issue.checklist_items.all() if i.text == "Implement changes")
    set_ticks(issue, owner, issue.version, item.checklist, {item.pk})
    issue = Issue.objects.listed().with_rows().get(pk=issue.pk)
    with tracked_change(issue, owner, issue.version):
        apply_dict(
            issue,
            {
                "priority": "p0",
                "metrics": [{"name": "recall", "value": 0.78, "threshold": 0.8}],
                "links": [{"kind": "run", "target": "https://mlflow.example/runs/9"}],
            },
        )
    issue = Issue.objects.listed().with_rows().get(pk=issue.pk)
    change_status(issue, owner, issue.version, Issue.Status.IN_PROGRESS, reason="on call")

    page = owner_client.get(f"/issues/{issue.pk}/").text
    history = html.unescape(page[page.index('id="history"') :])
    for said in (
        "To-Do List: ticked 'Implement changes'",
        "Priority: !p2 → !p0",
        "Status: Open → In progress",
        "Metrics: added 'recall = 0.78'",
        "Links: added 'Run https://mlflow.example/runs/9'",
    ):
        assert said in history
    assert '"value"' not in history and "'kind'" not in history
