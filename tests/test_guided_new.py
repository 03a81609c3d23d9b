"""/issues/new/: the Overview step of a new issue; the first valid "Next" creates a draft."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from issues.models import ChecklistItem, Issue, PendingEdit
from tests.guided_support import full_steps, label_of, start_draft, step_url

pytestmark = pytest.mark.django_db

NEW = "/issues/new/"


def test_url_name():
    assert reverse("issue-new") == NEW


def test_overview_has_the_templates_words_and_creates_nothing(owner_client):
    response = owner_client.get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Issue Overview" in html
    assert label_of(html, "id_name") == "Issue Name"
    assert label_of(html, "id_type") == "Type of Issue"
    assert label_of(html, "id_related_project") == "Related Model/Project"
    assert "Provide a concise, descriptive name for the ML engineering issue" in html
    assert "Specify the ML model or project this issue relates to" in html
    assertInHTML(
        '<li class="list-inline-item" aria-current="step"><strong>1. Overview</strong></li>', html
    )
    assert ">Next</button>" in html and ">Back</button>" not in html
    assert not Issue.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_required_fields_are_reported_next_to_the_field_and_in_the_summary(owner_client):
    response = owner_client.post(NEW, {"name": "  ", "type": "", "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert '<a href="#id_name">Issue Name: This field is required.</a>' in html
    assert '<a href="#id_type">Type of Issue: This field is required.</a>' in html
    assert 'id="error_1_id_name"' in html and 'aria-invalid="true"' in html
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        ({"name": "two\nlines"}, "Issue Name must be a single line."),
        ({"related_project": "a\rb"}, "Related Model/Project must be a single line."),
    ],
)
def test_overview_texts_are_single_lines_of_at_most_200_characters(owner_client, typed, message):
    data = {"name": "A name", "type": "training", "action": "next", **typed}
    response = owner_client.post(NEW, data)
    assert message in response.content.decode()
    assert not Issue.objects.exists()


def test_first_next_creates_a_draft_with_the_templates_checklists(owner_client, owner):
    response = owner_client.post(NEW, {**full_steps()["overview"], "action": "next"})
    draft = Issue.objects.get()
    assert response.url == step_url(draft, "details")
    assert (draft.status, draft.reporter, draft.priority) == (Issue.Status.DRAFT, owner, "")
    assert draft.name == "Recall of fraud model v3 dropped after weekly retraining"
    assert draft.related_project == "fraud-detector (model v3.2)"
    counts = {
        checklist: ChecklistItem.objects.filter(issue=draft, checklist=checklist).count()
        for checklist in (
            ChecklistItem.Kind.TODO,
            ChecklistItem.Kind.READY,
            ChecklistItem.Kind.DONE,
        )
    }
    assert counts == {"todo": 6, "ready": 5, "done": 6}
    assert PendingEdit.objects.get(issue=draft, author=owner).completed == ["overview"]


def test_two_new_issues_are_two_drafts_with_their_own_urls(owner_client):
    first = start_draft(owner_client, {"name": "First", "type": "training"})
    second = start_draft(owner_client, {"name": "Second", "type": "deployment"})
    assert first.pk != second.pk
    assert step_url(first, "details") != step_url(second, "details")
    assert [d.name for d in Issue.objects.order_by("pk")] == ["First", "Second"]


def test_the_form_needs_its_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(NEW, {**full_steps()["overview"], "action": "next"})
    assert response.status_code == 403
    assert not Issue.objects.exists()
    assert 'name="csrfmiddlewaretoken"' in client.get(NEW).content.decode()
