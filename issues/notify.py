"""Notifications by email and to a Slack-compatible chat webhook.

The hooks (``issue_created``, ``issue_edited``, ``status_changed``, ``update_added``,
``comment_added``) are called by the code that makes the change, inside its transaction: each
writes ``Notification`` rows and enqueues one ``deliver`` task per row on the database task
backend, so a change and its messages are committed together or not at all, and no request
waits for a mail server. ``deliver`` claims its row with one conditional update (sent once,
however many workers run) and retries with backoff while the server is down or answers 5xx.
Nobody is told of their own action.
"""

import datetime
import logging
import smtplib

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from issues import deadlines
from issues.filters import assigned_to
from issues.models import Issue, Notification, Profile

logger = logging.getLogger(__name__)

NEW_URGENT, ASSIGNED, ACTIVITY, DIGEST = "new_urgent", "assigned", "activity", "digest"
# Each kind and the Profile switch that turns it on or off.
KINDS = {
    NEW_URGENT: "notify_new_urgent",
    ASSIGNED: "notify_assigned",
    ACTIVITY: "notify_activity",
    DIGEST: "notify_digest",
}
URGENT_PRIORITIES = (Issue.Priority.P0, Issue.Priority.P1)
STATUS_LABELS = dict(Issue.Status.choices)
PRIORITY_LABELS = dict(Issue.Priority.choices)


class TemporaryFailure(Exception):
    """The server is down or answered 5xx: tried again later."""


# People


def normalize_login(login):
    return (login or "").strip().removeprefix("@")


def profile_of(user):
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def wants(user, kind):
    return getattr(profile_of(user), KINDS[kind])


def users_with_logins(logins):
    """The users whose GitHub login is one of ``logins`` (case-insensitive, as GitHub's)."""
    wanted = {normalize_login(login).lower() for login in logins if normalize_login(login)}
    if not wanted:
        return []
    profiles = Profile.objects.annotate(login=Lower("github_login")).filter(login__in=wanted)
    return [profile.user for profile in profiles.select_related("user")]


def involved(issue):
    """Its reporter and the users it is assigned to."""
    people = {user.pk: user for user in users_with_logins(issue.assignees)}
    if issue.reporter_id and issue.reporter_id not in people:
        people[issue.reporter_id] = get_user_model().objects.get(pk=issue.reporter_id)
    return list(people.values())


# Messages


def email_configured():
    """A mail server is set (EMAIL_HOST), or development prints the mail (dskit/settings.py)."""
    return "default" in getattr(settings, "MAILERS", {})


def issue_link(issue):
    return settings.DSKIT_BASE_URL + reverse("issue-detail", args=[issue.pk])


def summary_lines(issue):
    return [
        f"Issue Name: {issue.name}",
        f"Priority: {PRIORITY_LABELS.get(issue.priority, '—')}",
        f"Status: {STATUS_LABELS.get(issue.status, issue.status)}",
        f"Link: {issue_link(issue)}",
    ]


def _slack_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(issue, headline):
    """Slack's incoming-webhook JSON: ``text`` for notifications, blocks for the message."""
    name = _slack_escape(f"#{issue.pk} {issue.name}")
    priority = PRIORITY_LABELS.get(issue.priority, "—")
    status = STATUS_LABELS.get(issue.status, issue.status)
    return {
        "text": f"{headline}: #{issue.pk} {issue.name} ({priority}, {status}) {issue_link(issue)}",
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{_slack_escape(headline)}*\n<{issue_link(issue)}|{name}>",
                },
            },
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*Priority*\n{priority}"},
                    {"type": "mrkdwn", "text": f"*Status*\n{status}"},
                ],
            },
        ],
    }


def _queue(notifications):
    """Save the messages and enqueue their deliveries in the caller's transaction."""
    with transaction.atomic():
        for notification in notifications:
            notification.save()
            deliver.enqueue(notification.pk)
    return notifications


