"""Notifications delivered by the real worker (`manage.py db_worker`, its own process) to a real
SMTP server and a real webhook receiver on 127.0.0.1, including ones that are down and come
back. Retry delays are shortened to 1-2 s by the worker's environment."""

import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import notify
from issues.models import Notification, Profile
from tests.factories import make_issue
from tests.guided_support import fill_draft, full_steps, logged_in, milestone_rows, post_step
from tests.notify_support import SMTPReceiver, WebhookReceiver, WorkerProcess, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "https://dskit.example.org"
# How much longer the SMTP server stays down after the third failed try: the issue's "a minute
# later" is DSKIT_TEST_SMTP_DOWN_SECONDS=60 (README "Notifications"); the suite keeps it short.
SMTP_DOWN_SECONDS = float(os.environ.get("DSKIT_TEST_SMTP_DOWN_SECONDS", "0"))


@pytest.fixture
def smtp():
    receiver = SMTPReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook(settings):
    receiver = WebhookReceiver().start()
    settings.DSKIT_SLACK_WEBHOOK_URL = receiver.url
    settings.DSKIT_BASE_URL = BASE_URL
    yield receiver
    receiver.stop()


@pytest.fixture
def workers(smtp, webhook):
    """Start workers with ``workers(n)``; they are stopped (and their errors shown) after."""
    started = []

    def start(count=1):
        for _ in range(count):
            started.append(WorkerProcess(smtp, webhook).start())
        return started

    yield start
    for worker in started:
        errors = worker.stop()
        assert "Traceback" not in errors, errors


def test_done_when_a_new_p0_assigned_to_a_login_reaches_its_owner(
    django_user_model, smtp, webhook, workers
):
    """The issue's acceptance test: B sets GitHub login maya-ml; A creates a !p0 assigned to
    @maya-ml through the guided form; the worker mails B and posts to the webhook within 30 s;
    B's My work lists the issue with its deadline state."""
    a = django_user_model.objects.create_user("anna", email="anna@example.org")
    b = django_user_model.objects.create_user("maya", email="placeholder@example.org")
    b_client = logged_in(b)
    response = b_client.post(
        reverse("profile"),
        {
            "email": "maya@example.org",
            "github_login": "@maya-ml",
            "notify_assigned": "on",
            "notify_activity": "on",
        },
    )
    assert response.status_code == 302
    b.profile.refresh_from_db()
    assert b.profile.github_login == "maya-ml"

    a_client = logged_in(a)
    steps = full_steps()
    steps["impact"]["priority"] = "p0"
    steps["timeline"]["assignees"] = "@maya-ml"
    steps["timeline"].update(target_date="", reported_date=str(timezone.localdate()))
    steps["timeline"].update(milestone_rows([]))
    draft = fill_draft(a_client, steps)
    started = time.monotonic()
    response = post_step(a_client, draft, "review", steps["review"], action="finish")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("issue-detail", args=[draft.pk])
    workers(1)

    mails = wait_until(lambda: smtp.to("maya@example.org"), timeout=30)
    posts = wait_until(lambda: webhook.posts, timeout=30)
    assert time.monotonic() - started < 30
    assert len(mails) == 1
    mail = mails[0]
    assert "!p0" in mail["Subject"] and steps["overview"]["name"] in mail["Subject"]
    body = mail.get_content()
    link = f"{BASE_URL}/issues/{draft.pk}/"
    for line in [
        f"Issue Name: {steps['overview']['name']}",
        "Priority: !p0",
        "Status: Open",
        f"Link: {link}",
        "Assigned to you by anna.",
    ]:
        assert line in body
    assert posts[0]["text"].startswith("New !p0 issue by anna")
    assert link in posts[0]["text"] and "Open" in posts[0]["text"]
    assert posts[0]["blocks"][0]["text"]["type"] == "mrkdwn"
    # A opted in to nothing new and is never told of their own action.
    assert smtp.to("anna@example.org") == []

    my_work = b_client.get(reverse("my-work")).content.decode()
    assert steps["overview"]["name"] in my_work
    assert "Due soon" in my_work  # a !p0 reported today is due tomorrow: one day left
    time.sleep(1)
    assert len(smtp.to("maya@example.org")) == 1 and len(webhook.posts) == 1


def test_smtp_down_then_back_delivers_exactly_once(django_user_model, smtp, webhook, workers):
    """The SMTP server is stopped when the message is sent, and started again later: the
    worker retries with backoff and the mail arrives once."""
    maya = django_user_model.objects.create_user("maya", email="maya@example.org")
    Profile.objects.create(user=maya, github_login="maya-ml")
    smtp.stop()
    issue = make_issue(name="Drift alarm", priority="p2", assignees=["maya-ml"])
    notify.issue_created(issue)
    workers(1)
    notification = Notification.objects.get(address="maya@example.org")
    assert wait_until(lambda: Notification.objects.get(pk=notification.pk).attempts >= 3, 60)
    notification.refresh_from_db()
    assert notification.state in (Notification.PENDING, Notification.SENDING)
    assert "SMTP server unreachable" in notification.last_error

    time.sleep(SMTP_DOWN_SECONDS)
    smtp.start()
    assert wait_until(lambda: smtp.to("maya@example.org"), timeout=60)
    time.sleep(3)  # longer than the retry delay: nothing is sent again
    assert len(smtp.to("maya@example.org")) == 1
    notification.refresh_from_db()
    assert notification.state == Notification.SENT and notification.sent_at


def test_webhook_5xx_and_down_then_back(smtp, webhook, workers):
    """A webhook answering 503, then not listening at all, then back: delivered once each."""
    webhook.fail = 2
    first = make_issue(name="Feature store lags", priority="p1")
    notify.issue_created(first)
    workers(1)
    assert wait_until(lambda: webhook.posts, timeout=60)
    assert webhook.fail == 0 and len(webhook.posts) == 1

    webhook.stop()
    second = make_issue(name="GPU pool exhausted", priority="p0")
    notify.issue_created(second)
    pending = Notification.objects.get(issue=second, channel=Notification.WEBHOOK)
    assert wait_until(lambda: Notification.objects.get(pk=pending.pk).attempts >= 2, 60)
    assert "webhook unreachable" in Notification.objects.get(pk=pending.pk).last_error
    webhook.start()
    assert wait_until(lambda: len(webhook.posts) == 2, timeout=60)
    time.sleep(3)
    assert [post["text"].split(":")[1].split("(")[0].strip() for post in webhook.posts] == [
        f"#{first.pk} Feature store lags",
        f"#{second.pk} GPU pool exhausted",
    ]


def test_two_workers_send_each_message_once(django_user_model, smtp, webhook, workers):
    people = [
        django_user_model.objects.create_user(f"person{i}", email=f"person{i}@example.org")
        for i in range(6)
    ]
    for person in people:
        Profile.objects.create(user=person, notify_new_urgent=True)
    for number in range(4):
        notify.issue_created(make_issue(name=f"Outage {number}", priority="p0"))
    expected = Notification.objects.count()
    assert expected == 4 * 6 + 4
    workers(2)
    assert wait_until(lambda: len(smtp.messages) + len(webhook.posts) >= expected, timeout=60)
    time.sleep(2)
    subjects = sorted(
        (tuple(recipients), message["Subject"]) for recipients, message in smtp.messages
    )
    assert len(subjects) == len(set(subjects)) == 24
    assert len(webhook.posts) == 4
    assert Notification.objects.filter(state=Notification.SENT).count() == expected
