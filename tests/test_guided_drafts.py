"""/issues/drafts/: the current user's drafts, each resuming at its first incomplete step."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.serialization import create_issue
from tests.guided_support import FULL, full_steps, logged_in, post_step, start_draft, step_url

pytestmark = pytest.mark.django_db

DRAFTS = "/issues/drafts/"


def test_no_drafts_says_what_to_do(owner_client):
    html = owner_client.get(DRAFTS).content.decode()
    assert "You have no drafts." in html
    # Quick issue first, then the guided form, as on the issue list.
    assert html.index('href="/issues/new/quick/">Quick issue') < html.index(
        'href="/issues/new/">New'
    )


def test_lists_only_my_drafts_and_no_open_issues(owner_client, owner, teammate):
    mine = start_draft(owner_client, {"name": "My draft", "type": "training"})
    theirs = start_draft(logged_in(teammate), {"name": "Their draft", "type": "training"})
    create_issue({**FULL, "name": "An open issue"}, reporter=owner)

    html = owner_client.get(DRAFTS).content.decode()

    assert "My draft" in html and f'href="{step_url(mine, "details")}"' in html
    assert "Their draft" not in html and f"/issues/{theirs.pk}/" not in html
    assert "An open issue" not in html


def test_a_draft_resumes_at_its_first_incomplete_step(owner_client):
    draft = start_draft(owner_client)
    steps = full_steps()
    post_step(owner_client, draft, "details", steps["details"])
    post_step(owner_client, draft, "impact", steps["impact"])
    html = owner_client.get(DRAFTS).content.decode()
    assert f'href="{step_url(draft, "timeline")}"' in html and "resumes at Timeline" in html

    # A step left with invalid input is incomplete again.
    post_step(owner_client, draft, "details", {"description": ""}, action="back")
    html = owner_client.get(DRAFTS).content.decode()
    assert f'href="{step_url(draft, "details")}"' in html

    post_step(owner_client, draft, "details", steps["details"])
    post_step(owner_client, draft, "timeline", steps["timeline"])
    html = owner_client.get(DRAFTS).content.decode()
    assert f'href="{step_url(draft, "review")}"' in html


def test_a_created_issue_is_no_longer_a_draft(owner_client):
    draft = start_draft(owner_client)
    steps = full_steps()
    for step in ("details", "impact", "timeline"):
        post_step(owner_client, draft, step, steps[step])
    post_step(owner_client, draft, "review", steps["review"], action="finish")
    assert FULL["name"] not in owner_client.get(DRAFTS).content.decode()


def test_queries_do_not_grow_with_drafts(owner_client, django_assert_num_queries):
    def count():
        with CaptureQueriesContext(connection) as queries:
            owner_client.get(DRAFTS)
        return len(queries)

    start_draft(owner_client)
    one = count()
    for number in range(10):
        start_draft(owner_client, {"name": f"Draft {number}", "type": "other"})
    with django_assert_num_queries(one):
        owner_client.get(DRAFTS)
