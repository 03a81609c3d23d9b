"""The one module that talks to GitHub: create an issue, update it, find one filed before,
list the repository's issues, and check a webhook's signature.

Every request goes through one httpx client per process (its connections are reused). Each
failure becomes a ``GitHubError`` whose message says what happened and what to do. The token only ever travels in the Authorization header:
it is never part of a message, a log line or anything stored.
"""

import datetime
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from issues.limits import GITHUB_BODY_LIMIT, over_github_limit
from issues.serialization import SCHEMA, is_web_url

API_VERSION = "2022-11-28"
USER_AGENT = "dskit"
# The largest issue number the database column (and the JSON form) holds.
GITHUB_NUMBER_MAX = SCHEMA["properties"]["github"]["properties"]["number"]["maximum"]
REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
SETTING_NAMES = ("GITHUB_TOKEN", "GITHUB_REPOSITORY")
# A JSON object as GitHub sends it, or as dskit sends it (``markdown.github_payload``).
JSONObject = dict[str, Any]
# A secondary rate limit asking to wait at most this long is waited out by import_github.
MAX_RETRY_AFTER = 60


class GitHubError(Exception):
    """A failure, with a message for the user: what happened and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(GitHubError):
    """A rate limit stopped the request; ``retry_after`` seconds when GitHub said."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknown(GitHubError):
    """GitHub may have acted on the request anyway: a timeout, a broken connection, a 5xx."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} It is not known whether GitHub acted on the request. Try again: before "
            "filing, dskit looks on GitHub for an issue it may already have created and links "
            "it instead of filing a second one."
        )


def missing_settings() -> list[str]:
    """The settings that must be set (or fixed) before anything can be filed."""
    missing = [name for name in SETTING_NAMES if not getattr(settings, name)]
    if settings.GITHUB_REPOSITORY and not REPOSITORY_PATTERN.fullmatch(settings.GITHUB_REPOSITORY):
        missing.append("GITHUB_REPOSITORY")
    return missing


def repository() -> str:
    """GITHUB_REPOSITORY as ``Issue.github_repository`` holds it: in lower case."""
    return str(settings.GITHUB_REPOSITORY).lower()


def check_payload(payload: Mapping[str, Any]) -> None:
    """Refuse, before sending, what GitHub would refuse for its size."""
    length = len(payload["body"])
    if length > GITHUB_BODY_LIMIT:
        raise GitHubError(
            f"The issue's Markdown body is {over_github_limit(length)}. Nothing was sent. "
            "Shorten the longest sections (description, updates) and try again."
        )


def create_issue(payload: Mapping[str, Any]) -> JSONObject:
    """``POST /repos/{owner}/{repo}/issues``; GitHub's answer (the new issue) as a dict."""
    check_payload(payload)
    return _issue(_request("POST", f"/repos/{settings.GITHUB_REPOSITORY}/issues", json=payload))


def update_issue(number: int, payload: Mapping[str, Any]) -> JSONObject:
    """``PATCH /repos/{owner}/{repo}/issues/{number}`` with title, body, labels, assignees."""
    check_payload(payload)
    url = f"/repos/{settings.GITHUB_REPOSITORY}/issues/{number}"
    return _issue(_request("PATCH", url, json=payload))


