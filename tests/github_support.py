"""Helpers for the tests that press "File on GitHub" / "Update on GitHub"."""

import html
import json

from django.contrib.messages import get_messages

from issues.models import ChecklistItem, Issue, IssueChange, Milestone, Update
from issues.serialization import create_issue, issue_to_dict
from tests.common_support import EXAMPLES


def full_issue():
    return create_issue(json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8")))


def press(client, issue, action="file"):
    """Press the button; the messages, as the issue page (where it redirects) shows them."""
    response = client.post(f"/issues/{issue.pk}/github/", {"action": action})
    assert response.status_code == 302
    assert response["Location"] == f"/issues/{issue.pk}/"
    messages = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    page = html.unescape(client.get(response["Location"]).content.decode())
    for _, message in messages:
        assert message in page
    return messages


def snapshot(issue):
    issue = Issue.objects.get(pk=issue.pk)
    return (
        issue_to_dict(issue),
        issue.updated_at,
        issue.version,
        Milestone.objects.count(),
        ChecklistItem.objects.count(),
        Update.objects.count(),
        IssueChange.objects.count(),
    )


def assert_intact(issue, before):
    assert snapshot(issue) == before
    fresh = Issue.objects.get(pk=issue.pk)
    assert fresh.github_number is None
    assert fresh.github_url == ""
    assert fresh.github_filing_started_at is None  # released: the user can try again
