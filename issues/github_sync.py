"""What GitHub tells dskit through its webhook, applied to the issues dskit filed or imported.

Each change goes through the issue page's own write paths (issues/tracking.py), so it bumps
the version, records the history and logs the update exactly as a change made on the page.
Nothing here talks to GitHub; the view (issues/views/webhook.py) checks the signature.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from issues import github, markdown, prepared, tracking
from issues.limits import UPDATE_MAX_LENGTH
from issues.models import GitHubBodyChange, GitHubComment, GitHubDelivery, Issue
from issues.parse_markdown import priority_of_label
from issues.serialization import issue_to_dict, normalize

logger = logging.getLogger(__name__)

# A change refused as stale (a person saved the issue at the same moment) is tried again.
ATTEMPTS = 3
BUSY = "busy"
# A change whose entry in the Updates would pass GitHub's body limit is refused, as on the page.
TOO_LONG = "too long for GitHub"


def handle(delivery, event, payload):
    """Apply one delivery once; a short word for the answer ("ping", "duplicate", ...)."""
    if event == "ping":
        return "pong"
    try:
        with transaction.atomic():
            GitHubDelivery.objects.create(delivery=delivery, event=event)
            return _apply(event, payload)
    except IntegrityError:
        return "duplicate"
    except tracking.StaleIssue:
        # Nothing was kept, not even the delivery: GitHub's redelivery will apply it.
        return BUSY
    except tracking.TooLongForGitHub as error:
        # Nothing was kept: once the issue is shortened, a redelivery applies it.
        logger.warning("GitHub webhook: %s %s refused: %s", event, delivery, error)
        return TOO_LONG


def _apply(event, payload):
    handler = HANDLERS.get((event, payload.get("action")))
    if handler is None:
        return "ignored"
    issue = _issue(payload)
    if issue is None:
        return "not a dskit issue"
    for _ in range(ATTEMPTS):
        try:
            handler(issue, payload)
            return "applied"
        except tracking.StaleIssue:
            issue = prepared.issue_with_rows(issue.pk)
    raise tracking.StaleIssue


def _issue(payload):
    repository = str((payload.get("repository") or {}).get("full_name", "")).lower()
    number = (payload.get("issue") or {}).get("number")
    if repository != github.repository() or not isinstance(number, int):
        return None
    linked = Issue.objects.listed().with_rows()
    return linked.filter(github_repository=repository, github_number=number).first()


def _login(user):
    return f"@{(user or {}).get('login', 'someone')}"


def _date(value):
    """A GitHub timestamp (``2026-11-20T09:30:00Z``) as the local date."""
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return timezone.localdate()
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _status(issue, payload, status):
    if issue.status == status:
        return
    by = f"{_login(payload.get('sender'))} on GitHub"
    tracking.change_status(issue, None, issue.version, status, by=by)


def closed(issue, payload):
    reason = (payload.get("issue") or {}).get("state_reason")
    _status(
        issue, payload, Issue.Status.CLOSED if reason == "not_planned" else Issue.Status.RESOLVED
    )


def reopened(issue, payload):
    _status(issue, payload, Issue.Status.OPEN)


def _comment_text(comment):
    """The update a GitHub comment becomes: who wrote it, and what. A comment longer than an
    update may be (GitHub allows 65,536 characters) is cut, with where to read it whole."""
    text = normalize(f"{_login(comment.get('user'))} on GitHub: {comment.get('body')}")
    if len(text) <= UPDATE_MAX_LENGTH:
        return text
    url = comment.get("html_url")
    where = url if isinstance(url, str) and url.startswith("https://") else "on GitHub"
    tail = f" … (cut at {UPDATE_MAX_LENGTH:,} characters: the whole comment is {where})"
    return text[: UPDATE_MAX_LENGTH - len(tail)].rstrip() + tail


def comment_created(issue, payload):
    comment = payload.get("comment") or {}
    if not isinstance(comment.get("id"), int):
        return
    if GitHubComment.objects.filter(comment_id=comment["id"]).exists():
        return
    date = _date(comment.get("created_at"))
    update = tracking.add_update(
        issue,
        None,
        issue.version,
        date,
        _comment_text(comment),
        comment_by=f"{_login(comment.get('user'))} on GitHub",
    )
    GitHubComment.objects.create(update=update, comment_id=comment["id"])


def comment_edited(issue, payload):
    comment = payload.get("comment") or {}
    link = GitHubComment.objects.select_related("update").filter(comment_id=comment.get("id"))
    link = link.first()
    if link is None:
        return comment_created(issue, payload)
    update = link.update
    tracking.correct_update(issue, None, issue.version, update, update.date, _comment_text(comment))


def edited(issue, payload):
    if "body" not in (payload.get("changes") or {}):
        return
    body = (payload.get("issue") or {}).get("body") or ""
    if normalize(body) == normalize(markdown.render_body(issue_to_dict(issue))):
        GitHubBodyChange.objects.filter(issue=issue).delete()
        return
    GitHubBodyChange.objects.update_or_create(
        issue=issue, defaults={"body": body, "login": _login(payload.get("sender"))[1:]}
    )


def labeled(issue, payload):
    priority = priority_of_label((payload.get("label") or {}).get("name", ""))
    if not priority or issue.priority == priority:
        return
    with tracking.tracked_change(issue, None, issue.version):
        Issue.objects.filter(pk=issue.pk).update(priority=priority)


HANDLERS = {
    ("issues", "closed"): closed,
    ("issues", "reopened"): reopened,
    ("issues", "edited"): edited,
    ("issues", "labeled"): labeled,
    ("issue_comment", "created"): comment_created,
    ("issue_comment", "edited"): comment_edited,
}
