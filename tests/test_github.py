"""Filing on GitHub against the stand-in server: the request, the link, updates, "once"."""

import datetime
import html
import io
import json
import logging

import httpx
import pytest
import respx
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from issues import github, markdown
from issues.models import Issue, IssueChange
from issues.serialization import create_issue, issue_to_dict
from tests.conftest import EXAMPLES
from tests.github_support import full_issue, press, snapshot

pytestmark = pytest.mark.django_db


def test_filing_sends_rule_12_payload_with_githubs_headers_and_links_the_issue(
    owner_client, owner, github
):
    issue = full_issue()

    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]

    [request] = github.requests
    assert (request.method, request.path) == ("POST", "/repos/ml-team/models/issues")
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert request.headers["Authorization"] == f"Bearer {github.TOKEN}"
    assert request.headers["User-Agent"] == "dskit"
    assert request.json == {
        "title": "dskit: Recall of fraud model v3 dropped after weekly retraining",
        "body": (EXAMPLES / "full.body.md").read_text(encoding="utf-8"),
        "labels": ["feature", "@dskit", "!p1"],
        "assignees": ["alice-ml", "bob"],
    }
    assert github.problems == []  # the payload validates against GitHub's schema

    issue.refresh_from_db()
    assert issue.github_number == 1
    assert issue.github_url == "https://github.com/ml-team/models/issues/1"
    assert timezone.now() - issue.github_filed_at < datetime.timedelta(minutes=1)
    assert issue.github_filing_started_at is None
    change = IssueChange.objects.get(issue=issue)
    assert (change.field, change.user) == ("github", owner)

    page = owner_client.get(f"/issues/{issue.pk}/").content.decode()
    assert (
        'href="https://github.com/ml-team/models/issues/1" rel="noopener">#1 on GitHub</a>' in page
    )
    assert "Update on GitHub" in page
    assert "File on GitHub" not in page


def test_pressing_file_again_files_nothing(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    [(level, message)] = press(owner_client, issue)
    assert level == "info"
    assert message.startswith("This issue is already filed on GitHub as #1; nothing was filed")
    assert len(github.requests) == 1


def test_update_after_a_local_edit_patches_title_body_labels_assignees(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    Issue.objects.filter(pk=issue.pk).update(
        name="Recall of fraud model v3 fixed", priority="p0", assignees=["carol"]
    )
    issue = Issue.objects.get(pk=issue.pk)

    assert press(owner_client, issue, "update") == [("success", "Updated GitHub issue #1.")]

    [_, patch] = github.requests
    assert (patch.method, patch.path) == ("PATCH", "/repos/ml-team/models/issues/1")
    assert patch.json == markdown.github_payload(issue_to_dict(issue))
    assert patch.json["title"] == "dskit: Recall of fraud model v3 fixed"
    assert patch.json["labels"] == ["feature", "@dskit", "!p0"]
    assert patch.json["assignees"] == ["carol"]
    assert github.issues[1]["title"] == "dskit: Recall of fraud model v3 fixed"
    assert len(github.writes("POST")) == 1
    assert github.problems == []


def test_dropped_labels_and_assignees_are_named(owner_client, github):
    issue = full_issue()
    github.fail_next(drop_labels=True, drop_assignees=True)
    [filed, (level, message)] = press(owner_client, issue)
    assert filed == ("success", "Filed on GitHub as #1.")
    assert level == "warning"
    assert "GitHub left out the labels feature, @dskit, !p1 and the assignees alice-ml, bob" in (
        message
    )
    assert "push access" in message
    assert Issue.objects.get(pk=issue.pk).github_number == 1


def test_only_the_dropped_assignee_is_named(owner_client, github):
    issue = full_issue()
    github.fail_next(drop_assignees=True)
    [_, (level, message)] = press(owner_client, issue)
    assert message.startswith("GitHub left out the assignees alice-ml, bob:")


def test_a_body_over_65536_characters_is_refused_before_sending(owner_client, github):
    data = json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))
    issue = create_issue({**data, "description": "x" * 65536})
    before = snapshot(issue)
    [(level, message)] = press(owner_client, issue)
    assert level == "error"
    length = len(markdown.render_body(issue_to_dict(issue)))
    assert f"body is {length:,} characters long; GitHub accepts at most 65,536." in message
    assert "Nothing was sent." in message
    assert github.requests == []
    assert snapshot(issue) == before
    assert Issue.objects.get(pk=issue.pk).github_filing_started_at is None


