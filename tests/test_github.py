"""Filing on GitHub against the stand-in server: the request, the link, updates, "once"."""

import datetime
import html
import io
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from issues import filing, markdown
from issues import github as github_module
from issues.models import Issue, IssueChange
from issues.serialization import create_issue, issue_to_dict
from tests.common_support import EXAMPLES
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
    assert f"over GitHub's limit of 65,536 characters (its body would be {length:,})" in message
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


NOW = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(monkeypatch):
    """filing.py's clock stopped at NOW, so that its bounds can be asserted exactly."""
    monkeypatch.setattr(filing.timezone, "now", lambda: NOW)
    return NOW


def test_a_claim_exactly_claim_expires_old_is_still_in_progress(owner_client, github, frozen):
    issue = full_issue()
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=NOW - filing.CLAIM_EXPIRES)
    [(level, message)] = press(owner_client, issue)
    assert level == "warning" and "being filed on GitHub right now" in message
    assert github.requests == []


def test_a_claim_one_microsecond_older_is_taken_over_after_a_search(owner_client, github, frozen):
    issue = full_issue()
    started = NOW - filing.CLAIM_EXPIRES - datetime.timedelta(microseconds=1)
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=started)
    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]
    assert [r.path for r in github.requests] == [
        "/user",
        "/repos/ml-team/models/issues",
        "/repos/ml-team/models/issues",
    ]
    # The look-back window: exactly LOOK_BACK before now (the claim is more recent).
    assert github.requests[1].query["since"] == [
        (NOW - filing.LOOK_BACK).strftime("%Y-%m-%dT%H:%M:%SZ")
    ]
    assert datetime.timedelta(minutes=5) == filing.CLAIM_EXPIRES
    assert datetime.timedelta(hours=1) == filing.LOOK_BACK


def test_the_look_back_starts_at_an_older_unknown_outcome(owner_client, github, frozen):
    issue = full_issue()
    unknown = NOW - filing.LOOK_BACK - datetime.timedelta(seconds=1)
    Issue.objects.filter(pk=issue.pk).update(github_unknown_since=unknown)
    press(owner_client, issue)
    assert github.requests[1].query["since"] == ["2026-11-20T08:29:59Z"]


def test_update_on_github_while_another_update_is_in_flight_sends_nothing(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=timezone.now())
    [(level, message)] = press(owner_client, Issue.objects.get(pk=issue.pk), "update")
    assert level == "warning" and "being sent to GitHub right now" in message
    assert github.writes("PATCH") == []
    # Once the claim is free again, it is sent, and the claim released afterwards.
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=None)
    press(owner_client, Issue.objects.get(pk=issue.pk), "update")
    assert len(github.writes("PATCH")) == 1
    assert Issue.objects.get(pk=issue.pk).github_filing_started_at is None


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
    assert github_module.missing_settings() == ["GITHUB_REPOSITORY"]
    settings.GITHUB_REPOSITORY = "ml-team/models.py"
    assert github_module.missing_settings() == []


def test_an_api_url_that_is_not_http_is_a_connection_failure(settings):
    settings.GITHUB_API_URL = "ftp://github.example.com"
    settings.GITHUB_REPOSITORY, settings.GITHUB_TOKEN = "ml-team/models", "t"
    with pytest.raises(github_module.GitHubError) as error:
        github_module.create_issue({"title": "t", "body": "b", "labels": [], "assignees": []})
    assert not isinstance(error.value, github_module.OutcomeUnknown)
    assert error.value.message == (
        "dskit could not connect to GitHub at ftp://github.example.com; nothing was sent. Check "
        "GITHUB_API_URL and this server's network connection, then try again."
    )


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


# The client on its own, against the stand-in's variations -----------------------------


@pytest.fixture
def enterprise(settings):
    """The stand-in serving the API under /api/v3, as GitHub Enterprise Server does."""
    from tests.github_server import FakeGitHub

    with FakeGitHub(prefix="/api/v3") as server:
        settings.GITHUB_API_URL = server.url
        settings.GITHUB_REPOSITORY = server.REPOSITORY
        settings.GITHUB_TOKEN = server.TOKEN
        settings.GITHUB_TIMEOUT = 2
        yield server


PAYLOAD = {"title": "dskit: t", "body": "b", "labels": ["feature"], "assignees": []}


def test_enterprise_server_url_is_the_base(enterprise):
    assert github_module.create_issue(PAYLOAD)["number"] == 1
    [request] = enterprise.requests
    assert request.path == "/api/v3/repos/ml-team/models/issues"
    assert request.headers["Authorization"] == f"Bearer {enterprise.TOKEN}"
    assert enterprise.problems == []


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
def test_more_answers_get_a_clear_message(github, status, headers, body, fragment):
    text = body if isinstance(body, str) else None
    github.fail_next(status=status, headers=headers, body=None if text else body, text=text)
    with pytest.raises(github_module.GitHubError) as error:
        github_module.create_issue(PAYLOAD)
    assert fragment in error.value.message
    assert github.issues == {}


def test_a_success_that_is_not_an_issue_leaves_the_outcome_unknown(github):
    github.fail_next(status=201, text="<html>proxy</html>")
    with pytest.raises(github_module.OutcomeUnknown):
        github_module.create_issue(PAYLOAD)


def test_search_ignores_pull_requests_other_titles_and_other_creators(github):
    github.add_issue("dskit: x", "b", user=github.LOGIN, pull_request=True)
    github.add_issue("dskit: y", "b", user=github.LOGIN)
    github.add_issue("dskit: x", "b", user="someone-else")
    github.add_issue("dskit: x", "b", user=github.LOGIN, state="closed")
    found = github_module.find_issue("dskit: x", timezone.now() - datetime.timedelta(hours=1))
    assert found["number"] == 4
    assert github.problems == []


def test_a_201_without_html_url_still_links_the_issue(owner_client, github):
    issue = full_issue()
    github.fail_next(omit=("html_url",))
    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]
    issue.refresh_from_db()
    assert issue.github_url == f"{github.url}/ml-team/models/issues/1"
    assert len(github.writes()) == 1


def test_an_answer_without_labels_or_assignees_names_nothing_as_dropped(owner_client, github):
    issue = full_issue()
    github.fail_next(omit=("labels", "assignees", "assignee"))
    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]


def test_labels_in_the_repositorys_own_case_are_not_dropped(owner_client, settings):
    from tests.github_server import FakeGitHub

    with FakeGitHub(repository_labels=["Feature", "@DSKit", "!P1"]) as server:
        settings.GITHUB_API_URL, settings.GITHUB_TOKEN = server.url, server.TOKEN
        settings.GITHUB_REPOSITORY = server.REPOSITORY
        issue = full_issue()
        assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]
        assert [label["name"] for label in server.issues[1]["labels"]] == [
            "Feature",
            "@DSKit",
            "!P1",
        ]


def test_one_client_per_process_reuses_its_connection(github, settings):
    first = github_module._client()
    github_module.create_issue(PAYLOAD)
    github_module.create_issue(PAYLOAD)
    assert github_module._client() is first
    assert first.timeout.read == settings.GITHUB_TIMEOUT == 2
    assert len(github.connections) == 1
