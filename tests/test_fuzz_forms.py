"""Fuzzing every form and POST endpoint: any input gets a 2xx/3xx/4xx answer (never a 500:
the test client raises the view's exception), a refusal writes nothing, and every issue
stays whole (valid and fileable)."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from issues import github_review
from issues.forms.guided import STEP_FORMS
from issues.forms.profile import ProfileForm
from issues.forms.quick import CloseForm, QuickIssueForm
from issues.forms.tokens import TokenForm
from issues.models import ChecklistItem, GitHubBodyChange, Issue
from issues.tokens import create_token
from tests.factories import make_issue
from tests.fuzz_support import (
    assert_every_issue_is_whole,
    fuzz_settings,
    row_counts,
    values,
)

pytestmark = pytest.mark.django_db

# Placeholders replaced by the fixture's real values, so that valid paths are reached too.
VERSION, ITEM = "<version>", "<item>"
MILESTONE_KEYS = [
    "milestones-TOTAL_FORMS",
    "milestones-INITIAL_FORMS",
    "milestones-MAX_NUM_FORMS",
    "milestones-0-title",
    "milestones-0-date",
    "milestones-1-title",
    "milestones-1-date",
]
BUTTONS = ["action", "goto", "remove_milestone"]


def step_fields(step):
    return [
        *STEP_FORMS[step].base_fields,
        *BUTTONS,
        *(MILESTONE_KEYS if step == "timeline" else []),
    ]


# name: (who posts, URL from the fixtures, the field names to post)
ENDPOINTS = {
    "login": ("anonymous", lambda f: reverse("login"), ["username", "password", "next"]),
    "signup": ("anonymous", lambda f: reverse("signup"), ["username", "password1", "password2"]),
    "new": ("owner", lambda f: reverse("issue-new"), step_fields("overview")),
    **{
        f"step-{step}": (
            "owner",
            lambda f, step=step: reverse("issue-step", args=[f["draft"].pk, step]),
            step_fields(step),
        )
        for step in STEP_FORMS
    },
    "edit-review": (
        "owner",
        lambda f: reverse("issue-step", args=[f["issue"].pk, "review"]),
        step_fields("review"),
    ),
    "ticks": (
        "owner",
        lambda f: reverse("checklist-ticks", args=[f["issue"].pk, "todo"]),
        ["done", "version"],
    ),
    "item-add": (
        "owner",
        lambda f: reverse("checklist-add", args=[f["issue"].pk, "definition_of_done"]),
        ["definition_of_done-text", "version"],
    ),
    "item-remove": (
        "owner",
        lambda f: reverse("checklist-remove", args=[f["issue"].pk, f["item"].pk]),
        ["version"],
    ),
    "update-add": (
        "owner",
        lambda f: reverse("update-add", args=[f["issue"].pk]),
        ["update-date", "update-text", "version"],
    ),
    "update-edit": (
        "owner",
        lambda f: reverse("update-edit", args=[f["issue"].pk, f["update"].pk]),
        ["date", "text", "version"],
    ),
    "status": (
        "owner",
        lambda f: reverse("issue-status", args=[f["issue"].pk]),
        ["status", "confirm", "version"],
    ),
    "github": ("owner", lambda f: reverse("issue-github", args=[f["issue"].pk]), ["action"]),
    "delete": ("staff", lambda f: reverse("issue-delete", args=[f["spare"].pk]), ["confirm"]),
    "logout": ("owner", lambda f: reverse("logout"), ["next"]),
    "quick": (
        "owner",
        lambda f: reverse("issue-quick"),
        [*QuickIssueForm.base_fields, "preview"],
    ),
    "markdown-preview": ("owner", lambda f: reverse("markdown-preview"), ["text", "field"]),
    "discard-draft": (
        "owner",
        lambda f: reverse("issue-discard", args=[f["draft"].pk]),
        ["confirm"],
    ),
    "close": (
        "owner",
        lambda f: reverse("issue-close", args=[f["issue"].pk]),
        [*CloseForm.base_fields, "version"],
    ),
    "github-update": (
        "owner",
        lambda f: reverse("issue-github", args=[f["filed"].pk]),
        ["action", "version"],
    ),
    "token-create": (
        "owner",
        lambda f: reverse("api-tokens"),
        list(TokenForm.base_fields),
    ),
    "token-revoke": (
        "owner",
        lambda f: reverse("api-token-revoke", args=[f["token"].pk]),
        ["confirm"],
    ),
    "profile": ("owner", lambda f: reverse("profile"), ["email", *ProfileForm._meta.fields]),
    "import-markdown": (
        "owner",
        lambda f: reverse("issue-import-markdown"),
        ["text", "files", "confirm", "texts"],
    ),
    "github-changes": (
        "owner",
        lambda f: reverse("issue-github-changes", args=[f["issue"].pk]),
        [*(f"take_{key}" for key in github_review.FIELDS), "version"],
    ),
}


@pytest.fixture
def fixtures(owner, staff, settings):
    settings.GITHUB_TOKEN, settings.GITHUB_REPOSITORY = "fuzz-token", "ml-team/models"
    settings.GITHUB_API_URL = "http://127.0.0.1:9"
    issue = make_issue(owner)
    item = ChecklistItem.objects.create(
        issue=issue, checklist=ChecklistItem.Kind.TODO, position=99, text="Added"
    )
    update = issue.updates.create(date="2026-01-02", text="First.", author=owner)
    draft = make_issue(owner, status=Issue.Status.DRAFT, description="", priority="")
    # Edited on GitHub: "Review GitHub changes" has something to review.
    GitHubBodyChange.objects.create(issue=issue, body="## Overview\n\nChanged.", login="gh")
    # Filed on GitHub, which is not listening (127.0.0.1:9): "Update on GitHub" fails cleanly.
    filed = make_issue(owner, github_number=7)
    clients = {"anonymous": Client(), "owner": Client(), "staff": Client()}
    clients["owner"].force_login(owner)
    clients["staff"].force_login(staff)
    return {
        "issue": issue,
        "item": item,
        "update": update,
        "draft": draft,
        "spare": make_issue(owner),
        "filed": filed,
        "token": create_token(owner, "fuzzed", ["read"])[0],
        "clients": clients,
        "owner": owner,
    }


def fill_in(data, fixtures):
    issue = Issue.objects.filter(pk=fixtures["issue"].pk).first()
    real = {VERSION: str(issue.version) if issue else "1", ITEM: str(fixtures["item"].pk)}
    return {
        key: [real.get(v, v) for v in value] if isinstance(value, list) else real.get(value, value)
        for key, value in data.items()
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@fuzz_settings
@given(data=st.data())
def test_any_post_gets_a_clear_answer_and_writes_nothing_half(fixtures, endpoint, data):
    who, url, fields = ENDPOINTS[endpoint]
    field_value = st.one_of(values, st.sampled_from([VERSION, ITEM]))
    posted = data.draw(st.dictionaries(st.sampled_from(fields), field_value, max_size=len(fields)))
    client = fixtures["clients"][who]
    if endpoint == "logout":
        client.force_login(fixtures["owner"])
    before = row_counts()
    response = client.post(url(fixtures), fill_in(posted, fixtures))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert row_counts() == before
    assert_every_issue_is_whole()


GET_FILTERS = [
    "q",
    "priority",
    "type",
    "environment",
    "status",
    "sort",
    "page",
    "assignee",
    "filed",
]


@pytest.mark.parametrize("url", ["/", "/issues/export.json", "/issues/export.zip"])
@fuzz_settings
@given(query=st.dictionaries(st.sampled_from(GET_FILTERS), values, max_size=4))
def test_any_list_filter_gets_a_clear_answer(fixtures, url, query):
    response = fixtures["clients"]["owner"].get(url, query)
    assert response.status_code in (200, 400)
    if response.streaming:
        b"".join(response.streaming_content)
