"""The GitHub client's reading of GitHub's answers, exactly: each status and header to its
message, each bound (90 seconds, 300 and 600 characters) on both sides. No HTTP: the answers
are httpx responses built here, as the client receives them."""

import datetime

import httpx
import pytest
from django.utils import timezone

from issues import github

REPOSITORY = "ml-team/models"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.GITHUB_API_URL = "https://ghe.example.com/api/v3"
    settings.GITHUB_REPOSITORY = REPOSITORY
    settings.GITHUB_TOKEN = "ghp_unit"
    settings.GITHUB_TIMEOUT = 7


def answer(status, body=None, headers=None, path=f"/repos/{REPOSITORY}/issues", text=None):
    request = httpx.Request("POST", f"https://ghe.example.com/api/v3{path}")
    content = {"text": text} if text is not None else {"json": body if body is not None else {}}
    return httpx.Response(status, headers=headers or {}, request=request, **content)


def message(status, body=None, headers=None, **kwargs):
    return github._error(answer(status, body, headers, **kwargs)).message


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (89, "89 seconds"),
        (90, "2 minutes"),
        (149, "2 minutes"),
        (151, "3 minutes"),
    ],
)
def test_durations_in_words(seconds, words):
    assert github._duration(seconds) == words


def test_401_names_the_token_and_what_to_do():
    assert message(401, {"message": "Bad credentials"}) == (
        "GitHub refused the token (401 Bad credentials): it is wrong, expired or revoked. Create "
        f"a new token with Issues read and write access to {REPOSITORY}, set it as GITHUB_TOKEN "
        "and restart dskit."
    )
    assert "(401 Bad credentials)" in message(401, text="")


@pytest.mark.parametrize("status", [403, 429])
def test_retry_after_is_the_secondary_rate_limit_with_its_wait(status):
    assert message(status, headers={"retry-after": "89"}) == (
        "GitHub's secondary rate limit stopped the request (too many requests in a short time). "
        "Nothing was changed. Wait 89 seconds and try again."
    )
    assert "Wait 2 minutes and" in message(status, headers={"retry-after": "90"})


def test_a_retry_after_that_is_not_seconds_is_not_read_as_a_wait():
    text = message(403, {"message": "Forbidden"}, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"})
    assert text.startswith(f"The token may not write issues in {REPOSITORY} (403 Forbidden).")


@pytest.mark.parametrize("status", [403, 429])
def test_a_used_up_rate_limit_says_when_it_resets(status):
    reset = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=30)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(reset.timestamp()))}
    text = message(status, {"message": "API rate limit exceeded"}, headers)
    assert text.startswith(
        "The token has used up its GitHub rate limit. Nothing was changed. The limit resets at "
        f"{reset.astimezone(datetime.UTC):%H:%M} UTC ("
    )
    assert text.endswith(" minutes from now); try again after that.")
    assert "(30 minutes from now)" in text or "(29 minutes from now)" in text
    headers["x-ratelimit-reset"] = "soon"
    assert "The limit resets within the hour; try again after that." in message(status, {}, headers)
    headers["x-ratelimit-remaining"] = "1"
    assert "rate limit" not in message(403, {"message": "Nope"}, headers)


def test_a_reset_in_the_past_is_zero_seconds_away():
    past = timezone.now() - datetime.timedelta(minutes=5)
    assert github._seconds_until(past) == 0
    future = timezone.now() + datetime.timedelta(seconds=100)
    assert github._seconds_until(future) in (99, 100)
    assert github._reset_time("4102444800") == datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    assert github._reset_time("") is None
    assert github._reset_time(None) is None


@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_rate_limit_in_the_message_only(status):
    assert message(status, {"message": "You have exceeded a SECONDARY RATE LIMIT."}) == (
        "GitHub's secondary rate limit stopped the request (too many requests in a short time). "
        "Nothing was changed. Wait a minute and try again."
    )


def test_other_403_and_429():
    assert message(403, {"message": "Resource not accessible"}) == (
        f"The token may not write issues in {REPOSITORY} (403 Resource not accessible). Give it "
        "Issues read and write permission on that repository (fine-grained token) or the repo "
        "scope (classic token), then try again."
    )
    assert "(403 Forbidden)" in message(403, {})
    assert message(429, {}).startswith("GitHub answered with an unexpected status 429")


