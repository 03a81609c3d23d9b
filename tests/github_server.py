"""A stand-in for GitHub's REST API: a real HTTP server on 127.0.0.1, in a thread.

It checks each request as GitHub would (the required headers, the token, the JSON body
against GitHub's own schema for creating an issue, tests/issues-create.schema.json), records
it, keeps the issues it creates, and can be told to answer the next request with any
failure dskit has to handle (``fail_next``).

It answers as GitHub really does, not as politely as dskit asks: a label that exists in the
repository in another case keeps the repository's spelling (``repository_labels``); every
answer carries the rate-limit headers; lists come in pages (``per_page``, ``page``, a
``Link`` header) with an ``ETag``, and a request with a matching ``If-None-Match`` gets
``304 Not Modified``; a fault can leave optional fields out of an answer (``omit``), even
``html_url`` from a 201, or send a body that is not JSON (``text``). ``prefix`` serves the API
under a path, as GitHub Enterprise Server does (``/api/v3``).
"""

import contextlib
import datetime
import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jsonschema

SCHEMA = json.loads((Path(__file__).parent / "issues-create.schema.json").read_text())
REQUEST_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA["request"])
DOCS = "https://docs.github.com/rest/issues/issues#create-an-issue"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    json: object


@dataclass
class Fault:
    """How to answer one upcoming request instead of (or after) doing what it asks."""

    method: str = "POST"
    status: int | None = None
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0
    drop: bool = False  # close the connection without an answer
    act: bool = False  # do what the request asks (e.g. create the issue) before failing
    drop_labels: bool = False  # a 201 without the labels, as without push access
    drop_assignees: bool = False
    omit: tuple = ()  # answer without these fields (e.g. "html_url", "labels")
    text: str | None = None  # a body that is not JSON


