"""/issues/<id>/edit/ and the steps of an existing issue: nothing changes until "Save changes"."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import ChecklistItem, Issue, IssueChange, PendingEdit
from issues.serialization import create_issue, issue_to_dict
from tests.guided_support import (
    FULL,
    full_steps,
    logged_in,
    milestone_rows,
    post_step,
    start_draft,
    step_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(owner):
    return create_issue(FULL, reporter=owner)


def edit_url(issue):
    return f"/issues/{issue.pk}/edit/"


def test_edit_starts_at_the_first_step_prefilled(owner_client, issue):
    response = owner_client.get(edit_url(issue))
    assert response.url == step_url(issue, "overview")
    html = owner_client.get(response.url).content.decode()
    assert f'value="{FULL["name"]}"' in html
    html = owner_client.get(step_url(issue, "details")).content.decode()
    assert 'value="PyTorch, scikit-learn, pandas"' in html
    html = owner_client.get(step_url(issue, "timeline")).content.decode()
    assert "Milestone 3</legend>" in html and 'value="Fixed model deployed"' in html
    assert 'value="alice-ml, bob"' in html
    html = owner_client.get(step_url(issue, "review")).content.decode()
    assert ">Save changes</button>" in html and "Create issue" not in html


def test_any_step_can_be_opened_directly(owner_client, issue):
    html = owner_client.get(step_url(issue, "impact")).content.decode()
    assert '<option value="p1" selected>!p1</option>' in html


def test_nothing_changes_until_save_changes(owner_client, owner, issue):
    before = issue_to_dict(issue)
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Renamed"})
    post_step(owner_client, issue, "impact", {**full_steps()["impact"], "priority": "p0"})
    rows = milestone_rows([{"title": "Only one", "date": "2026-11-30"}])
    post_step(owner_client, issue, "timeline", {**full_steps()["timeline"], **rows})
    post_step(owner_client, issue, "review", {"ready": ["0"]}, action="back")

    issue = Issue.objects.get(pk=issue.pk)
    assert issue_to_dict(issue) == before and issue.version == 1
    assert not IssueChange.objects.exists()
    review = owner_client.get(step_url(issue, "review")).content.decode()
    assert "Renamed" in review and "<li>Only one: 2026-11-30</li>" in review

    response = post_step(owner_client, issue, "review", {"ready": ["0"]}, action="finish")

    assert response.url == f"/issues/{issue.pk}/"
    issue = Issue.objects.get(pk=issue.pk)
    after = issue_to_dict(issue)
    assert (after["name"], after["priority"], issue.version) == ("Renamed", "p0", 2)
    assert after["milestones"] == [{"title": "Only one", "date": "2026-11-30"}]
    assert [item["done"] for item in after["definition_of_ready"]] == [True] + [False] * 4
    changes = {change.field: change for change in IssueChange.objects.filter(issue=issue)}
    assert set(changes) == {"name", "priority", "milestones", "definition_of_ready"}
    assert (changes["name"].old, changes["name"].new) == (FULL["name"], "Renamed")
    assert {change.user for change in changes.values()} == {owner}
    assert not PendingEdit.objects.exists()


def test_a_teammate_edits_an_open_issue(teammate, issue):
    client = logged_in(teammate)
    client.get(edit_url(issue))
    post_step(client, issue, "impact", {**full_steps()["impact"], "priority": "p3"})
    response = post_step(client, issue, "review", full_steps()["review"], action="finish")
    assert response.url == f"/issues/{issue.pk}/"
    assert Issue.objects.get(pk=issue.pk).priority == "p3"
    assert IssueChange.objects.get().user == teammate


def test_a_stale_edit_is_refused_and_the_latest_values_are_shown(owner_client, teammate, issue):
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Mine"})
    client = logged_in(teammate)
    client.get(edit_url(issue))
    post_step(client, issue, "impact", {**full_steps()["impact"], "priority": "p3"})
    post_step(client, issue, "review", full_steps()["review"], action="finish")

    response = post_step(owner_client, issue, "review", full_steps()["review"], action="finish")

    assert response.url == step_url(issue, "review")
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.name, issue.priority, issue.version) == (FULL["name"], "p3", 2)
    html = owner_client.get(response.url).content.decode()
    assert "Someone else changed this issue while you were editing it" in html
    assert "your version differed from them in: Issue Name, Priority." in html
    assert "<strong>Priority:</strong> <code>!p3</code>" in html
    preview = html.split('class="markdown-body')[1].split("</div>")[0]
    assert "Mine" not in preview and FULL["name"] in preview

    # Starting again from the latest values, the save goes through.
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Mine"})
    response = post_step(owner_client, issue, "review", full_steps()["review"], action="finish")
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.name, issue.priority, issue.version) == ("Mine", "p3", 3)


def test_save_changes_validates_every_step(owner_client, issue):
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "overview", {"name": "", "type": "training"}, action="back")
    response = post_step(owner_client, issue, "review", {}, action="finish")
    assert response.url == step_url(issue, "overview")
    assert Issue.objects.get(pk=issue.pk).name == FULL["name"]


def test_edit_starts_from_the_current_values_and_again_keeps_what_was_typed(owner_client, issue):
    owner_client.get(edit_url(issue))
    html = owner_client.get(step_url(issue, "overview")).content.decode()
    assert f'value="{FULL["name"]}"' in html
    assert not PendingEdit.objects.exists()  # no GET writes: the first step saved starts it
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Kept"})
    owner_client.get(edit_url(issue))  # Edit again (a second tab): nothing typed is wiped
    html = owner_client.get(step_url(issue, "overview")).content.decode()
    assert 'value="Kept"' in html


def test_edit_of_a_draft_resumes_it_for_its_author_only(owner_client, teammate):
    draft = start_draft(owner_client)
    post_step(owner_client, draft, "details", full_steps()["details"])
    assert owner_client.get(edit_url(draft)).url == step_url(draft, "impact")
    assert logged_in(teammate).get(edit_url(draft)).status_code == 404


def test_save_changes_queries_do_not_grow_with_milestones(
    owner, owner_client, django_assert_num_queries
):
    def edit(milestone_count):
        data = copy.deepcopy(FULL)
        data["milestones"] = [{"title": f"M{i}", "date": "2026-11-30"} for i in range(20)]
        issue = create_issue(data, reporter=owner)
        owner_client.get(edit_url(issue))
        rows = milestone_rows(
            [{"title": f"N{i}", "date": "2026-11-30"} for i in range(milestone_count)]
        )
        post_step(owner_client, issue, "timeline", {**full_steps()["timeline"], **rows})
        return issue

    def save_changes(issue):
        response = post_step(owner_client, issue, "review", {}, action="finish")
        assert response.url == f"/issues/{issue.pk}/"

    small, large = edit(1), edit(20)
    with CaptureQueriesContext(connection) as queries:
        save_changes(small)
    with django_assert_num_queries(len(queries)):
        save_changes(large)


def test_save_changes_keeps_the_tick_of_an_item_added_meanwhile(owner_client, issue):
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "review", {"ready": ["0", "1"]}, action="back")
    ChecklistItem.objects.create(
        issue=issue,
        checklist=ChecklistItem.READY,
        position=5,
        text="Data access granted",
        done=True,
    )
    post_step(owner_client, issue, "review", {"ready": ["0", "1"]}, action="finish")
    ready = issue_to_dict(Issue.objects.get(pk=issue.pk))["definition_of_ready"]
    assert [item["done"] for item in ready] == [True, True, False, False, False, True]