def test_404_names_the_path():
    assert message(404, {"message": "Not Found"}, path="/repos/a/b/issues/9") == (
        f"GitHub did not find /api/v3/repos/a/b/issues/9 (404): the repository {REPOSITORY} does "
        "not exist, the token cannot see it, or the GitHub issue was deleted. Check "
        "GITHUB_REPOSITORY and that the token has access to this repository."
    )


def test_410():
    assert message(410, {"message": "Issues are disabled for this repo"}) == (
        f"Issues are disabled on {REPOSITORY}, or the GitHub issue was deleted (410 Issues are "
        "disabled for this repo). Turn issues on in the repository's settings (General, "
        "Features, Issues) or set GITHUB_REPOSITORY to another repository."
    )
    assert "(410 Gone)" in message(410, {})


def test_422_lists_githubs_errors_in_each_of_their_shapes():
    body = {
        "message": "Validation Failed",
        "errors": [
            "a plain string",
            {"message": "body is too long"},
            {"field": "assignees", "value": ["bob", "eve"], "code": "invalid"},
            {"field": "labels", "value": "x", "code": "missing_field"},
            {"resource": "Issue", "code": "custom"},
            {"field": "title", "value": "", "code": "invalid"},
            {"field": "milestone", "value": None},
        ],
    }
    assert message(422, body) == (
        "GitHub refused the issue (a plain string; body is too long; assignees 'bob, eve' is "
        "invalid; labels 'x' is missing_field; ? is custom; title is invalid; milestone is "
        "invalid). Fix what it names (for example, an assignee must be a user who can be "
        f"assigned in {REPOSITORY}) and try again."
    )
    assert "(Validation Failed)" in message(422, {"message": "Validation Failed", "errors": []})


def test_validation_errors_stop_at_600_characters():
    body = {"errors": ["e" * 700]}
    assert github._validation_errors(answer(422, body)) == "e" * 600
    body = {"errors": ["e" * 600]}
    assert github._validation_errors(answer(422, body)) == "e" * 600


def test_githubs_message_is_stripped_and_stops_at_300_characters():
    assert github._detail(answer(500, {"message": "  Oops \n"})) == "Oops"
    assert github._detail(answer(500, {"message": "m" * 301})) == "m" * 300
    assert github._detail(answer(500, {"message": "m" * 300})) == "m" * 300
    assert github._detail(answer(500, {"message": ""})) == ""
    assert github._detail(answer(500, text="<html>")) == ""
    assert github._detail(answer(500, ["a list"])) == ""


@pytest.mark.parametrize("status", [500, 502, 599])
def test_5xx_leaves_the_outcome_unknown(status):
    error = github._error(answer(status, {"message": "Boom"}))
    assert isinstance(error, github.OutcomeUnknown)
    assert error.message.startswith(
        f"GitHub had a server error ({status} Boom); wait a few minutes. It is not known"
    )
    assert f"({status} Server Error)" in github._error(answer(status, {})).message


@pytest.mark.parametrize("status", [400, 418, 499])
def test_any_other_status_is_unexpected(status):
    error = github._error(answer(status, {"message": "Huh"}))
    assert not isinstance(error, github.OutcomeUnknown)
    assert error.message == (
        f"GitHub answered with an unexpected status {status} (Huh). Nothing was changed here; "
        "try again, and check GITHUB_API_URL if it persists."
    )


@pytest.mark.parametrize(
    ("body", "is_issue"),
    [
        ({"number": 3, "html_url": "https://github.com/o/r/issues/3"}, True),
        ({"number": 3, "html_url": "http://ghe.local/o/r/issues/3"}, True),
        ({"number": "3", "html_url": "https://github.com/o/r/issues/3"}, False),
        ({"html_url": "https://github.com/o/r/issues/3"}, False),
        ([{"number": 3}], False),
    ],
)
def test_an_answer_is_an_issue_only_with_a_number(body, is_issue):
    response = answer(201, body)
    if is_issue:
        assert github._issue(response) == body
    else:
        with pytest.raises(
            github.OutcomeUnknown, match="GitHub answered 201 but not with an issue"
        ):
            github._issue(response)


