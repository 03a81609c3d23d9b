"""Close with a reason from any status, logged in the Updates; Reopen from Resolved/Closed."""

import pytest

from issues.models import Issue
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def close(client, issue, **data):
    issue.refresh_from_db()
    return client.post(f"/issues/{issue.pk}/close/", {"version": issue.version, **data})


@pytest.mark.parametrize(
    ("status", "reason", "label"),
    [
        (Issue.Status.OPEN, "duplicate", "Duplicate"),
        (Issue.Status.IN_PROGRESS, "wont_fix", "Won't fix"),
        (Issue.Status.RESOLVED, "done", "Done"),
        (Issue.Status.OPEN, "cannot_reproduce", "Cannot reproduce"),
    ],
)
def test_close_from_any_status_is_logged(owner_client, owner, status, reason, label):
    issue = make_issue(owner)
    Issue.objects.filter(pk=issue.pk).update(status=status)
    response = close(owner_client, issue, reason=reason, note="See #12.")
    assert response.url == f"/issues/{issue.pk}/"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.CLOSED
    was = dict(Issue.Status.choices)[status]
    assert issue.updates.last().text == f"Closed as {label} by owner (was {was}). See #12."
    page = owner_client.get(f"/issues/{issue.pk}/").text
    assert f"Status: {was} → Closed" in page
    assert "Close with a reason" not in page and 'value="open"' in page  # Reopen offered


def test_a_bad_reason_a_closed_issue_or_a_stale_page_change_nothing(owner_client, owner):
    issue = make_issue(owner)
    assert close(owner_client, issue, reason="because").status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.OPEN
    response = owner_client.post(f"/issues/{issue.pk}/close/", {"version": 0, "reason": "done"})
    assert "changed by someone else" in owner_client.get(response.url).text
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.OPEN
    close(owner_client, issue, reason="done")
    count = issue.updates.count()
    close(owner_client, issue, reason="done")
    assert issue.updates.count() == count


def test_reopen_from_resolved_and_closed(owner_client, owner):
    issue = make_issue(owner)
    for status in (Issue.Status.RESOLVED, Issue.Status.CLOSED):
        Issue.objects.filter(pk=issue.pk).update(status=status)
        issue.refresh_from_db()
        owner_client.post(
            f"/issues/{issue.pk}/status/", {"status": "open", "version": issue.version}
        )
        assert Issue.objects.get(pk=issue.pk).status == Issue.Status.OPEN