def _emails(kind, issue, users, actor, headline, detail=""):
    """One email per user who wants ``kind`` and has an address; never to ``actor``. None when
    no mail server is configured (production without EMAIL_HOST)."""
    if not email_configured():
        return []
    subject = (
        f"[dskit] {PRIORITY_LABELS.get(issue.priority, '')} #{issue.pk} {issue.name}: {headline}"
    )
    text = "\n".join([f"{headline}.", "", *summary_lines(issue), *(["", detail] if detail else [])])
    return [
        Notification(
            kind=kind,
            channel=Notification.EMAIL,
            user=user,
            issue=issue,
            address=user.email,
            subject=subject.strip()[:300],
            text=text
            + "\n\nChoose what you are told of on your profile page: "
            + settings.DSKIT_BASE_URL
            + reverse("profile")
            + "\n",
        )
        for user in users
        if user.email and (actor is None or user.pk != actor.pk) and wants(user, kind)
    ]


def _webhook(kind, issue, headline):
    if not settings.DSKIT_SLACK_WEBHOOK_URL:
        return []
    payload = webhook_payload(issue, headline)
    return [
        Notification(
            kind=kind,
            channel=Notification.WEBHOOK,
            issue=issue,
            subject=headline[:300],
            text=payload["text"],
            payload=payload,
        )
    ]


def _by(actor):
    return f" by {actor.get_username()}" if actor else ""


# Hooks: call them inside the transaction of the change.


def issue_created(issue, actor=None):
    """A new (open) issue: a !p0 or !p1 to everyone who opted in and to the webhook; its
    assignees are told it is assigned to them (one message each, not both)."""
    assignees = users_with_logins(issue.assignees)
    messages = _emails(ASSIGNED, issue, assignees, actor, f"Assigned to you{_by(actor)}")
    if issue.priority in URGENT_PRIORITIES:
        told = {user.pk for user in assignees}
        headline = f"New {PRIORITY_LABELS[issue.priority]} issue{_by(actor)}"
        everyone = get_user_model().objects.filter(is_active=True).exclude(pk__in=told)
        everyone = everyone.filter(profile__notify_new_urgent=True)
        messages += _emails(NEW_URGENT, issue, everyone, actor, headline)
        messages += _webhook(NEW_URGENT, issue, headline)
    return _queue(messages)


def assignees_added(issue, actor, before, after):
    """Tell the people whose login was added to Assignees."""
    old = {normalize_login(login).lower() for login in before}
    added = [login for login in after if normalize_login(login).lower() not in old]
    users = users_with_logins(added)
    return _queue(_emails(ASSIGNED, issue, users, actor, f"Assigned to you{_by(actor)}"))


def status_changed(issue, actor, old, new):
    """Tell its reporter and assignees (and the webhook) that the status moved."""
    headline = f"Status changed from {STATUS_LABELS[old]} to {STATUS_LABELS[new]}{_by(actor)}"
    messages = _emails(ACTIVITY, issue, involved(issue), actor, headline)
    return _queue(messages + _webhook(ACTIVITY, issue, headline))


def update_added(issue, actor, text):
    headline = f"Update added{_by(actor)}"
    return _queue(_emails(ACTIVITY, issue, involved(issue), actor, headline, text))


def comment_added(issue, author, text, actor=None):
    """A comment (e.g. on the GitHub issue, by ``author``); ``actor`` is the dskit user, if any."""
    headline = f"Comment by {author}"
    return _queue(_emails(ACTIVITY, issue, involved(issue), actor, headline, text))


def issue_edited(issue, actor, before, after):
    """After an edit: compare two JSON forms (issues/serialization.py) and tell who is concerned."""
    sent = []
    if before.get("assignees") != after.get("assignees"):
        sent += assignees_added(issue, actor, before.get("assignees") or [], issue.assignees)
    if before.get("status") != after.get("status") and before.get("status") != Issue.Status.DRAFT:
        sent += status_changed(issue, actor, before["status"], after["status"])
    return sent


# The daily digest


def digest_issues(user, today):
    """The user's open issues (assigned or reported) that are due soon or overdue."""
    due = deadlines.overdue_q(today) | deadlines.due_soon_q(today)
    login = profile_of(user).github_login
    issues = Issue.objects.filter(due)
    mine = issues.filter(reporter=user)
    if login:
        mine = mine | assigned_to(issues, login)
    return list(mine.order_by("priority", "target_date", "id")[:200])