def test_an_update_with_a_body_too_long_is_refused_before_sending(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    Issue.objects.filter(pk=issue.pk).update(description="x" * 70000)
    [(level, message)] = press(owner_client, Issue.objects.get(pk=issue.pk), "update")
    assert level == "error" and "Nothing was sent." in message
    assert [r.method for r in github.requests] == ["POST"]


def test_a_body_of_exactly_65536_characters_is_sent(owner_client, github):
    data = json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))
    padding = 65536 - len(markdown.render_body({**data, "description": "é"})) + 1
    issue = create_issue({**data, "description": "é" * padding})
    assert len(markdown.render_body(issue_to_dict(issue))) == 65536
    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]


def test_a_filing_in_progress_elsewhere_is_not_repeated(owner_client, github):
    issue = full_issue()
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=timezone.now())
    [(level, message)] = press(owner_client, issue)
    assert level == "warning"
    assert "being filed on GitHub right now" in message
    assert github.requests == []


def test_a_claim_left_by_a_dead_request_is_taken_over_after_a_search(owner_client, github):
    issue = full_issue()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=long_ago)
    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]
    assert [r.path for r in github.requests] == [
        "/user",
        "/repos/ml-team/models/issues",
        "/repos/ml-team/models/issues",
    ]
    [since] = github.requests[1].query["since"]
    assert datetime.datetime.fromisoformat(since) <= long_ago  # an hour back at least


def test_drafts_cannot_be_filed(owner_client, github):
    data = json.loads((EXAMPLES / "minimal.json").read_text(encoding="utf-8"))
    draft = create_issue({**data, "status": "draft"})
    response = owner_client.post(f"/issues/{draft.pk}/github/", {"action": "file"})
    assert response.status_code == 404
    assert github.requests == []


