"""Quick issue: one screen, one POST, an open issue; the rest of the template later."""

import datetime

import pytest

from issues.models import Issue
from tests.guided_support import label_of
from tests.quick_support import URL, VALID, focused

pytestmark = pytest.mark.django_db


def test_the_form_has_the_templates_fields_and_the_cursor_in_issue_name(owner_client):
    html = owner_client.get(URL).text
    assert label_of(html, "id_name") == "Issue Name"
    assert focused(html) == "id_name"
    assert "!p0: Critical priority. Must be addressed immediately" in html
    assert html.count('type="radio" class="form-check-input"  name="priority"') == 4
    for label in ("Type of Issue", "Environment", "Related Model/Project", "Issue Description"):
        assert label in html
    assert "Markdown works" in html and ">Create issue</button>" in html
    assert not Issue.objects.exists()


def test_one_post_makes_an_open_issue_reported_today(owner_client, owner):
    response = owner_client.post(URL, VALID)
    issue = Issue.objects.get()
    assert response.url == f"/issues/{issue.pk}/"
    assert (issue.status, issue.priority, issue.reporter) == (Issue.Status.OPEN, "p0", owner)
    assert issue.reported_date == datetime.date.today()
    assert (issue.environment, issue.related_project) == ("production", "fraud-v7")
    page = owner_client.get(response.url).text
    assert "Issue created." in page
    still_empty = page.split('id="empty-sections-heading"')[1].split("</section>")[0]
    assert "Impact Assessment: Business Impact, Users/Systems Affected" in still_empty
    assert "Specific Details: Expected Behavior, Proposed Solution" in still_empty
    assert "Environment" not in still_empty
    # The task list of the description shows as a disabled checkbox.
    assert 'disabled type="checkbox"' in page or 'type="checkbox"' in page


def test_errors_are_shown_at_their_fields_and_nothing_is_saved(owner_client):
    response = owner_client.post(URL, {**VALID, "name": "", "priority": ""})
    assert response.status_code == 200
    assert not Issue.objects.exists()
    html = response.text
    assert '<a href="#id_name">Issue Name: This field is required.</a>' in html
    assert focused(html) == "id_name"
    html = owner_client.post(URL, {**VALID, "priority": ""}).text
    assert focused(html) == "id_priority_0"
    assert 'value="Every request since 02:10 fails.' not in html  # a textarea, not an input
    assert "Every request since 02:10 fails." in html


def test_an_issue_name_written_as_no_response_is_refused_at_its_field(owner_client):
    response = owner_client.post(URL, {**VALID, "name": "_No response_"})
    assert response.status_code == 200
    assert not Issue.objects.exists()
    assert (
        '<a href="#id_name">Issue Name: “_No response_” is how the Markdown writes an '
        "unanswered Issue Name: write the Issue Name itself.</a>"
    ) in response.text


def test_preview_without_javascript_creates_nothing(owner_client):
    response = owner_client.post(URL, {**VALID, "preview": "description"})
    assert response.status_code == 200 and not Issue.objects.exists()
    assert "Preview of Issue Description" in response.text
    assert '<ul class="contains-task-list">' in response.text


def test_the_definition_of_ready_gate_still_applies(owner_client):
    issue = Issue.objects.get(pk=owner_client.post(URL, VALID).url.split("/")[2])
    response = owner_client.post(
        f"/issues/{issue.pk}/status/", {"status": "in_progress", "version": issue.version}
    )
    assert response.status_code == 200 and "Definition of Ready" in response.text
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.OPEN


def test_creation_goes_through_one_function(owner_client, monkeypatch):
    from issues import quick
    from issues.views import quick as quick_view

    made = []
    real = quick.create_quick_issue
    monkeypatch.setattr(
        quick_view,
        "create_quick_issue",
        lambda data, reporter: made.append(data) or real(data, reporter),
    )
    owner_client.post(URL, VALID)
    assert [data["name"] for data in made] == [VALID["name"]]
