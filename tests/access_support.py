"""The access-control table (tests/test_access_control.py, tests/test_get_writes_nothing.py):
every named URL of the app, who may GET and POST it, and the issues the requests act on."""

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from issues.models import ChecklistItem, Issue, Update
from tests.common_support import PASSWORD

ROLES = ("anonymous", "user", "staff")
CSRF_TOKEN = "a" * 32  # a CSRF secret the tests put in the cookie and the form
PUBLIC = {
    "login",
    "signup",
    "healthz",
    "github-webhook",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Signed by GitHub instead of a session and a CSRF token: without the signature, 401.
SIGNED = {"github-webhook"}
EVERYONE = {"anonymous": 200, "user": 200, "staff": 200}
NO_POST = {"anonymous": 405, "user": 405, "staff": 405}


@dataclass
class World:
    issue: Issue
    draft: Issue
    item: ChecklistItem
    update: Update


@dataclass
class Row:
    """Who gets what at one URL. ``get``/``post`` map role -> status; ``changes`` lists the
    roles whose POST (with the token) changes data; ``data`` builds the POST body."""

    kwargs: callable = lambda w: {}
    get: dict = field(default_factory=lambda: {"user": 200, "staff": 200})
    post: dict = field(default_factory=lambda: {"user": 405, "staff": 405})
    changes: tuple = ()
    data: callable = lambda w: {}


def issue(w):
    return {"pk": w.issue.pk}


def versioned(**values):
    return lambda w: {"version": w.issue.version, **values}


ACTION = {"user": 302, "staff": 302}
BOTH = ("user", "staff")

TABLE = {
    # Public pages. A logged-in user is sent on from login and sign-up.
    "login": Row(
        get={"anonymous": 200, "user": 302, "staff": 302},
        post={"anonymous": 302, "user": 302, "staff": 302},
        data=lambda w: {"username": "owner", "password": PASSWORD},
    ),
    "signup": Row(
        get={"anonymous": 200, "user": 302, "staff": 302},
        post={"anonymous": 302, "user": 302, "staff": 302},
        changes=("anonymous",),
        data=lambda w: {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    ),
    "healthz": Row(
        get={"anonymous": 200, "user": 200, "staff": 200},
        post={"anonymous": 200, "user": 200, "staff": 200},
    ),
    # Logging out needs a login, and a POST.
    "logout": Row(get={"user": 405, "staff": 405}, post=ACTION),
    # Reading.
    "issue-list": Row(post={"user": 200, "staff": 200}),
    "issue-detail": Row(kwargs=issue, post={"user": 200, "staff": 200}),
    "issue-export-md": Row(kwargs=issue, post={"user": 200, "staff": 200}),
    "issue-body-md": Row(kwargs=issue, post={"user": 200, "staff": 200}),
    "issue-list-export-zip": Row(post={"user": 200, "staff": 200}),
    "issue-list-export-json": Row(post={"user": 200, "staff": 200}),
    "draft-list": Row(post={"user": 200, "staff": 200}),
    # Tracking an issue: any logged-in user, POST only.
    "checklist-ticks": Row(
        kwargs=lambda w: {"pk": w.issue.pk, "checklist": "todo"},
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=lambda w: {"version": w.issue.version, "done": [w.item.pk]},
    ),
    "checklist-add": Row(
        kwargs=lambda w: {"pk": w.issue.pk, "checklist": "todo"},
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=versioned(**{"todo-text": "Check the other region"}),
    ),
    "checklist-remove": Row(
        kwargs=lambda w: {"pk": w.issue.pk, "item_pk": w.item.pk},
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=versioned(),
    ),
    "update-add": Row(
        kwargs=issue,
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=versioned(**{"update-date": "2026-11-20", "update-text": "Rolled back."}),
    ),
    # Only the author of an update (the ordinary user here) may correct it.
    "update-edit": Row(
        kwargs=lambda w: {"pk": w.issue.pk, "update_pk": w.update.pk},
        get={"user": 200, "staff": 403},
        post={"user": 302, "staff": 403},
        changes=("user",),
        data=versioned(date="2026-11-21", text="Rolled back on Friday."),
    ),
    "issue-status": Row(
        kwargs=issue,
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=versioned(status=Issue.Status.IN_PROGRESS, confirm="on"),
    ),
    # Writing: the guided form. Steps keep typed input in the user's own pending edit.
    "issue-new": Row(
        post=ACTION,
        changes=BOTH,
        data=lambda w: {"name": "Latency regression", "type": "training", "action": "next"},
    ),
    "issue-edit": Row(kwargs=issue, get={"user": 302, "staff": 302}, post=ACTION),
    "issue-step": Row(
        kwargs=lambda w: {"pk": w.issue.pk, "step": "overview"},
        post=ACTION,
        data=lambda w: {"name": w.issue.name, "type": w.issue.type, "action": "next"},
    ),
    "issue-quick": Row(
        post=ACTION,
        changes=BOTH,
        data=lambda w: {
            "name": "Serving down",
            "priority": "p0",
            "type": "deployment",
            "description": "500s from the endpoint.",
        },
    ),
    "issue-discard": Row(kwargs=issue, get={"user": 302, "staff": 302}, post=ACTION),
    "issue-close": Row(
        kwargs=issue,
        get={"user": 405, "staff": 405},
        post=ACTION,
        changes=BOTH,
        data=versioned(reason="wont_fix"),
    ),
    "markdown-preview": Row(
        get={"user": 405, "staff": 405},
        post={"user": 200, "staff": 200},
        data=lambda w: {"text": "- [x] done"},
    ),
    # Passwords: change when logged in (a wrong old password changes nothing); reset for all.
    "password_change": Row(post={"user": 200, "staff": 200}),
    "password_change_done": Row(),
    "password_reset": Row(
        get=EVERYONE,
        post={"anonymous": 302, "user": 302, "staff": 302},
        data=lambda w: {"email": "nobody@example.com"},
    ),
    "password_reset_done": Row(get=EVERYONE, post=NO_POST),
    "password_reset_confirm": Row(
        kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"}, get=EVERYONE, post=EVERYONE
    ),
    "password_reset_complete": Row(get=EVERYONE, post=NO_POST),
    # Filing on GitHub (not configured in tests: it says so and changes nothing).
    "issue-github": Row(kwargs=issue, get={"user": 405, "staff": 405}, post=ACTION),
    # GitHub both ways: the webhook is GitHub's (signed, see tests/test_github_webhook.py);
    # reviewing GitHub's changes and importing Markdown are any logged-in user's.
    "github-webhook": Row(
        get={"anonymous": 405, "user": 405, "staff": 405},
        post={"anonymous": 401, "user": 401, "staff": 401},
    ),
    "issue-github-changes": Row(kwargs=issue, get={"user": 302, "staff": 302}, post=ACTION),
    "issue-import-markdown": Row(post={"user": 200, "staff": 200}),
    # One's own pages (issue 16): the profile saves on POST; My work and Insights only read.
    "profile": Row(
        post=ACTION,
        changes=BOTH,
        data=lambda w: {"email": "me@example.org", "github_login": "", "notify_assigned": "on"},
    ),
    "my-work": Row(post={"user": 200, "staff": 200}),
    "insights": Row(post={"user": 200, "staff": 200}),
    # API tokens: each user's own (creating one changes no issue data).
    "api-tokens": Row(
        post={"user": 200, "staff": 200},
        data=lambda w: {"name": "CI", "scopes": ["read"]},
    ),
    "api-token-revoke": Row(
        kwargs=lambda w: {"pk": 999_999},
        get={"user": 405, "staff": 405},
        post={"user": 404, "staff": 404},
    ),
    # Deleting: staff only.
    "issue-delete": Row(
        kwargs=issue,
        get={"user": 403, "staff": 200},
        post={"user": 403, "staff": 302},
        changes=("staff",),
    ),
}


def app_url_names():
    """Every URL pattern's name outside the admin and the JSON API (whose tokens, scopes,
    sessions and CSRF tests/test_api_tokens.py checks); an unnamed pattern is an error."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in ("admin", "api"):
                    yield from walk(pattern.url_patterns)
            else:
                assert isinstance(pattern, URLPattern)
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                yield pattern.name

    return set(walk(get_resolver().url_patterns))