@pytest.mark.parametrize(
    "body", [{"number": 3, "html_url": "ftp://github.com/o/r/issues/3"}, {"number": 3}]
)
def test_an_issue_without_a_web_link_gets_one_built_from_its_number(body, settings):
    """Issue 18 point 3: a 201 without a usable html_url is still the issue GitHub made."""
    settings.GITHUB_API_URL = "https://api.github.com"
    settings.GITHUB_REPOSITORY = "o/r"
    assert github._issue(answer(201, body)) == {
        "number": 3,
        "html_url": "https://github.com/o/r/issues/3",
    }
    settings.GITHUB_API_URL = "https://ghe.local/api/v3"
    assert github._issue(answer(201, body))["html_url"] == "https://ghe.local/o/r/issues/3"


def test_a_list_answer_keeps_only_its_objects():
    assert github._list(answer(200, [{"a": 1}, "x", 2, {"b": 2}])) == [{"a": 1}, {"b": 2}]
    assert github._list(answer(200, {"a": 1})) == []
    assert github._list(answer(200, text="nope")) == []
    assert github._json(answer(200, text="nope")) == {}
    assert github._json(answer(200, [1])) == {}


def test_dropped_compares_names_and_logins_without_case():
    payload = {"labels": ["feature", "@dskit", "!p1"], "assignees": ["Alice", "bob"]}
    kept = {"labels": [{"name": "FEATURE"}, {"name": "!P1"}], "assignees": [{"login": "alice"}]}
    assert github.dropped(payload, kept) == {"labels": ["@dskit"], "assignees": ["bob"]}
    # A field missing from the answer says nothing; an empty or null one drops them all.
    assert github.dropped(payload, {"assignees": None}) == {
        "labels": [],
        "assignees": ["Alice", "bob"],
    }
    assert github.dropped(payload, {"labels": []}) == {
        "labels": ["feature", "@dskit", "!p1"],
        "assignees": [],
    }


@pytest.mark.parametrize(
    ("token", "repository", "missing"),
    [
        ("t", "owner/name", []),
        ("t", "my-org/models.v2_x", []),
        ("", "owner/name", ["GITHUB_TOKEN"]),
        ("t", "", ["GITHUB_REPOSITORY"]),
        ("", "", ["GITHUB_TOKEN", "GITHUB_REPOSITORY"]),
        ("t", "owner", ["GITHUB_REPOSITORY"]),
        ("t", "owner/name/extra", ["GITHUB_REPOSITORY"]),
        ("t", "owner/name\n", ["GITHUB_REPOSITORY"]),
    ],
)
def test_missing_settings(settings, token, repository, missing):
    settings.GITHUB_TOKEN, settings.GITHUB_REPOSITORY = token, repository
    assert github.missing_settings() == missing


def test_the_client_carries_githubs_headers_and_the_timeout():
    with github._client() as client:
        assert str(client.base_url) == "https://ghe.example.com/api/v3/"
        assert client.headers["Accept"] == "application/vnd.github+json"
        assert client.headers["X-GitHub-Api-Version"] == "2022-11-28"
        assert client.headers["Authorization"] == "Bearer ghp_unit"
        assert client.headers["User-Agent"] == "dskit"
        assert client.timeout.read == 7
        assert client.follow_redirects is True


def test_the_body_limit_message():
    payload = {"body": "b" * 70_000}
    with pytest.raises(github.GitHubError) as error:
        github.check_payload(payload)
    assert error.value.message == (
        "The issue's Markdown body is 4,464 characters over GitHub's limit of 65,536 characters "
        "(its body would be 70,000). Nothing was sent. Shorten the longest sections "
        "(description, updates) and try again."
    )


def test_an_unknown_outcome_says_what_to_do():
    assert github.OutcomeUnknown("GitHub did not answer.").message == (
        "GitHub did not answer. It is not known whether GitHub acted on the request. Try again: "
        "before filing, dskit looks on GitHub for an issue it may already have created and links "
        "it instead of filing a second one."
    )
