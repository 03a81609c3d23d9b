"""The guided form's everyday fixes: To-Do items, @login, the cursor, preview, one DoR."""

import pytest

from issues.models import ChecklistItem, Issue
from issues.serialization import create_issue, issue_to_dict
from tests.guided_support import FULL, fill_draft, full_steps, post_step, start_draft, step_url
from tests.quick_support import focused

pytestmark = pytest.mark.django_db


def todo_texts(issue):
    return [item["text"] for item in issue_to_dict(Issue.objects.get(pk=issue.pk))["todo"]]


def test_todo_items_are_added_and_removed_in_a_draft(owner_client):
    draft = start_draft(owner_client)
    details = {**full_steps()["details"], "todo": "Add a recall alert\nPage the data team"}
    post_step(owner_client, draft, "details", details)
    assert todo_texts(draft)[6:] == ["Add a recall alert", "Page the data team"]
    html = owner_client.get(step_url(draft, "details")).text
    assert "Add a recall alert\nPage the data team</textarea>" in html
    post_step(owner_client, draft, "details", {**details, "todo": "Page the data team"})
    assert todo_texts(draft)[6:] == ["Page the data team"]
    assert len(todo_texts(draft)) == 7  # the template's six stay


def test_todo_items_of_an_edit_merge_with_ticks_made_meanwhile(owner_client, owner):
    issue = create_issue(FULL, reporter=owner)
    details = {**full_steps()["details"], "todo": "Add a recall alert to the evaluation job\nNew"}
    post_step(owner_client, issue, "details", details)
    ChecklistItem.objects.filter(issue=issue, text="Implement changes").update(done=True)
    post_step(owner_client, issue, "review", full_steps()["review"], action="finish")
    todo = issue_to_dict(Issue.objects.get(pk=issue.pk))["todo"]
    assert [item["text"] for item in todo][6:] == [
        "Add a recall alert to the evaluation job",
        "New",
    ]
    assert {"text": "Implement changes", "done": True} in todo


def test_assignees_take_at_logins(owner_client):
    draft = fill_draft(owner_client)
    timeline = {**full_steps()["timeline"], "assignees": "@alice-ml, bob"}
    post_step(owner_client, draft, "timeline", timeline)
    assert Issue.objects.get(pk=draft.pk).assignees == ["alice-ml", "bob"]


def test_every_step_puts_the_cursor_in_its_first_field_or_first_error(owner_client):
    assert focused(owner_client.get("/issues/new/").text) == "id_name"
    draft = start_draft(owner_client)
    first = {"details": "id_description", "impact": "id_business_impact"}
    first["timeline"] = "id_reported_date"
    for step, field_id in first.items():
        assert focused(owner_client.get(step_url(draft, step)).text) == field_id
    html = post_step(owner_client, draft, "impact", {"business_impact": "x"}).text
    assert focused(html) == "id_priority"
    rows = {"milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "0"}
    html = post_step(owner_client, draft, "timeline", {**rows, "milestones-0-title": "T"}).text
    assert focused(html) == "id_milestones-0-date"


def test_preview_on_a_step_keeps_what_was_typed(owner_client):
    draft = start_draft(owner_client)
    response = owner_client.post(
        step_url(draft, "details"), {"description": "| a |\n|---|\n| 1 |", "preview": "description"}
    )
    assert "Preview of Issue Description" in response.text and "<td>1</td>" in response.text
    assert "| a |" in owner_client.get(step_url(draft, "details")).text


def test_review_shows_the_definition_of_ready_once(owner_client):
    draft = fill_draft(owner_client)
    html = owner_client.get(step_url(draft, "review")).text
    assert html.count("Definition of Ready") == 1
    assert html.count("The issue description is clear and comprehensive") == 1
    assert html.count("Definition of Done") == 1