def find_issue(
    title: str, since: datetime.datetime, passed_over: Collection[int] = ()
) -> JSONObject | None:
    """The issue titled ``title`` that the token's user created since ``since``, or None.

    After an unknown outcome GitHub may hold the issue already; this finds it so that it can
    be linked instead of filed twice. GitHub's ``since`` is about the last update, which is
    never before the creation, so nothing created since then is missed. The numbers
    ``passed_over`` (linked to other dskit issues of the same title) are never the one.
    """
    login = _json(_request("GET", "/user")).get("login")
    if not login:
        raise GitHubError(
            "GitHub did not say which user the token belongs to (GET /user has no login), so "
            "dskit cannot look for an issue it may already have created. Use a personal "
            "access token as GITHUB_TOKEN and try again."
        )
    params: dict[str, str | int] = {
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
        if (
            issue.get("title") == title
            and "pull_request" not in issue
            and issue.get("number") not in passed_over
        ):
            return issue
    return None


@dataclass
class Page:
    """One page of the repository's issues: None for ``issues`` when it did not change."""

    etag: str
    issues: list[JSONObject] | None
    next_url: str
    # When the rate limit is used up after this page: the time it resets.
    exhausted_until: datetime.datetime | None = None


def list_issues(
    url: str | None = None, *, etag: str = "", state: str = "open", label: str | None = None
) -> Page:
    """One page of ``GET /repos/{owner}/{repo}/issues`` (pull requests left out).

    ``url`` is the next page's link from the previous one; ``etag`` makes the request
    conditional, and an unchanged page (304) costs nothing of the rate limit. A secondary
    rate limit of up to MAX_RETRY_AFTER seconds is waited out once.
    """
    params: dict[str, str | int] | None = None
    if url is None:
        url = f"/repos/{settings.GITHUB_REPOSITORY}/issues"
        params = {"state": state, "per_page": 100, "sort": "created", "direction": "asc"}
        if label:
            params["labels"] = label
    headers = {"If-None-Match": etag} if etag else {}
    try:
        response = _request("GET", url, params=params, headers=headers)
    except RateLimited as error:
        if error.retry_after is None or error.retry_after > MAX_RETRY_AFTER:
            raise
        time.sleep(error.retry_after)
        response = _request("GET", url, params=params, headers=headers)
    next_url = response.links.get("next", {}).get("url", "")
    exhausted = None
    if response.headers.get("x-ratelimit-remaining") == "0":
        exhausted = _reset_time(response.headers.get("x-ratelimit-reset")) or timezone.now()
    if response.status_code == 304:
        return Page(etag, None, next_url, exhausted)
    issues = [issue for issue in _list(response) if "pull_request" not in issue]
    return Page(response.headers.get("etag", ""), issues, next_url, exhausted)


def signature_valid(body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` signs ``body`` with GITHUB_WEBHOOK_SECRET."""
    secret = settings.GITHUB_WEBHOOK_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", header)


def dropped(payload: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, list[str]]:
    """The labels and assignees that GitHub silently left out (without push access).

    Names compare without case: a label that exists in the repository keeps its own
    spelling. A field missing from the answer says nothing about what was dropped.
    """
    kept_labels = {label.get("name", "").lower() for label in answer.get("labels") or []}
    kept_assignees = {user.get("login", "").lower() for user in answer.get("assignees") or []}
    return {
        "labels": [
            name
            for name in payload["labels"]
            if "labels" in answer and name.lower() not in kept_labels
        ],
        "assignees": [
            login
            for login in payload["assignees"]
            if "assignees" in answer and login.lower() not in kept_assignees
        ],
    }


def html_url(number: int) -> str:
    """The web address of issue ``number`` when GitHub's answer left it out."""
    base = settings.GITHUB_API_URL.removesuffix("/api/v3")
    base = "https://github.com" if base == "https://api.github.com" else base
    return f"{base}/{settings.GITHUB_REPOSITORY}/issues/{number}"


_clients: dict[tuple[str, str, float], httpx.Client] = {}
_clients_lock = threading.Lock()


def _client() -> httpx.Client:
    """The process's client for the configured GitHub, created once (connection reuse).

    Keyed by the settings it is built from, so that changing them (tests do) gets a new one.
    """
    key = (settings.GITHUB_API_URL, settings.GITHUB_TOKEN, settings.GITHUB_TIMEOUT)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            for old in _clients.values():
                old.close()
            _clients.clear()
            client = _clients[key] = httpx.Client(
                base_url=settings.GITHUB_API_URL,
                headers={
                    "Accept": "application/vnd.github+json",
                    "X-GitHub-Api-Version": API_VERSION,
                    "Authorization": f"Bearer {settings.GITHUB_TOKEN}",
                    "User-Agent": USER_AGENT,
                },
                timeout=settings.GITHUB_TIMEOUT,
                # A renamed repository answers with a redirect; httpx drops the token on
                # another host.
                follow_redirects=True,
            )
        return client


def _request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    where = settings.GITHUB_API_URL
    try:
        response = _client().request(method, url, **kwargs)
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
    if response.is_success or response.status_code == 304:
        return response
    raise _error(response)


def _error(response: httpx.Response) -> GitHubError:
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
        return RateLimited(
            f"GitHub's secondary rate limit stopped the request (too many requests in a short "
            f"time). Nothing was changed. Wait {_duration(seconds)} and try again.",
            seconds,
        )
    if status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
        reset = _reset_time(headers.get("x-ratelimit-reset"))
        when = (
            f"at {reset:%H:%M} UTC ({_duration(_seconds_until(reset))} from now)"
            if reset
            else "within the hour"
        )
        return RateLimited(
            f"The token has used up its GitHub rate limit. Nothing was changed. The limit "
            f"resets {when}; try again after that."
        )
    if status in (403, 429) and "secondary rate limit" in detail.lower():
        return RateLimited(
            "GitHub's secondary rate limit stopped the request (too many requests in a short "
            "time). Nothing was changed. Wait a minute and try again.",
            MAX_RETRY_AFTER,
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


def _issue(response: httpx.Response) -> JSONObject:
    """The issue in a successful answer; anything else leaves the outcome unknown."""
    issue = _json(response)
    number = issue.get("number")
    if not (isinstance(number, int) and 0 < number <= GITHUB_NUMBER_MAX):
        raise OutcomeUnknown(f"GitHub answered {response.status_code} but not with an issue.")
    url = issue.get("html_url")
    if not (isinstance(url, str) and is_web_url(url)):
        issue["html_url"] = html_url(number)
    return issue


def _list(response: httpx.Response) -> list[JSONObject]:
    try:
        data = response.json()
    except ValueError:
        data = None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _json(response: httpx.Response) -> JSONObject:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _detail(response: httpx.Response) -> str:
    message = _json(response).get("message")
    return str(message).strip()[:300] if message else ""


def _validation_errors(response: httpx.Response) -> str:
    """GitHub's list of validation errors, e.g. ``assignees 'bob' is invalid``."""
    parts: list[str] = []
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


def _reset_time(value: str | None) -> datetime.datetime | None:
    if not value or not value.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(value), datetime.UTC)


def _seconds_until(moment: datetime.datetime) -> int:
    return max(0, int((moment - timezone.now()).total_seconds()))


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"
