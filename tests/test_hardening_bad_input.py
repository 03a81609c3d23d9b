"""Malformed input to the issue page, the guided form and the login page: a clear answer,
never a 500 (the test client raises the view's exception, so a 500 fails these tests)."""

import pytest
from django.urls import reverse

from issues.models import ChecklistItem, Issue, PendingEdit
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no


@pytest.fixture
def issue(owner):
    return make_issue(owner)


def issue_page_posts(issue):
    item = issue.checklist_items.get(checklist=ChecklistItem.Kind.TODO, position=0)
    update = issue.updates.create(date="2026-01-02", text="First.", author=issue.reporter)
    return [
        (reverse("checklist-ticks", args=[issue.pk, "todo"]), {"done": [str(item.pk)]}),
        (reverse("checklist-add", args=[issue.pk, "todo"]), {"todo-text": "More"}),
        (reverse("checklist-remove", args=[issue.pk, item.pk]), {}),
        (reverse("update-add", args=[issue.pk]), {"update-date": "2026-01-03", "update-text": "x"}),
        (reverse("update-edit", args=[issue.pk, update.pk]), {"date": "2026-01-03", "text": "y"}),
        (reverse("issue-status", args=[issue.pk]), {"status": "in_progress", "confirm": "on"}),
    ]


def test_a_non_ascii_digit_version_is_refused_as_stale(owner_client, issue):
    ChecklistItem.objects.filter(issue=issue).update(from_template=False)
    for url, data in issue_page_posts(issue):
        response = owner_client.post(url, {**data, "version": SUPERSCRIPT_TWO})
        assert response.status_code == 302, url
    assert Issue.objects.get(pk=issue.pk).version == issue.version


@pytest.fixture
def draft(owner_client):
    response = owner_client.post(
        reverse("issue-new"), {"name": "Draft", "type": "training", "related_project": ""}
    )
    return Issue.objects.get(pk=response.url.split("/")[2])


def timeline(draft):
    return reverse("issue-step", args=[draft.pk, "timeline"])


@pytest.mark.parametrize(
    "data",
    [
        {"milestones-TOTAL_FORMS": "abc", "action": "add_milestone"},
        {"milestones-TOTAL_FORMS": SUPERSCRIPT_TWO, "action": "add_milestone"},
        {"milestones-TOTAL_FORMS": "1", "remove_milestone": SUPERSCRIPT_TWO},
        {"milestones-TOTAL_FORMS": "1", "remove_milestone": "99999999999999999999"},
    ],
)
def test_malformed_milestone_buttons_show_the_step_again(owner_client, draft, data):
    response = owner_client.post(timeline(draft), {"milestones-INITIAL_FORMS": "0", **data})
    assert response.status_code == 302
    assert owner_client.get(response.url).status_code == 200


def nul_error(field_id):
    """Django's own message, shown under the field ``field_id`` (templates/bootstrap5)."""
    message = "<strong>Null characters are not allowed.</strong>"
    return f'<div id="{field_id}_error" class="invalid-feedback"><span id="error_1_{field_id}">{message}'


@pytest.mark.parametrize("action", ["next", "back", "add_milestone", "finish"])
def test_a_nul_in_a_guided_field_is_refused_next_to_it_and_nothing_is_kept(
    owner_client, draft, action
):
    """Django's forms refuse U+0000 (PostgreSQL can store none): the step is shown again with
    the error at each field that has one, whatever button was pressed; nothing is saved."""
    before = PendingEdit.objects.get(issue=draft).typed
    response = owner_client.post(
        timeline(draft),
        {
            "action": action,
            "reported_date": "2026-01-01",
            "assignees": "maya\x00",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "Half\x00way",
            "milestones-0-date": "2026-02-01",
        },
    )
    assert response.status_code == 200
    for field_id in ("id_assignees", "id_milestones-0-title"):
        assert nul_error(field_id) in response.text, field_id
    assert PendingEdit.objects.get(issue=draft).typed == before
    assert not Issue.objects.get(pk=draft.pk).milestones.exists()


def test_a_nul_in_a_text_is_not_dropped_silently(owner_client, draft):
    response = owner_client.post(
        reverse("issue-step", args=[draft.pk, "details"]),
        {"action": "next", "description": "Recall\x00 dropped.", "frameworks": "PyTorch"},
    )
    assert response.status_code == 200
    assert nul_error("id_description") in response.text
    assert PendingEdit.objects.get(issue=draft).data.get("description", "") == ""


def test_a_nul_outside_the_fields_is_kept_out_of_the_json_columns(owner_client, draft):
    """PostgreSQL's jsonb cannot hold U+0000: what was typed is kept without it."""
    response = owner_client.post(
        timeline(draft),
        {
            "action": "add_milestone",
            "reported_date": "2026-01-01",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "Half",
            "milestones-0-date": "2026-02-01",
            "a\x00key": "x\x00",
        },
    )
    assert response.status_code == 302
    typed = PendingEdit.objects.get(issue=draft).typed["timeline"]
    assert (typed["milestones-0-title"], typed["akey"]) == ("Half", "x")
    assert not any("\x00" in key or "\x00" in value for key, value in typed.items())


def test_nul_in_every_step_field_is_refused_without_a_500(owner_client, draft):
    for step, fields in [
        ("details", ["description", "expected_behavior", "frameworks", "environment"]),
        ("impact", ["business_impact", "users_affected", "priority"]),
    ]:
        data = {field: "a\x00b" for field in fields}
        for action in ("next", "back"):
            response = owner_client.post(
                reverse("issue-step", args=[draft.pk, step]), {**data, "action": action}
            )
            assert response.status_code in (200, 302)


@pytest.mark.parametrize("next_url", ["/accounts/login/", "/accounts/login/?x=1"])
def test_a_logged_in_user_sent_back_to_the_login_page_goes_to_the_list(owner_client, next_url):
    response = owner_client.get(reverse("login"), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("issue-list")
