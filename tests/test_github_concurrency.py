"""Ten simultaneous "File on GitHub" requests through the real server file exactly one issue."""

import http.client
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from issues.models import Issue
from tests.github_support import full_issue

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_SECRET = "a" * 32


def post_file(live_server, issue, session, start, results, action="file"):
    """One browser tab pressing the button: a real HTTP POST with session and CSRF token."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    start.wait()
    connection.request(
        "POST",
        f"/issues/{issue.pk}/github/",
        body=f"action={action}&csrfmiddlewaretoken={CSRF_SECRET}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; "
            f"{django_settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
        },
    )
    response = connection.getresponse()
    results.append((response.status, response.getheader("Location")))
    connection.close()


def press_together(live_server, issue, session, count, action="file"):
    """``count`` tabs pressing "File on GitHub" at the same moment; their answers."""
    start, results = threading.Barrier(count), []
    threads = [
        threading.Thread(
            target=post_file, args=(live_server, issue, session, start, results, action)
        )
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("count", [2, 10])
def test_simultaneous_presses_file_exactly_one_issue(live_server, client, owner, github, count):
    issue = full_issue()
    client.force_login(owner)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    # GitHub takes its time, so that every request arrives while the first is in flight.
    github.fail_next(delay=0.5)

    results = press_together(live_server, issue, session, count)

    assert results == [(302, f"/issues/{issue.pk}/")] * count
    assert len(github.writes()) == 1
    assert list(github.issues) == [1]
    issue.refresh_from_db()
    assert (issue.github_number, issue.github_filing_started_at) == (1, None)
    assert github.problems == []

    # Pressed again, all at once, once filed: still nothing more on GitHub.
    assert len(press_together(live_server, issue, session, count)) == count
    assert len(github.writes()) == 1
    assert Issue.objects.get(pk=issue.pk).github_number == 1


def test_simultaneous_updates_send_one_patch(live_server, client, owner, github):
    issue = full_issue()
    client.force_login(owner)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    press_together(live_server, issue, session, 1)
    github.fail_next(method="PATCH", delay=0.5)

    results = press_together(live_server, issue, session, 2, action="update")

    assert results == [(302, f"/issues/{issue.pk}/")] * 2
    assert len(github.writes("PATCH")) == 1
    assert Issue.objects.get(pk=issue.pk).github_filing_started_at is None
