"""Quick issues: an open issue from one screen, the rest of the template filled in later."""

from django.db import transaction
from django.utils import timezone

from issues import notify
from issues.models import Issue
from issues.serialization import create_issue
from issues.template import DETAILS, FIELD_LABELS, IMPACT, MILESTONES, TIMELINE

# What a quick issue leaves for later, by section of the template: (section, [(key, label)]).
LATER_SECTIONS = [
    (section.title, [(key, {**FIELD_LABELS, "milestones": MILESTONES}[key]) for key in keys])
    for section, keys in (
        (
            DETAILS,
            (
                "expected_behavior",
                "proposed_solution",
                "frameworks",
                "data_involved",
                "environment",
            ),
        ),
        (IMPACT, ("business_impact", "users_affected")),
        (TIMELINE, ("target_date", "milestones", "assignees")),
    )
]


def create_quick_issue(data, reporter):
    """Create an open issue from the Quick issue form's keys, reported today.

    The one place a quick issue is made: the issue and its notifications commit together.
    """
    with transaction.atomic():
        issue = create_issue(
            {
                **data,
                "status": Issue.Status.OPEN,
                "reported_date": timezone.localdate().isoformat(),
            },
            reporter=reporter,
        )
        notify.issue_created(issue, reporter)
    return issue


def empty_sections(issue):
    """[(section, [labels of its empty fields])] of the sections with something still empty."""
    values = {
        "milestones": list(issue.milestones.all()),
        **{
            key: getattr(issue, key)
            for _, fields in LATER_SECTIONS
            for key, _ in fields
            if key != "milestones"
        },
    }
    return [
        (section, labels)
        for section, fields in LATER_SECTIONS
        if (labels := [label for key, label in fields if not values[key]])
    ]
