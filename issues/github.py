"""The one module that talks to GitHub: create an issue, update it, find one filed before.

Every request goes through httpx here. Each failure becomes a ``GitHubError`` whose message
says what happened and what to do. The token only ever travels in the Authorization header:
it is never part of a message, a log line or anything stored.
"""

import datetime
import re

import httpx
from django.conf import settings
from django.utils import timezone

API_VERSION = "2022-11-28"
USER_AGENT = "dskit"
# GitHub refuses longer bodies with a 422; dskit refuses them before sending anything.
MAX_BODY_CHARACTERS = 65536
REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
SETTING_NAMES = ("GITHUB_TOKEN", "GITHUB_REPOSITORY")


class GitHubError(Exception):
    """A failure, with a message for the user: what happened and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class OutcomeUnknown(GitHubError):
    """GitHub may have acted on the request anyway: a timeout, a broken connection, a 5xx."""

    def __init__(self, what):
        super().__init__(
            f"{what} It is not known whether GitHub acted on the request. Try again: before "
            "filing, dskit looks on GitHub for an issue it may already have created and links "
            "it instead of filing a second one."
        )


def missing_settings():
    """The settings that must be set (or fixed) before anything can be filed."""
    missing = [name for name in SETTING_NAMES if not getattr(settings, name)]
    if settings.GITHUB_REPOSITORY and not REPOSITORY_PATTERN.fullmatch(settings.GITHUB_REPOSITORY):
        missing.append("GITHUB_REPOSITORY")
    return missing


def check_payload(payload):
    """Refuse, before sending, what GitHub would refuse for its size."""
    length = len(payload["body"])
    if length > MAX_BODY_CHARACTERS:
        raise GitHubError(
            f"The issue's Markdown body is {length:,} characters long; GitHub accepts at most "
            f"{MAX_BODY_CHARACTERS:,}. Nothing was sent. Shorten the longest sections "
            "(description, updates) and try again."
        )


def create_issue(payload):
    """``POST /repos/{owner}/{repo}/issues``; GitHub's answer (the new issue) as a dict."""
    check_payload(payload)
    return _issue(_request("POST", f"/repos/{settings.GITHUB_REPOSITORY}/issues", json=payload))


def update_issue(number, payload):
    """``PATCH /repos/{owner}/{repo}/issues/{number}`` with title, body, labels, assignees."""
    check_payload(payload)
    url = f"/repos/{settings.GITHUB_REPOSITORY}/issues/{number}"
    return _issue(_request("PATCH", url, json=payload))


def find_issue(title, since):
    """The issue titled ``title`` that the token's user created since ``since``, or None.

    After an unknown outcome GitHub may hold the issue already; this finds it so that it can
    be linked instead of filed twice. GitHub's ``since`` is about the last update, which is
    never before the creation, so nothing created since then is missed.
    """
    login = _json(_request("GET", "/user")).get("login")
    if not login:
        raise GitHubError(
            "GitHub did not say which user the token belongs to (GET /user has no login), so "
            "dskit cannot look for an issue it may already have created. Use a personal "
            "access token as GITHUB_TOKEN and try again."
        )
    params = {
        "creator": login,
        "since": since.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": "all",
        "sort": "created",
        "direction": "desc",
        "per_page": 100,
    }
    found = _request("GET", f"/repos/{settings.GITHUB_REPOSITORY}/issues", params=params)
    for issue in _list(found):
        # The endpoint lists pull requests too.
        if issue.get("title") == title and "pull_request" not in issue:
            return issue
    return None


def dropped(payload, answer):
    """The labels and assignees that GitHub silently left out (without push access)."""
    kept_labels = {label["name"].lower() for label in answer.get("labels", [])}
    kept_assignees = {user["login"].lower() for user in answer.get("assignees") or []}
    return {
        "labels": [name for name in payload["labels"] if name.lower() not in kept_labels],
        "assignees": [
            login for login in payload["assignees"] if login.lower() not in kept_assignees
        ],
    }


def _client():
    return httpx.Client(
        base_url=settings.GITHUB_API_URL,
        headers={
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "Authorization": f"Bearer {settings.GITHUB_TOKEN}",
            "User-Agent": USER_AGENT,
        },
        timeout=settings.GITHUB_TIMEOUT,
        # A renamed repository answers with a redirect; httpx drops the token on another host.
        follow_redirects=True,
    )