def send_digests(today=None):
    """One digest per person a day (never twice: its ``once_key``); returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    if not email_configured():
        return queued
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.filter(Q(profile__isnull=True) | Q(profile__notify_digest=True))
    for user in users.select_related("profile"):
        issues = digest_issues(user, today)
        if not issues:
            continue
        lines = []
        for issue in issues:
            label = deadlines.STATE_LABELS[deadlines.issue_state(issue, today)]
            due = deadlines.due_date(issue.priority, issue.reported_date, issue.target_date)
            lines.append(
                f"- {label} (due {due.isoformat()}): {PRIORITY_LABELS[issue.priority]} "
                f"#{issue.pk} {issue.name} [{STATUS_LABELS[issue.status]}] {issue_link(issue)}"
            )
        notification = Notification(
            kind=DIGEST,
            channel=Notification.EMAIL,
            user=user,
            address=user.email,
            subject=f"[dskit] {len(issues)} of your issues due soon or overdue ({today})",
            text=f"Your issues that are due soon or overdue on {today}:\n\n" + "\n".join(lines),
            once_key=f"digest:{user.pk}:{today.isoformat()}",
        )
        try:
            _queue([notification])
        except IntegrityError:
            continue  # already sent today
        queued += 1
    return queued


# Delivery


def retry_delay(attempts):
    """Seconds before the next try after ``attempts`` failed ones: doubling, capped."""
    base = settings.DSKIT_NOTIFY_RETRY_BASE_SECONDS
    return min(base * 2 ** min(attempts - 1, 30), settings.DSKIT_NOTIFY_RETRY_MAX_SECONDS)


def send_email(notification):
    message = EmailMessage(notification.subject, notification.text, to=[notification.address])
    try:
        message.send()
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(f"SMTP {error.smtp_code}") from error
        raise
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as error:
        raise TemporaryFailure(f"SMTP server unreachable: {error.__class__.__name__}") from error


def send_webhook(notification):
    url = settings.DSKIT_SLACK_WEBHOOK_URL
    if not url:
        raise TemporaryFailure("DSKIT_SLACK_WEBHOOK_URL is not set")
    try:
        response = httpx.post(
            url, json=notification.payload, timeout=settings.DSKIT_WEBHOOK_TIMEOUT
        )
    except httpx.TransportError as error:
        raise TemporaryFailure(f"webhook unreachable: {error.__class__.__name__}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise TemporaryFailure(f"webhook answered {response.status_code}")
    if response.status_code >= 400:
        raise ValueError(f"webhook refused the message: {response.status_code}")


SENDERS = {Notification.EMAIL: send_email, Notification.WEBHOOK: send_webhook}


@task()
def deliver(notification_id):
    """Send one notification, unless another worker has it or it was sent."""
    claimed = Notification.objects.filter(pk=notification_id, state=Notification.PENDING).update(
        state=Notification.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not pending"
    notification = Notification.objects.get(pk=notification_id)
    try:
        SENDERS[notification.channel](notification)
    except TemporaryFailure as error:
        return _again_later(notification, str(error))
    except Exception as error:
        # Refused for good (e.g. an unknown address): retrying would not help.
        logger.warning("notification %s failed: %s", notification.pk, error.__class__.__name__)
        notification.state, notification.last_error = Notification.FAILED, str(error)[:1000]
        notification.save(update_fields=["state", "last_error"])
        return "failed"
    notification.state, notification.sent_at = Notification.SENT, timezone.now()
    notification.save(update_fields=["state", "sent_at"])
    return "sent"


def _again_later(notification, error):
    delay = retry_delay(notification.attempts)
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    deadline = notification.created_at + datetime.timedelta(hours=settings.DSKIT_NOTIFY_RETRY_HOURS)
    notification.last_error = error[:1000]
    with transaction.atomic():
        if run_after > deadline:
            notification.state = Notification.FAILED
            logger.warning("notification %s given up: %s", notification.pk, error)
        else:
            notification.state = Notification.PENDING
            deliver.using(run_after=run_after).enqueue(notification.pk)
        notification.save(update_fields=["state", "last_error"])
    return f"retry in {delay} s" if notification.state == Notification.PENDING else "given up"
