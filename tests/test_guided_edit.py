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


def test_a_tick_and_others_fields_never_refuse_an_edit(owner_client, teammate, issue):
    """Issue 11: Bob ticks a To-Do item and saves Priority; Alice's edit of the name and the
    description goes through, and keeps what Bob saved."""
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Mine"})
    details = {**full_steps()["details"], "description": "Typed by Alice."}
    post_step(owner_client, issue, "details", details)
    client = logged_in(teammate)
    post_step(client, issue, "impact", {**full_steps()["impact"], "priority": "p3"})
    post_step(client, issue, "review", full_steps()["review"], action="finish")
    item = issue.checklist_items.get(checklist=ChecklistItem.Kind.TODO, position=2)
    version = Issue.objects.get(pk=issue.pk).version
    client.post(f"/issues/{issue.pk}/checklists/todo/", {"version": version, "done": [item.pk]})

    response = post_step(owner_client, issue, "review", full_steps()["review"], action="finish")

    assert response.url == f"/issues/{issue.pk}/"
    saved = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert (saved["name"], saved["description"], saved["priority"]) == (
        "Mine",
        "Typed by Alice.",
        "p3",
    )
    assert saved["todo"][2] == {"text": "Implement changes", "done": True}
    assert not PendingEdit.objects.exists()


def test_a_field_both_changed_shows_both_values_and_keeps_either(owner_client, teammate, issue):
    owner_client.get(edit_url(issue))
    details = {**full_steps()["details"], "description": "Alice's description."}
    post_step(owner_client, issue, "details", details)
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Alice's"})
    client = logged_in(teammate)
    post_step(client, issue, "details", {**full_steps()["details"], "description": "Bob's."})
    post_step(client, issue, "review", full_steps()["review"], action="finish")

    response = post_step(owner_client, issue, "review", full_steps()["review"], action="finish")

    assert response.url == step_url(issue, "review")
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.name, issue.description) == (FULL["name"], "Bob's.")
    html = owner_client.get(response.url).content.decode()
    assert "Someone else saved Issue Description while you were editing" in html
    conflicts = html.split('id="conflicts-heading"')[1].split("</section>")[0]
    assert "Keep theirs: saved by teammate at" in conflicts and "Keep yours" in conflicts
    assert "Bob&#x27;s." in conflicts and "Alice&#x27;s description." in conflicts
    assert "Issue Name" not in conflicts
    # Nothing typed was lost: the step still shows Alice's text.
    assert "Alice&#x27;s description." in owner_client.get(step_url(issue, "details")).text

    response = post_step(
        owner_client, issue, "review", {"keep_description": "mine"}, action="finish"
    )
    assert response.url == f"/issues/{issue.pk}/"
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.name, issue.description) == ("Alice's", "Alice's description.")


def test_keep_theirs_takes_their_value(owner_client, teammate, issue):
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "impact", {**full_steps()["impact"], "priority": "p0"})
    client = logged_in(teammate)
    post_step(client, issue, "impact", {**full_steps()["impact"], "priority": "p3"})
    post_step(client, issue, "review", full_steps()["review"], action="finish")
    post_step(owner_client, issue, "review", full_steps()["review"], action="finish")
    response = post_step(
        owner_client, issue, "review", {"keep_priority": "theirs"}, action="finish"
    )
    assert response.url == f"/issues/{issue.pk}/"
    assert Issue.objects.get(pk=issue.pk).priority == "p3"


def test_a_change_saved_between_showing_the_form_and_its_first_post_is_kept(
    owner_client, teammate, issue
):
    """The edit begins when its first step is shown, not when it is first posted."""
    html = owner_client.get(step_url(issue, "overview")).text
    started = html.split('name="edit_started" value="')[1].split('"')[0]
    client = logged_in(teammate)
    post_step(client, issue, "overview", {**full_steps()["overview"], "name": "Bob's name"})
    post_step(client, issue, "review", full_steps()["review"], action="finish")

    overview = {**full_steps()["overview"], "related_project": "alice-project"}
    owner_client.post(
        step_url(issue, "overview"), {**overview, "action": "next", "edit_started": started}
    )
    post_step(owner_client, issue, "review", full_steps()["review"], action="finish")

    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.name, issue.related_project) == ("Bob's name", "alice-project")


def test_save_changes_validates_every_step(owner_client, issue):
    owner_client.get(edit_url(issue))
    post_step(owner_client, issue, "overview", {"name": "", "type": "training"}, action="back")
    response = post_step(owner_client, issue, "review", {}, action="finish")
    assert response.url == step_url(issue, "overview")
    assert Issue.objects.get(pk=issue.pk).name == FULL["name"]


def test_opening_edit_again_resumes_and_a_get_changes_nothing(owner_client, issue):
    """Edit in a second tab never wipes what the first tab typed; GET writes no row."""
    owner_client.get(edit_url(issue))
    assert not PendingEdit.objects.exists()
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Typed"})
    pending = PendingEdit.objects.values().get()
    for url in [edit_url(issue), *(step_url(issue, step) for step in full_steps())]:
        owner_client.get(url)
    assert PendingEdit.objects.values().get() == pending
    html = owner_client.get(step_url(issue, "overview")).text
    assert 'value="Typed"' in html and "Discard changes" in html


def test_discard_changes_and_discard_a_draft_ask_first(owner_client, issue):
    post_step(owner_client, issue, "overview", {**full_steps()["overview"], "name": "Typed"})
    url = f"/issues/{issue.pk}/discard/"
    assert "Discard your changes to" in owner_client.get(url).text
    assert PendingEdit.objects.exists()
    assert owner_client.post(url).url == f"/issues/{issue.pk}/"
    assert not PendingEdit.objects.exists() and Issue.objects.get(pk=issue.pk).name == FULL["name"]

    draft = start_draft(owner_client)
    assert "Discard" in owner_client.get("/issues/drafts/").text
    assert "Discard the draft" in owner_client.get(f"/issues/{draft.pk}/discard/").text
    assert owner_client.post(f"/issues/{draft.pk}/discard/").url == "/issues/drafts/"
    assert not Issue.objects.filter(pk=draft.pk).exists()


def test_a_second_draft_of_the_same_name_is_warned_about(owner_client):
    first = start_draft(owner_client)
    response = owner_client.post("/issues/new/", {**full_steps()["overview"], "action": "next"})
    assert response.status_code == 200
    assert "You already have a draft named" in response.text
    assert f'href="/issues/{first.pk}/edit/"' in response.text
    assert Issue.objects.count() == 1
    start_draft(owner_client)
    assert Issue.objects.count() == 2


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
        checklist=ChecklistItem.Kind.READY,
        position=5,
        text="Data access granted",
        done=True,
    )
    post_step(owner_client, issue, "review", {"ready": ["0", "1"]}, action="finish")
    ready = issue_to_dict(Issue.objects.get(pk=issue.pk))["definition_of_ready"]
    assert [item["done"] for item in ready] == [True, True, False, False, False, True]
