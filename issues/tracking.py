"""Changes made on the issue page: ticks, checklist items, updates and status.

Every change goes through ``tracked_change``: it is refused when the issue is no longer at
the version the page was rendered with, bumps the version, and records the history.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from issues import notify, prepared
from issues.history import record_changes
from issues.limits import GITHUB_BODY_LIMIT, over_github_limit
from issues.markdown import render_body
from issues.models import ChecklistItem, Issue, Update
from issues.serialization import issue_to_dict

# open → in progress → resolved → closed, and back to open from any later status.
TRANSITIONS = {
    Issue.Status.OPEN: [Issue.Status.IN_PROGRESS],
    Issue.Status.IN_PROGRESS: [Issue.Status.RESOLVED, Issue.Status.OPEN],
    Issue.Status.RESOLVED: [Issue.Status.CLOSED, Issue.Status.OPEN],
    Issue.Status.CLOSED: [Issue.Status.OPEN],
}
# Moving to a status while this checklist is incomplete needs a confirmation.
GATES = {
    Issue.Status.IN_PROGRESS: ChecklistItem.Kind.READY,
    Issue.Status.RESOLVED: ChecklistItem.Kind.DONE,
}
STATUS_LABELS = dict(Issue.Status.choices)
CHECKLIST_LABELS = dict(ChecklistItem.Kind.choices)


class StaleIssue(Exception):
    """The issue changed after the page that sent this change was rendered."""


class TooLongForGitHub(Exception):
    """The change would make the issue's body longer than GitHub takes; the message says so."""


def github_overflow(issue_data):
    """What to say when the body of ``issue_data`` (the issue's JSON form with a change made)
    would be longer than GitHub takes; None when it fits."""
    length = len(render_body(issue_data))
    if length <= GITHUB_BODY_LIMIT:
        return None
    return _too_long(length)


def _too_long(length):
    return f"This would make the issue {over_github_limit(length)}. Please shorten it."


def _refuse_growth_past_limit(before, after):
    """Every write path's own check (the API's, the webhook's and alert intake's as much as
    the forms', which say it next to the field first): no change may make an issue's body
    longer than GitHub takes, so every issue stays fileable and updatable. A change that
    shortens a body already over the limit (an import of long Markdown) is let through."""
    length = len(render_body(after))
    if length > GITHUB_BODY_LIMIT and length > len(render_body(before)):
        raise TooLongForGitHub(_too_long(length))


@contextmanager
def tracked_change(issue, user, version):
    """Run the block as one change of ``issue``, loaded with its rows (``prepared``); undone
    with ``TooLongForGitHub`` when it makes the issue's body longer than GitHub takes."""
    with transaction.atomic():
        claimed = version == issue.version and Issue.objects.filter(
            pk=issue.pk, version=version
        ).update(version=F("version") + 1, updated_at=timezone.now())
        if not claimed:
            raise StaleIssue
        before = issue_to_dict(issue)
        issue.version = version + 1
        yield
        after = issue_to_dict(prepared.issue_with_rows(issue.pk))
        _refuse_growth_past_limit(before, after)
        record_changes(issue, user, before, after)


def items_of(issue, checklist):
    return [item for item in issue.checklist_items.all() if item.checklist == checklist]


def progress(issue, checklist):
    items = items_of(issue, checklist)
    return sum(item.done for item in items), len(items)


def set_ticks(issue, user, version, checklist, done_ids):
    """Tick exactly the items ``done_ids`` of one checklist; untick the others.

    Posting the ticks as they already are changes nothing, not even the version.
    """
    toggled = [item for item in items_of(issue, checklist) if item.done != (item.pk in done_ids)]
    if not toggled:
        if version != issue.version:
            raise StaleIssue
        return
    with tracked_change(issue, user, version):
        for item in toggled:
            item.done = not item.done
        ChecklistItem.objects.bulk_update(toggled, ["done"])


def add_item(issue, user, version, checklist, text):
    with tracked_change(issue, user, version):
        last = issue.checklist_items.filter(checklist=checklist).aggregate(Max("position"))
        position = (last["position__max"] or 0) + 1
        ChecklistItem.objects.create(issue=issue, checklist=checklist, position=position, text=text)


def remove_item(issue, user, version, item):
    with tracked_change(issue, user, version):
        item.delete()


def add_update(issue, user, version, date, text, comment_by=None):
    """Log an update; ``comment_by`` names the author of a comment (e.g. on GitHub), which is
    announced as a comment instead of an update."""
    with tracked_change(issue, user, version):
        update = Update.objects.create(issue=issue, date=date, text=text, author=user)
        if comment_by:
            notify.comment_added(issue, comment_by, text, actor=user)
        else:
            notify.update_added(issue, user, text)
    return update


def correct_update(issue, user, version, update, date, text):
    with tracked_change(issue, user, version):
        update.date, update.text = date, text
        update.save(update_fields=["date", "text"])


def unmet_gate(issue, status):
    """The checklist that should be complete before moving to ``status`` and is not."""
    checklist = GATES.get(status)
    if checklist is None:
        return None
    done, total = progress(issue, checklist)
    return checklist if done < total else None


def change_status(issue, user, version, status, by=None, reason=""):
    """Move the issue to ``status`` and log it in the Updates, with an override if any.

    ``by`` names who did it when that is not ``user`` (a GitHub user, through the webhook);
    ``reason`` is the one given for an override (through the API). Refused with
    ``TooLongForGitHub``, as a typed update is, when that entry would not fit in the body.
    """
    old = STATUS_LABELS[issue.status]
    by = by or user.get_username()
    text = f"Status changed from {old} to {STATUS_LABELS[status]} by {by}."
    checklist = unmet_gate(issue, status)
    if checklist:
        done, total = progress(issue, checklist)
        text += (
            f" The {CHECKLIST_LABELS[checklist]} was incomplete ({done} of {total} ticked):"
            " override confirmed."
        )
        if reason:
            text += f" Reason: {reason}"
    old_status = issue.status
    done = status in (Issue.Status.RESOLVED, Issue.Status.CLOSED)
    try:
        with tracked_change(issue, user, version):
            Issue.objects.filter(pk=issue.pk).update(
                status=status,
                # Closing a resolved issue keeps the day it was resolved; reopening clears it.
                resolved_on=Coalesce(F("resolved_on"), Value(timezone.localdate()))
                if done
                else None,
            )
            Update.objects.create(issue=issue, date=timezone.localdate(), text=text, author=user)
            issue.status = status
            notify.status_changed(issue, user, old_status, status)
    except TooLongForGitHub as error:
        issue.status = old_status
        raise TooLongForGitHub(
            f"The status was not changed: it is logged in the Updates. {error}"
        ) from None
