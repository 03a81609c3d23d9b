"""Issues for the list and issue page tests, made fast (no HTTP, few queries)."""

import datetime

from issues.models import Issue
from issues.serialization import create_issue

BASE = {
    "name": "Recall dropped",
    "type": "model_performance",
    "description": "Recall fell after retraining.",
    "priority": "p2",
}


def make_issue(reporter=None, **fields):
    """One saved issue with the template's checklists, through the importer's own path."""
    return create_issue({**BASE, **fields}, reporter)


def bulk_issues(count, **fields):
    """Many bare issues (no checklist rows) in one insert, numbered in their names."""
    return Issue.objects.bulk_create(
        Issue(
            **{
                "name": f"Issue {number:04d}",
                "type": "training",
                "description": "Bulk.",
                "priority": "p2",
                "reported_date": datetime.date(2026, 1, 1),
                **fields,
            }
        )
        for number in range(count)
    )
