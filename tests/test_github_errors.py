"""Every failure of rule 6, against the stand-in GitHub: a clear message, the issue intact, a retry.

Each case presses "File on GitHub" while the stand-in answers with the failure, checks the
message and that the issue and all its rows are exactly as before, then presses again with
the stand-in healthy and checks that exactly one GitHub issue exists in the end.
"""

import html
import json
import socket
import time

import pytest

from issues.models import Issue
from tests.common_support import EXAMPLES
from tests.github_support import assert_intact, full_issue, press, snapshot

pytestmark = pytest.mark.django_db

ERRORS = json.loads((EXAMPLES.parent / "github-errors.json").read_text())["examples"]


def wait_for_issues(github, count):
    for _ in range(100):
        if len(github.issues) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the stand-in never created {count} issue(s)")


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


RESET_AT = 4102444800  # 2100-01-01 00:00 UTC

# (case, how to make the stand-in fail, what the message must say)
CASES = [
    (
        "401 bad token",
        {"setting": ("GITHUB_TOKEN", "github_pat_revoked")},
        ["GitHub refused the token (401 Bad credentials)", "set it as GITHUB_TOKEN"],
    ),
    (
        "403 rate limit",
        {
            "fault": {
                "status": 403,
                "body": {"message": "API rate limit exceeded for user ID 1."},
                "headers": {
                    "x-ratelimit-limit": "5000",
                    "x-ratelimit-remaining": "0",
                    "x-ratelimit-reset": str(RESET_AT),
                },
            }
        },
        ["used up its GitHub rate limit", "resets at 00:00 UTC", "try again after that"],
    ),
    (
        "403 secondary rate limit",
        {
            "fault": {
                "status": 403,
                "body": {"message": "You have exceeded a secondary rate limit."},
                "headers": {"retry-after": "60"},
            }
        },
        ["secondary rate limit", "Wait 60 seconds and try again"],
    ),
    (
        "403 permission",
        {"fault": {"status": 403, "body": ERRORS["403_app_permission"]["body"]}},
        [
            "The token may not write issues in ml-team/models "
            "(403 Resource not accessible by integration)",
            "Issues read and write permission",
        ],
    ),
    (
        "404 repository",
        {"setting": ("GITHUB_REPOSITORY", "ml-team/no-such-repo")},
        ["GitHub did not find", "the repository ml-team/no-such-repo does not exist"],
    ),
    (
        "410 issues disabled",
        {"fault": {"status": 410, "body": ERRORS["410"]["body"]}},
        ["Issues are disabled on ml-team/models", "Issues are disabled for this repo"],
    ),
    (
        "422 invalid assignee",
        {"fault": {"status": 422, "body": ERRORS["422_invalid_assignee"]["body"]}},
        [
            "GitHub refused the issue (assignees 'e1-user-that-does-not-exist' is invalid)",
            "an assignee must be a user who can be assigned",
        ],
    ),
    (
        "5xx",
        {"fault": {"status": 502, "body": {"message": "Server Error"}}},
        ["GitHub had a server error (502 Server Error)", "It is not known whether GitHub acted"],
    ),
    (
        "connection refused",
        {"setting": ("GITHUB_API_URL", "closed port")},
        ["dskit could not connect to GitHub at http://127.0.0.1:", "nothing was sent"],
    ),
    (
        "dropped connection",
        {"fault": {"drop": True}},
        ["The connection to GitHub at", "broke before GitHub answered", "looks on GitHub"],
    ),
    (
        "timeout",
        {"fault": {"delay": 1.5, "drop": True}},
        ["GitHub did not answer within 0.5 seconds", "It is not known whether GitHub acted"],
    ),
]


@pytest.mark.parametrize("case, failure, fragments", CASES, ids=[c[0] for c in CASES])
def test_each_failure_is_explained_and_leaves_the_issue_intact(
    owner_client, github, settings, case, failure, fragments
):
    settings.GITHUB_TIMEOUT = 0.5
    issue = full_issue()
    before = snapshot(issue)
    if "fault" in failure:
        github.fail_next(**failure["fault"])
    saved = None
    if "setting" in failure:
        name, value = failure["setting"]
        saved = getattr(settings, name)
        setattr(
            settings, name, f"http://127.0.0.1:{closed_port()}" if value == "closed port" else value
        )

    [(level, message)] = press(owner_client, issue)

    assert level == "error"
    for fragment in fragments:
        assert fragment in message
    assert github.TOKEN not in message
    assert_intact(issue, before)

    assert settings.GITHUB_TOKEN not in message

    # Healthy again: the retry files exactly one issue.
    if saved is not None:
        setattr(settings, name, saved)
    messages = press(owner_client, issue)
    assert messages == [("success", "Filed on GitHub as #1.")]
    assert list(github.issues) == [1]
    assert Issue.objects.get(pk=issue.pk).github_number == 1
    assert github.problems == []


