"""Closing an issue with a reason, from any status, logged in its Updates."""

from django.utils import timezone

from issues.models import Issue, Update
from issues.tracking import STATUS_LABELS, tracked_change

DONE, DUPLICATE, WONT_FIX, CANNOT_REPRODUCE = "done", "duplicate", "wont_fix", "cannot_reproduce"
CLOSE_REASONS = [
    (DONE, "Done"),
    (DUPLICATE, "Duplicate"),
    (WONT_FIX, "Won't fix"),
    (CANNOT_REPRODUCE, "Cannot reproduce"),
]


def close_issue(issue, user, version, reason, note=""):
    """Close ``issue`` as ``reason`` (a key of CLOSE_REASONS); the Updates say why and who."""
    text = (
        f"Closed as {dict(CLOSE_REASONS)[reason]} by {user.get_username()} "
        f"(was {STATUS_LABELS[issue.status]})."
    )
    if note:
        text += f" {note}"
    with tracked_change(issue, user, version):
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.CLOSED)
        Update.objects.create(issue=issue, date=timezone.localdate(), text=text, author=user)
