"""Who is told what (issues/notify.py), through the views that make the changes; delivery
rules (claimed once, retried, given up) with Django's test mailer. The real worker, SMTP server
and webhook are in test_notify_delivery.py."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from issues import notify
from issues.models import Issue, Notification, Profile
from issues.tracking import add_update, change_status
from tests.factories import make_issue
from tests.guided_support import logged_in
from tests.notify_support import sent

pytestmark = pytest.mark.django_db


def test_new_p0_goes_to_assignees_opted_in_people_and_the_webhook(people, webhook_url):
    issue = make_issue(
        reporter=people["rita"], priority="p0", assignees=["Maya-ML", "quiet-q", "nobody"]
    )
    notify.issue_created(issue, people["rita"])
    assert sent() == [
        ("assigned", "email", "maya@example.org"),
        ("new_urgent", "email", "ben@example.org"),
        ("new_urgent", "webhook", ""),
    ]
    # Each message is a task in the database, enqueued with it.
    tasks = DBTaskResult.objects.filter(task_path="issues.notify.deliver")
    assert sorted(task.args_kwargs["args"][0] for task in tasks) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )
    webhook = Notification.objects.get(channel="webhook")
    assert webhook.payload["text"] == (
        f"New !p0 issue by rita: #{issue.pk} Recall dropped (!p0, Open) "
        f"https://dskit.example.org/issues/{issue.pk}/"
    )


def test_a_p2_tells_only_its_assignees_and_never_the_actor(people, webhook_url):
    issue = make_issue(priority="p2", assignees=["maya-ml", "rita-r"])
    notify.issue_created(issue, people["maya"])
    assert sent() == [("assigned", "email", "rita@example.org")]


def test_nothing_is_queued_when_the_change_rolls_back(people):
    issue = make_issue(priority="p1", assignees=["maya-ml"])
    with pytest.raises(RuntimeError), transaction.atomic():
        notify.issue_created(issue, people["rita"])
        raise RuntimeError
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()


def test_status_moves_and_updates_tell_reporter_and_assignees(people, webhook_url):
    issue = make_issue(reporter=people["rita"], priority="p1", assignees=["maya-ml", "quiet-q"])
    client = logged_in(people["maya"])
    response = client.post(
        reverse("issue-status", args=[issue.pk]),
        {"status": Issue.Status.IN_PROGRESS, "version": issue.version, "confirm": "on"},
    )
    assert response.status_code == 302
    # Not maya (who moved it), not quiet (who opted out of activity).
    assert sent() == [("activity", "email", "rita@example.org"), ("activity", "webhook", "")]
    mail = Notification.objects.get(channel="email")
    assert "Status changed from Open to In progress by maya" in mail.text
    assert "Status: In progress" in mail.text

    Notification.objects.all().delete()
    issue.refresh_from_db()
    client = logged_in(people["rita"])
    response = client.post(
        reverse("update-add", args=[issue.pk]),
        {"version": issue.version, "update-date": "2026-11-30", "update-text": "Rolled back."},
    )
    assert response.status_code == 302
    assert sent() == [("activity", "email", "maya@example.org")]
    assert "Rolled back." in Notification.objects.get().text

    Notification.objects.all().delete()
    notify.comment_added(issue, "octocat", "Same on our side.")
    assert sent() == [
        ("activity", "email", "maya@example.org"),
        ("activity", "email", "rita@example.org"),
    ]


def test_a_comment_logged_by_someone_tells_the_others_who_said_what(people):
    issue = make_issue(reporter=people["rita"], priority="p1", assignees=["maya-ml"])
    current = Issue.objects.listed().with_rows().get(pk=issue.pk)
    day = datetime.date(2026, 11, 30)
    add_update(current, people["maya"], current.version, day, "Same here.", comment_by="octocat")
    assert sent() == [("activity", "email", "rita@example.org")]  # not maya, who logged it
    mail = Notification.objects.get()
    assert mail.subject.endswith(f"#{issue.pk} {issue.name}: Comment by octocat")
    assert mail.text.startswith("Comment by octocat.\n") and "\n\nSame here.\n" in mail.text


def test_resolving_records_the_day_and_reopening_clears_it(people):
    issue = make_issue(reporter=people["rita"], priority="p1")
    for status in (Issue.Status.IN_PROGRESS, Issue.Status.RESOLVED, Issue.Status.CLOSED):
        loaded = Issue.objects.listed().with_rows().get(pk=issue.pk)
        change_status(loaded, people["rita"], loaded.version, status)
    issue.refresh_from_db()
    assert issue.resolved_on == timezone.localdate()
    loaded = Issue.objects.listed().with_rows().get(pk=issue.pk)
    change_status(loaded, people["rita"], loaded.version, Issue.Status.OPEN)
    issue.refresh_from_db()
    assert issue.resolved_on is None


def test_an_edit_tells_only_the_newly_assigned(people):
    issue = make_issue(priority="p3", assignees=["maya-ml"])
    before = {"assignees": ["maya-ml"], "status": "open"}
    issue.assignees = ["maya-ml", "@rita-r"]
    notify.issue_edited(
        issue, people["ben"], before, {"assignees": issue.assignees, "status": "open"}
    )
    assert sent() == [("assigned", "email", "rita@example.org")]


def test_deliver_sends_once_even_when_run_twice(people, mailoutbox):
    issue = make_issue(priority="p2", assignees=["maya-ml"])
    [notification] = notify.issue_created(issue)
    assert notify.deliver.call(notification.pk) == "sent"
    assert notify.deliver.call(notification.pk) == "not pending"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["maya@example.org"]
    notification.refresh_from_db()
    assert notification.state == Notification.SENT and notification.attempts == 1


def test_retries_back_off_for_at_least_a_day_then_give_up(people, settings):
    # 30 s doubling up to 30 min: well over 24 hours of tries before 48 hours pass.
    delays = [notify.retry_delay(attempt) for attempt in range(1, 12)]
    assert delays[:7] == [30, 60, 120, 240, 480, 960, 1800] and delays[-1] == 1800
    assert settings.DSKIT_NOTIFY_RETRY_HOURS >= 24

    settings.DSKIT_SLACK_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # nothing listens on port 9
    issue = make_issue(priority="p0")
    [webhook] = [n for n in notify.issue_created(issue) if n.channel == Notification.WEBHOOK]
    assert notify.deliver.call(webhook.pk) == "retry in 30 s"
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=25)
    Notification.objects.filter(pk=webhook.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=48)
    )
    assert notify.deliver.call(webhook.pk) == "given up"
    webhook.refresh_from_db()
    assert webhook.state == Notification.FAILED and "unreachable" in webhook.last_error


def test_daily_digest_once_a_day(people):
    today = timezone.localdate()
    overdue = make_issue(
        name="Late one",
        priority="p1",
        assignees=["maya-ml"],
        reported_date=str(today - datetime.timedelta(days=20)),
    )
    make_issue(
        name="Soon one",
        priority="p0",
        reporter=people["maya"],
        reported_date=str(today),
    )
    make_issue(name="Fine one", priority="p2", assignees=["maya-ml"], reported_date=str(today))
    make_issue(name="Someone else's", priority="p0", reported_date=str(today))
    assert notify.send_digests(today) == 1
    assert notify.send_digests(today) == 0
    digest = Notification.objects.get(kind="digest")
    assert digest.address == "maya@example.org"
    assert f"Overdue (due {today - datetime.timedelta(days=6)}): !p1 #{overdue.pk} Late one" in (
        digest.text
    )
    assert "Due soon" in digest.text and "Soon one" in digest.text
    assert "Fine one" not in digest.text and "Someone else" not in digest.text
    assert notify.send_digests(today + datetime.timedelta(days=1)) == 1
    Profile.objects.filter(user=people["maya"]).update(notify_digest=False)
    assert notify.send_digests(today + datetime.timedelta(days=2)) == 0


def test_without_a_mail_server_in_production_only_the_webhook(people, webhook_url, settings):
    del settings.MAILERS  # DJANGO_DEBUG=false without EMAIL_HOST (dskit/settings.py)
    issue = make_issue(
        priority="p0", assignees=["maya-ml"], reported_date=str(timezone.localdate())
    )
    notify.issue_created(issue)
    assert sent() == [("new_urgent", "webhook", "")]
    assert notify.send_digests() == 0