def test_the_error_message_shows_on_the_issue_page_as_an_alert(owner_client, github):
    issue = full_issue()
    github.fail_next(status=410, body=ERRORS["410"]["body"])
    response = owner_client.post(f"/issues/{issue.pk}/github/", {"action": "file"}, follow=True)
    page = html.unescape(response.content.decode())
    assert 'role="alert"' in page
    assert "Issues are disabled on ml-team/models" in page
    assert "File on GitHub" in page  # the button is still there: try again


UNKNOWN_OUTCOMES = [
    ("timeout", {"delay": 1.0}),
    ("dropped connection", {"drop": True, "act": True}),
    ("5xx", {"status": 502, "body": {"message": "Server Error"}, "act": True}),
]


@pytest.mark.parametrize("case, fault", UNKNOWN_OUTCOMES, ids=[c[0] for c in UNKNOWN_OUTCOMES])
def test_after_an_unknown_outcome_the_issue_github_made_is_linked_not_filed_again(
    owner_client, github, settings, case, fault
):
    settings.GITHUB_TIMEOUT = 0.5
    issue = full_issue()
    before = snapshot(issue)
    github.fail_next(**fault)

    [(level, message)] = press(owner_client, issue)
    assert level == "error"
    assert "It is not known whether GitHub acted on the request" in message
    wait_for_issues(github, 1)  # GitHub did create it, but dskit never heard
    assert_intact(issue, before)
    assert Issue.objects.get(pk=issue.pk).github_unknown_since is not None

    [(level, message)] = press(owner_client, issue)
    assert level == "success"
    assert message.startswith("An earlier attempt had created GitHub issue #1")
    assert len(github.writes("POST")) == 1
    assert [r.path for r in github.requests[-2:]] == ["/user", "/repos/ml-team/models/issues"]
    search = github.requests[-1].query
    assert search["creator"] == [github.LOGIN]
    fresh = Issue.objects.get(pk=issue.pk)
    assert (fresh.github_number, fresh.github_unknown_since) == (1, None)
    assert fresh.github_url == "https://github.com/ml-team/models/issues/1"
    assert github.problems == []


def test_after_an_unknown_outcome_where_nothing_was_created_it_files_once(owner_client, github):
    issue = full_issue()
    github.fail_next(drop=True)
    press(owner_client, issue)
    assert github.issues == {}

    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]
    assert [r.method for r in github.requests] == ["POST", "GET", "GET", "POST"]
    assert list(github.issues) == [1]


def test_an_issue_with_another_title_is_not_mistaken_for_ours(owner_client, github):
    issue = full_issue()
    github.fail_next(drop=True, act=True)
    press(owner_client, issue)
    github.issues[1]["title"] = "dskit: something else"

    assert press(owner_client, issue) == [("success", "Filed on GitHub as #2.")]


def test_a_failing_search_keeps_the_outcome_unknown(owner_client, github):
    issue = full_issue()
    github.fail_next(drop=True, act=True)
    press(owner_client, issue)
    github.fail_next(method="GET", status=503, body={"message": "Service Unavailable"})

    [(level, message)] = press(owner_client, issue)
    assert level == "error" and "503" in message
    assert len(github.writes("POST")) == 1
    assert Issue.objects.get(pk=issue.pk).github_unknown_since is not None

    assert press(owner_client, issue)[0][1].startswith("An earlier attempt had created")
    assert len(github.writes("POST")) == 1


def test_update_failure_leaves_the_issue_and_its_link_intact(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    before = snapshot(issue)
    github.fail_next(method="PATCH", status=403, body=ERRORS["403_app_permission"]["body"])

    [(level, message)] = press(owner_client, issue, "update")
    assert level == "error"
    assert "Resource not accessible by integration" in message
    assert snapshot(issue) == before
    assert Issue.objects.get(pk=issue.pk).github_number == 1
