"""Checklists on the issue page: ticks (form and JSON), adding and removing items."""

import json

import pytest

from issues.models import ChecklistItem, Issue, IssueChange
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def items(issue, checklist):
    return list(ChecklistItem.objects.filter(issue=issue, checklist=checklist).order_by("position"))


def version(issue):
    return Issue.objects.get(pk=issue.pk).version


def test_each_item_is_a_checkbox_labelled_with_its_text(owner_client, owner):
    issue = make_issue(owner)
    text = owner_client.get(f"/issues/{issue.pk}/").text
    first = items(issue, "todo")[0]
    assert (
        f'<input class="form-check-input" type="checkbox" name="done" value="{first.pk}" '
        f'id="item-{first.pk}">' in text
    )
    assert (
        f'<label class="form-check-label" for="item-{first.pk}">Investigate root cause</label>'
        in text
    )
    assert "Save To-Do List</button>" in text


def test_ticks_are_saved_without_javascript(owner_client, owner):
    issue = make_issue(owner)
    todo = items(issue, "todo")
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/todo/",
        {"version": 1, "done": [todo[0].pk, todo[2].pk]},
        follow=True,
    )
    assert "To-Do List saved: 2 of 6 done." in response.text
    assert [item.done for item in items(issue, "todo")] == [True, False, True, False, False, False]
    # Unticking is the same form without the item.
    owner_client.post(f"/issues/{issue.pk}/checklists/todo/", {"version": 2, "done": [todo[2].pk]})
    assert [item.done for item in items(issue, "todo")] == [False, False, True, False, False, False]
    assert version(issue) == 3
    assert list(IssueChange.objects.values_list("field", "user__username")) == [
        ("todo", "owner"),
        ("todo", "owner"),
    ]


def test_a_tick_with_javascript_answers_json(owner_client, owner):
    issue = make_issue(owner)
    ready = items(issue, "ready")
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/ready/",
        {"version": 1, "done": [ready[1].pk]},
        headers={"accept": "application/json"},
    )
    assert response.json() == {"version": 2, "done": 1, "total": 5}
    assert items(issue, "ready")[1].done


def test_a_stale_tick_is_refused(owner_client, owner):
    issue = make_issue(owner)
    todo = items(issue, "todo")
    owner_client.post(f"/issues/{issue.pk}/checklists/todo/", {"version": 1, "done": [todo[0].pk]})
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/todo/",
        {"version": 1, "done": [todo[1].pk]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["error"]
    assert [item.done for item in items(issue, "todo")][:2] == [True, False]
    # The page the browser reloads says why.
    assert "changed by someone else" in owner_client.get(f"/issues/{issue.pk}/").text


def test_items_of_another_issue_or_list_are_refused(owner_client, owner):
    issue, other = make_issue(owner), make_issue(owner)
    foreign = items(other, "todo")[0]
    ready = items(issue, "ready")[0]
    for item in (foreign, ready):
        owner_client.post(f"/issues/{issue.pk}/checklists/todo/", {"version": 1, "done": [item.pk]})
    assert not ChecklistItem.objects.filter(done=True).exists()
    assert version(issue) == 1
    assert (
        owner_client.post(f"/issues/{issue.pk}/checklists/nope/", {"version": 1}).status_code == 404
    )


def test_add_an_item_at_the_end_of_a_list(owner_client, owner):
    issue = make_issue(owner)
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/todo/add/",
        {"version": 1, "todo-text": "  Add a recall alert to the evaluation job  "},
        follow=True,
    )
    assert "Item added to the To-Do List." in response.text
    added = items(issue, "todo")[-1]
    assert (added.text, added.done, added.from_template, added.position) == (
        "Add a recall alert to the evaluation job",
        False,
        False,
        6,
    )
    assert f'Remove<span class="visually-hidden"> “{added.text}”' in response.text
    assert IssueChange.objects.get().field == "todo"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "This field is required."),
        ("x" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("two\nlines", "An item is a single line."),
    ],
)
def test_a_bad_item_is_refused_next_to_the_field(owner_client, owner, text, error):
    issue = make_issue(owner)
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/done/add/", {"version": 1, "done-text": text}
    )
    assert response.status_code == 200
    assert (
        f'<a href="#id_done-text">New item for the Definition of Done: {error}</a>' in response.text
    )
    assert len(items(issue, "done")) == 6
    assert version(issue) == 1


def test_user_items_can_be_removed_template_items_cannot(owner_client, owner):
    issue = make_issue(
        owner,
        definition_of_done=[
            {"text": "The root cause is identified and addressed", "done": False},
            {"text": "Our own check", "done": True},
        ],
    )
    template_item, own_item = items(issue, "done")
    assert (
        owner_client.post(
            f"/issues/{issue.pk}/items/{template_item.pk}/remove/", {"version": 1}
        ).status_code
        == 404
    )
    response = owner_client.post(
        f"/issues/{issue.pk}/items/{own_item.pk}/remove/", {"version": 1}, follow=True
    )
    assert "Removed “Our own check” from the Definition of Done." in response.text
    assert [item.text for item in items(issue, "done")] == [template_item.text]
    change = IssueChange.objects.get()
    assert change.field == "definition_of_done"
    assert json.loads(change.old)[1] == {"text": "Our own check", "done": True}


def test_template_items_offer_no_remove_button(owner_client, owner):
    issue = make_issue(owner)
    assert "/remove/" not in owner_client.get(f"/issues/{issue.pk}/").text


def test_checklist_changes_need_post(owner_client, owner):
    issue = make_issue(owner)
    assert owner_client.get(f"/issues/{issue.pk}/checklists/todo/").status_code == 405


def test_posting_the_ticks_as_they_are_changes_nothing(owner_client, owner):
    issue = make_issue(owner)
    first = items(issue, "todo")[0]
    url = f"/issues/{issue.pk}/checklists/todo/"
    owner_client.post(url, {"version": 1, "done": [first.pk]})
    json_headers = {"accept": "application/json"}
    same = owner_client.post(url, {"version": 2, "done": [first.pk]}, headers=json_headers)
    assert same.json() == {"version": 2, "done": 1, "total": 6}
    assert version(issue) == 2 and IssueChange.objects.count() == 1
    # Even a no-op must not hand a stale page the newer version.
    stale = owner_client.post(url, {"version": 1, "done": [first.pk]}, headers=json_headers)
    assert stale.status_code == 409