class FakeGitHub:
    TOKEN = "github_pat_stand-in_0123456789abcdef"
    REPOSITORY = "ml-team/models"
    LOGIN = "dskit-bot"
    RATE_LIMIT = 5000
    RESET_AT = 4102444800  # 2100-01-01 00:00 UTC

    def __init__(self, prefix="", repository_labels=()):
        self.prefix = prefix
        # Labels that exist in the repository: GitHub applies them in their own spelling.
        self.repository_labels = {name.lower(): name for name in repository_labels}
        self.remaining = self.RATE_LIMIT
        self.connections = []  # the client address of each connection accepted
        self.max_per_page = 100  # GitHub's cap; tests lower it to see several pages
        self.requests = []
        self.problems = []  # what GitHub would have refused in a request; tests expect none
        self.issues = {}
        self.faults = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.github = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    @property
    def url(self):
        return self.root + self.prefix

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, **fault):
        self.faults.append(Fault(**fault))

    def add_issue(
        self,
        title,
        body,
        *,
        labels=(),
        state="open",
        user=None,
        pull_request=False,
        state_reason=None,
    ):
        """An issue someone created on GitHub (not through dskit); its number."""
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.lock:
            number = len(self.issues) + 1
            self.issues[number] = {
                "id": 1000 + number,
                "number": number,
                "url": f"{self.url}/repos/{self.REPOSITORY}/issues/{number}",
                "html_url": f"https://github.com/{self.REPOSITORY}/issues/{number}",
                "title": title,
                "body": body,
                "state": state,
                "state_reason": state_reason,
                "user": {"login": user or "octocat"},
                "labels": [{"id": i, "name": n, "color": "ededed"} for i, n in enumerate(labels)],
                "assignees": [],
                "assignee": None,
                "created_at": now,
                "updated_at": now,
                **(
                    {"pull_request": {"url": "https://api.github.com/pulls/1"}}
                    if pull_request
                    else {}
                ),
            }
        return number

    def writes(self, method=None):
        """The recorded requests that create or change issues (POST, PATCH)."""
        return [
            r
            for r in self.requests
            if r.method in ("POST", "PATCH") and (method is None or r.method == method)
        ]

    # The API ---------------------------------------------------------------------------

    def handle(self, handler, method):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        with self.lock:
            self.requests.append(
                Recorded(method, parts.path, parse_qs(parts.query), dict(handler.headers), payload)
            )
            fault = next((f for f in self.faults if f.method == method), None)
            if fault:
                self.faults.remove(fault)

        refused = self.check_headers(handler)
        if refused:
            return handler.answer(*refused)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and (fault.drop or fault.status) and not fault.act:
            return handler.fail(fault)
        path = parts.path
        if not path.startswith(self.prefix):
            return handler.answer(404, {"message": "Not Found", "status": "404"})
        query = parse_qs(parts.query)
        status, body = self.route(method, path[len(self.prefix) :], query, payload, fault)
        if fault and (fault.drop or fault.status):
            return handler.fail(fault)
        if fault and fault.omit and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in fault.omit}
        headers = {}
        if isinstance(body, Page):
            body, headers = self.paginate(parts.path, query, body.items)
            if headers["ETag"] == handler.headers.get("If-None-Match"):
                # GitHub: a 304 costs nothing of the rate limit and has no body.
                return handler.answer(304, None, {**headers, **self.rate_headers(spend=False)})
        return handler.answer(status, body, {**headers, **self.rate_headers()})

    def rate_headers(self, spend=True):
        with self.lock:
            if spend:
                self.remaining = max(0, self.remaining - 1)
            return {
                "x-ratelimit-limit": str(self.RATE_LIMIT),
                "x-ratelimit-remaining": str(self.remaining),
                "x-ratelimit-reset": str(self.RESET_AT),
                "x-ratelimit-used": str(self.RATE_LIMIT - self.remaining),
                "x-ratelimit-resource": "core",
            }

    def paginate(self, path, query, items):
        """One page of ``items`` as GitHub lists them: ``Link`` to the others, an ``ETag``."""
        per_page = min(int(query.get("per_page", ["30"])[0]), self.max_per_page)
        page = max(int(query.get("page", ["1"])[0]), 1)
        last = max(1, -(-len(items) // per_page))
        body = items[(page - 1) * per_page : page * per_page]
        links = []
        flat = {key: values[0] for key, values in query.items()}
        for rel, number in (("next", page + 1), ("last", last), ("first", 1), ("prev", page - 1)):
            if (rel in ("next", "last") and page < last) or (rel in ("first", "prev") and page > 1):
                links.append(
                    f'<{self.root}{path}?{urlencode({**flat, "page": number})}>; rel="{rel}"'
                )
        digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()  # noqa: S324
        headers = {"ETag": f'W/"{digest}"'}
        if links:
            headers["Link"] = ", ".join(links)
        return body, headers

    def check_headers(self, handler):
        headers = handler.headers
        expected = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        for name, value in expected.items():
            if headers.get(name) != value:
                self.problems.append(f"{name}: {headers.get(name)!r}")
                return 400, {"message": f"{name} must be {value}"}
        if not headers.get("User-Agent"):
            self.problems.append("User-Agent missing")
            return 403, {"message": "Request forbidden by administrative rules."}
        if headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return 401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}
        return None

    def route(self, method, path, query, payload, fault):
        if method == "GET" and path == "/user":
            return 200, {"login": self.LOGIN, "id": 1, "type": "User"}
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues(?:/(\d+))?", path)
        if not match:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        if match[1] != self.REPOSITORY:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        number = match[2] and int(match[2])
        if method == "GET" and not number:
            return 200, Page(self.search(query))
        if method == "POST" and not number:
            return self.create(payload, fault)
        if method == "PATCH" and number in self.issues:
            return self.update(number, payload, fault)
        return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}

    def validate(self, payload):
        errors = [e.message for e in REQUEST_VALIDATOR.iter_errors(payload)]
        self.problems += errors
        return errors

    def create(self, payload, fault):
        errors = self.validate(payload)
        if errors:
            return 422, {"message": "Invalid request.\n\n" + errors[0], "status": "422"}
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.lock:
            number = len(self.issues) + 1
            issue = {
                "id": 1000 + number,
                "number": number,
                "url": f"{self.url}/repos/{self.REPOSITORY}/issues/{number}",
                "html_url": f"https://github.com/{self.REPOSITORY}/issues/{number}",
                "state": "open",
                "user": {"login": self.LOGIN},
                "created_at": now,
                "updated_at": now,
            }
            self.issues[number] = issue
        return 201, self.apply(issue, payload, fault)

    def update(self, number, payload, fault):
        errors = self.validate(payload)
        if errors:
            return 422, {"message": "Invalid request.\n\n" + errors[0], "status": "422"}
        return 200, self.apply(self.issues[number], payload, fault)

    def apply(self, issue, payload, fault):
        issue["title"] = payload["title"]
        issue["body"] = payload.get("body")
        labels = [] if fault and fault.drop_labels else payload.get("labels", [])
        assignees = [] if fault and fault.drop_assignees else payload.get("assignees", [])
        issue["labels"] = [
            {"id": i, "name": self.repository_labels.get(name.lower(), name), "color": "ededed"}
            for i, name in enumerate(labels)
        ]
        issue["assignees"] = [{"login": login} for login in assignees]
        issue["assignee"] = issue["assignees"][0] if assignees else None
        return issue

    def search(self, query):
        """``GET /repos/{owner}/{repo}/issues``: GitHub's filters, oldest or newest first."""
        since = query.get("since", [None])[0]
        if since is not None and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", since):
            self.problems.append(f"since: {since!r}")
        creator = query.get("creator", [None])[0]
        if creator is not None and creator != self.LOGIN:
            self.problems.append(f"creator: {creator!r}")
        state = query.get("state", ["open"])[0]
        wanted = {name.lower() for name in query.get("labels", [""])[0].split(",") if name}
        found = [
            issue
            for issue in self.issues.values()
            if (creator is None or issue["user"]["login"] == creator)
            and (since is None or issue["updated_at"] >= since)
            and (state == "all" or issue["state"] == state)
            and wanted <= {label["name"].lower() for label in issue["labels"]}
        ]
        descending = query.get("direction", ["desc"])[0] == "desc"
        return sorted(found, key=lambda issue: issue["number"], reverse=descending)


@dataclass
class Page:
    """A list to answer in pages."""

    items: list


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.server.github.connections.append(self.client_address)

    def do_GET(self):
        self.server.github.handle(self, "GET")

    def do_POST(self):
        self.server.github.handle(self, "POST")

    def do_PATCH(self):
        self.server.github.handle(self, "PATCH")

    def answer(self, status, body, headers=None, content_type="application/json; charset=utf-8"):
        if body is None:
            data = b""
        elif isinstance(body, str) and not content_type.startswith("application/json"):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    def fail(self, fault):
        if fault.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.text is not None:
            return self.answer(fault.status, fault.text, fault.headers, "text/html")
        self.answer(fault.status, fault.body or {}, fault.headers)

    def log_message(self, format, *args):
        pass
