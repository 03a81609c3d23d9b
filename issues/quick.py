"""Quick issues: an open issue from one screen, the rest of the template filled in later."""

from django.db import transaction
from django.utils import timezone

from issues import notify
from issues.models import Issue
from issues.serialization import create_issue

# What a quick issue leaves for later, by section of the template: (section, [(key, label)]).
LATER_SECTIONS = [
    (
        "Specific Details",
        [
            ("expected_behavior", "Expected Behavior"),
            ("proposed_solution", "Proposed Solution"),
            ("frameworks", "ML Framework/Libraries"),
            ("data_involved", "Data Involved"),
            ("environment", "Environment"),
        ],
    ),
    (
        "Impact Assessment",
        [("business_impact", "Business Impact"), ("users_affected", "Users/Systems Affected")],
    ),
    (
        "Communication and Timeline",
        [
            ("target_date", "Target Resolution Date"),
            ("milestones", "Milestones"),
            ("assignees", "Assignees"),
        ],
    ),
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
