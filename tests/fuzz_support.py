"""What the fuzz tests share: Hypothesis settings, nasty values and the invariants.

``DSKIT_FUZZ_EXAMPLES`` sets the examples per test (CI: the default, a few seconds a test);
README "Fuzzing" gives a longer run.
"""

import os

from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from issues.models import (
    ApiToken,
    ChecklistItem,
    GitHubBodyChange,
    Issue,
    IssueChange,
    Milestone,
    Notification,
    PendingEdit,
    Profile,
    Update,
)
from issues.serialization import issue_to_dict, validate

EXAMPLES = int(os.environ.get("DSKIT_FUZZ_EXAMPLES", "25"))

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The database fixtures are per test, shared by its examples: the invariants below hold
    # whatever earlier examples wrote.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)

# Values that broke something once, or border on a limit.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u00b2",
    "\u0663",
    "-1",
    "0",
    "1",
    "abc",
    "9" * 25,
    "1" * 5_000,
    "javascript:alert(1)",
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "x" * 301,
    "y" * 10_001,
    "z" * 70_000,
    "2026-01-01",
    "2026-02-30",
    "9999-12-31",
    "p0",
    "training",
    "production",
    "open",
    "in_progress",
    "resolved",
    "on",
    "next",
    "back",
    "finish",
    "add_milestone",
    "review",
    "/accounts/login/",
    "https://evil.example/",
    "update",
    "github",
    "dskit",
    "duplicate",
    "wont_fix",
    "description",
    "read",
    "write",
    "intake",
    "maya@example.org",
]
# Text a browser can send: any character but lone surrogates (not encodable as UTF-8).
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
value = st.one_of(text, st.sampled_from(NASTY))
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))

MODELS = [
    Issue,
    ChecklistItem,
    Milestone,
    Update,
    IssueChange,
    PendingEdit,
    get_user_model(),
    ApiToken,
    Profile,
    GitHubBodyChange,
    Notification,
]


def row_counts():
    return [model.objects.count() for model in MODELS]


def assert_every_issue_is_whole():
    """Every issue (drafts aside) is valid in its JSON form and fileable on GitHub."""
    for issue in Issue.objects.listed().with_rows():
        assert validate(issue_to_dict(issue)) == [], issue.pk