def _request(method, url, **kwargs):
    where = settings.GITHUB_API_URL
    try:
        with _client() as client:
            response = client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol):
        raise GitHubError(
            f"dskit could not connect to GitHub at {where}; nothing was sent. Check "
            "GITHUB_API_URL and this server's network connection, then try again."
        ) from None
    except httpx.TimeoutException:
        raise OutcomeUnknown(
            f"GitHub did not answer within {settings.GITHUB_TIMEOUT} seconds."
        ) from None
    except httpx.TransportError:
        raise OutcomeUnknown(
            f"The connection to GitHub at {where} broke before GitHub answered."
        ) from None
    if response.is_success:
        return response
    raise _error(response)


def _error(response):
    """The GitHubError for an answer that is not a success."""
    status = response.status_code
    detail = _detail(response)
    repo = settings.GITHUB_REPOSITORY
    headers = response.headers
    if status == 401:
        return GitHubError(
            f"GitHub refused the token (401 {detail or 'Bad credentials'}): it is wrong, expired "
            "or revoked. Create a new token with Issues read and write access to "
            f"{repo}, set it as GITHUB_TOKEN and restart dskit."
        )
    if status in (403, 429) and headers.get("retry-after", "").isdigit():
        seconds = int(headers["retry-after"])
        return GitHubError(
            f"GitHub's secondary rate limit stopped the request (too many requests in a short "
            f"time). Nothing was changed. Wait {_duration(seconds)} and try again."
        )
    if status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
        reset = _reset_time(headers.get("x-ratelimit-reset"))
        when = (
            f"at {reset:%H:%M} UTC ({_duration(_seconds_until(reset))} from now)"
            if reset
            else "within the hour"
        )
        return GitHubError(
            f"The token has used up its GitHub rate limit. Nothing was changed. The limit "
            f"resets {when}; try again after that."
        )
    if status in (403, 429) and "secondary rate limit" in detail.lower():
        return GitHubError(
            "GitHub's secondary rate limit stopped the request (too many requests in a short "
            "time). Nothing was changed. Wait a minute and try again."
        )
    if status == 403:
        return GitHubError(
            f"The token may not write issues in {repo} (403 {detail or 'Forbidden'}). Give it "
            "Issues read and write permission on that repository (fine-grained token) or the "
            "repo scope (classic token), then try again."
        )
    if status == 404:
        return GitHubError(
            f"GitHub did not find {response.request.url.path} (404): the repository {repo} "
            "does not exist, the token cannot see it, or the GitHub issue was deleted. Check "
            "GITHUB_REPOSITORY and that the token has access to this repository."
        )
    if status == 410:
        return GitHubError(
            f"Issues are disabled on {repo}, or the GitHub issue was deleted (410 "
            f"{detail or 'Gone'}). Turn issues on in the repository's settings (General, "
            "Features, Issues) or set GITHUB_REPOSITORY to another repository."
        )
    if status == 422:
        return GitHubError(
            f"GitHub refused the issue ({_validation_errors(response) or detail}). Fix what it "
            f"names (for example, an assignee must be a user who can be assigned in {repo}) "
            "and try again."
        )
    if status >= 500:
        return OutcomeUnknown(
            f"GitHub had a server error ({status} {detail or 'Server Error'}); wait a few minutes."
        )
    return GitHubError(
        f"GitHub answered with an unexpected status {status} ({detail or 'no message'}). "
        "Nothing was changed here; try again, and check GITHUB_API_URL if it persists."
    )


def _issue(response):
    """The issue in a successful answer; anything else leaves the outcome unknown."""
    issue = _json(response)
    if isinstance(issue.get("number"), int) and str(issue.get("html_url", "")).startswith(
        ("https://", "http://")
    ):
        return issue
    raise OutcomeUnknown(f"GitHub answered {response.status_code} but not with an issue.")


def _list(response):
    try:
        data = response.json()
    except ValueError:
        data = None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _json(response):
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _detail(response):
    message = _json(response).get("message")
    return str(message).strip()[:300] if message else ""


def _validation_errors(response):
    """GitHub's list of validation errors, e.g. ``assignees 'bob' is invalid``."""
    parts = []
    for error in _json(response).get("errors") or []:
        if isinstance(error, str):
            parts.append(error)
        elif error.get("message"):
            parts.append(str(error["message"]))
        else:
            value = error.get("value")
            value = ", ".join(map(str, value)) if isinstance(value, list) else value
            shown = f" {value!r}" if value not in (None, "") else ""
            parts.append(f"{error.get('field', '?')}{shown} is {error.get('code', 'invalid')}")
    return "; ".join(parts)[:600]


def _reset_time(value):
    if not value or not value.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(value), datetime.UTC)


def _seconds_until(moment):
    return max(0, int((moment - timezone.now()).total_seconds()))


def _duration(seconds):
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"
