"""Every way an issue is created or commented on tells the people concerned, in the change's
transaction, never the one who made it: the Quick issue, the JSON API, alert intake and a
GitHub comment by webhook. Imports stay silent."""
# The fixtures imported from the other test modules are used by name.
# ruff: noqa: F811

import json

import pytest
from django.core.management import call_command

from issues.models import Issue, Notification
from tests.api_support import ALERTMANAGER, Api, full_json, payload
from tests.notify_support import sent
from tests.quick_support import URL as QUICK
from tests.quick_support import VALID as QUICK_VALID
from tests.webhook_support import delivery, post

pytestmark = pytest.mark.django_db


def test_a_quick_p0_tells_opted_in_people_and_the_webhook_not_its_reporter(
    people, webhook_url, client
):
    client.force_login(people["ben"])
    response = client.post(QUICK, QUICK_VALID)
    assert response.status_code == 302
    issue = Issue.objects.get()
    # Everyone who has not turned urgent mail off, but ben, who made it.
    assert sent(issue=issue) == [
        ("new_urgent", "email", "maya@example.org"),
        ("new_urgent", "email", "quiet@example.org"),
        ("new_urgent", "email", "rita@example.org"),
        ("new_urgent", "webhook", ""),
    ]


def test_an_invalid_quick_issue_tells_nobody(people, webhook_url, client):
    client.force_login(people["ben"])
    assert client.post(QUICK, {**QUICK_VALID, "name": ""}).status_code == 200
    assert not Notification.objects.exists()


def test_an_issue_created_through_the_api_tells_its_assignees(people, token_of, client):
    _, token = token_of(people["rita"])
    data = {**full_json(), "assignees": ["maya-ml", "rita-r", "quiet-q"], "priority": "p2"}
    response = Api(client, token).post("/api/v1/issues", data)
    assert response.status_code == 201, response.content
    assert sent() == [("assigned", "email", "maya@example.org")]
    # A replay with the same Idempotency-Key tells nobody again.
    headers = {"Idempotency-Key": "k1"}
    Api(client, token).post("/api/v1/issues", data, headers=headers)
    Api(client, token).post("/api/v1/issues", data, headers=headers)
    assert Notification.objects.count() == 2


def test_an_issue_refused_by_the_api_tells_nobody(people, token_of, client):
    _, token = token_of(people["rita"])
    data = {**full_json(), "assignees": ["maya-ml"], "priority": "p9"}
    assert Api(client, token).post("/api/v1/issues", data).status_code == 422
    assert not Notification.objects.exists()


def test_an_alert_opens_an_issue_once_and_tells_opted_in_people(people, webhook_url, token_of):
    from django.test import Client

    _, token = token_of(people["rita"])
    api = Api(Client(), token)
    assert api.post(ALERTMANAGER, payload()).status_code == 200
    issue = Issue.objects.get()
    assert issue.priority == "p0"
    assert sent(issue=issue) == [
        ("new_urgent", "email", "ben@example.org"),
        ("new_urgent", "email", "maya@example.org"),
        ("new_urgent", "email", "quiet@example.org"),
        ("new_urgent", "webhook", ""),
    ]
    # The repeat is an update to the reporter and assignees (here the intake's own user only).
    api.post(ALERTMANAGER, payload())
    assert Notification.objects.count() == 4


def test_a_github_comment_is_announced_once_as_a_comment(filed, people):
    Issue.objects.filter(pk=filed.pk).update(reporter=people["rita"], assignees=["maya-ml"])
    Notification.objects.all().delete()
    headers, data = delivery("issue_comment.created", filed)
    assert post(headers, data).json() == {"result": "applied"}
    login = data["comment"]["user"]["login"]
    notes = Notification.objects.filter(issue=filed)
    assert sorted((n.address, n.subject.split(": ", 1)[1]) for n in notes) == [
        ("maya@example.org", f"Comment by @{login} on GitHub"),
        ("rita@example.org", f"Comment by @{login} on GitHub"),
    ]
    # Redelivered: applied once, told once.
    assert post(headers, data).json() == {"result": "duplicate"}
    assert notes.count() == 2


def test_imports_tell_nobody(people, webhook_url, tmp_path):
    path = tmp_path / "issues.json"
    data = {**full_json(), "priority": "p0", "status": "open", "assignees": ["maya-ml"]}
    path.write_text(json.dumps([data]))
    call_command("import_issues", str(path))
    assert Issue.objects.exists()
    assert not Notification.objects.exists()