def test_filing_is_post_only_and_needs_login(owner_client, github):
    issue = full_issue()
    assert owner_client.get(f"/issues/{issue.pk}/github/").status_code == 405
    response = Client().post(f"/issues/{issue.pk}/github/", {"action": "file"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert github.requests == []


@pytest.mark.parametrize("missing", ["GITHUB_TOKEN", "GITHUB_REPOSITORY"])
def test_without_settings_the_page_says_how_to_set_them(
    owner_client, staff, github, settings, missing
):
    setattr(settings, missing, "")
    issue = full_issue()
    page = html.unescape(owner_client.get(f"/issues/{issue.pk}/").content.decode())
    assert "Filing on GitHub is not set up on this server: an administrator can set it up." in page
    assert "GITHUB_TOKEN" not in page and "File on GitHub" not in page
    staff_client = Client()
    staff_client.force_login(staff)
    page = html.unescape(staff_client.get(f"/issues/{issue.pk}/").content.decode())
    assert "Filing on GitHub is not set up" in page
    assert "GITHUB_TOKEN" in page and "GITHUB_REPOSITORY" in page and "GITHUB_API_URL" in page
    assert "File on GitHub" not in page

    [(level, message)] = press(owner_client, issue)
    assert (level, message) == ("error", f"Filing on GitHub is not set up: set {missing} first.")
    assert github.requests == []


def test_a_repository_that_is_not_owner_slash_name_counts_as_missing(settings):
    settings.GITHUB_TOKEN = "t"
    settings.GITHUB_REPOSITORY = "https://github.com/ml-team/models"
    assert github.missing_settings() == ["GITHUB_REPOSITORY"]
    settings.GITHUB_REPOSITORY = "ml-team/models.py"
    assert github.missing_settings() == []


def test_an_api_url_that_is_not_http_is_a_connection_failure(settings):
    settings.GITHUB_API_URL = "ftp://github.example.com"
    settings.GITHUB_REPOSITORY, settings.GITHUB_TOKEN = "ml-team/models", "t"
    with pytest.raises(github.GitHubError) as error:
        github.create_issue({"title": "t", "body": "b", "labels": [], "assignees": []})
    assert not isinstance(error.value, github.OutcomeUnknown)
    assert "could not connect to GitHub at ftp://github.example.com" in error.value.message


def test_the_token_is_never_shown_logged_or_stored(owner_client, github, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    issue = full_issue()
    github.fail_next(status=401, body={"message": "Bad credentials"})
    messages = press(owner_client, issue)
    github.fail_next(drop=True)
    messages += press(owner_client, issue)
    messages += press(owner_client, issue)
    messages += press(owner_client, issue, "update")
    page = owner_client.get(f"/issues/{issue.pk}/").content.decode()

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for place in [repr(messages), page, caplog.text, *capsys.readouterr(), dump.getvalue()]:
        assert github.TOKEN not in place
    assert "HTTP Request: POST" in caplog.text  # the log was captured


# The client on its own (respx) ----------------------------------------------------------


@pytest.fixture
def configured(settings):
    settings.GITHUB_API_URL = "https://ghe.example.com/api/v3"
    settings.GITHUB_REPOSITORY = "ml-team/models"
    settings.GITHUB_TOKEN = "ghp_unit"


@respx.mock
def test_enterprise_server_url_is_the_base(configured):
    route = respx.post("https://ghe.example.com/api/v3/repos/ml-team/models/issues").respond(
        201, json={"number": 7, "html_url": "https://ghe.example.com/ml-team/models/issues/7"}
    )
    assert (
        github.create_issue({"title": "t", "body": "b", "labels": [], "assignees": []})["number"]
        == 7
    )
    assert route.calls.last.request.headers["authorization"] == "Bearer ghp_unit"


@respx.mock
@pytest.mark.parametrize(
    "status, headers, body, fragment",
    [
        (429, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}, {}, "00:00 UTC"),
        (429, {"retry-after": "120"}, {}, "Wait 2 minutes"),
        (403, {}, {"message": "You have exceeded a secondary rate limit."}, "Wait a minute"),
        (
            422,
            {},
            json.loads((EXAMPLES.parent / "github-errors.json").read_text())["examples"][
                "422_body_too_long"
            ]["body"],
            "(body is too long (maximum is 65536 characters))",
        ),
        (418, {}, "not json", "unexpected status 418 (no message)"),
    ],
)
def test_more_answers_get_a_clear_message(configured, status, headers, body, fragment):
    respx.post("https://ghe.example.com/api/v3/repos/ml-team/models/issues").mock(
        return_value=httpx.Response(
            status, headers=headers, **({"text": body} if isinstance(body, str) else {"json": body})
        )
    )
    with pytest.raises(github.GitHubError) as error:
        github.create_issue({"title": "t", "body": "b", "labels": [], "assignees": []})
    assert fragment in error.value.message


@respx.mock
def test_a_success_that_is_not_an_issue_leaves_the_outcome_unknown(configured):
    respx.post("https://ghe.example.com/api/v3/repos/ml-team/models/issues").respond(
        201, text="<html>proxy</html>"
    )
    with pytest.raises(github.OutcomeUnknown):
        github.create_issue({"title": "t", "body": "b", "labels": [], "assignees": []})


@respx.mock
def test_search_ignores_pull_requests_and_other_titles(configured):
    respx.get("https://ghe.example.com/api/v3/user").respond(200, json={"login": "bot"})
    respx.get("https://ghe.example.com/api/v3/repos/ml-team/models/issues").respond(
        200,
        json=[
            {"number": 1, "title": "dskit: x", "pull_request": {}, "html_url": "https://g/1"},
            {"number": 2, "title": "dskit: y", "html_url": "https://g/2"},
            {"number": 3, "title": "dskit: x", "html_url": "https://g/3"},
        ],
    )
    found = github.find_issue("dskit: x", timezone.now())
    assert found["number"] == 3
