"""/issues/<id>/steps/<step>/ on a draft: each step, Back, validation, Create issue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from issues.models import Issue, PendingEdit
from issues.serialization import issue_to_dict, with_defaults
from tests.guided_support import (
    FULL,
    element,
    fill_draft,
    full_steps,
    help_text_of,
    label_of,
    logged_in,
    milestone_rows,
    post_step,
    start_draft,
    step_url,
)

pytestmark = pytest.mark.django_db

STEP_WORDS = {
    "overview": ["Issue Overview"],
    "details": [
        "Specific Details",
        "Technical Details",
        "Issue Description",
        "Expected Behavior",
        "Proposed Solution",
        "ML Framework/Libraries",
        "Data Involved",
        "Environment",
    ],
    "impact": ["Impact Assessment", "Business Impact", "Users/Systems Affected", "Priority"],
    "timeline": [
        "Communication and Timeline",
        "Reported Date",
        "Target Resolution Date",
        "Milestones",
        "Assignees",
        "Add milestone",
    ],
    "review": ["Definition of Ready", "Create issue"],
}
# The form fields the guided form collects, and nothing of issue 4 (to-do ticks, updates).
COLLECTED = [key for key in with_defaults(FULL) if key not in ("todo", "updates")]


@pytest.fixture
def draft(owner_client):
    return start_draft(owner_client)


@pytest.mark.parametrize("step", list(STEP_WORDS))
def test_each_step_shows_its_section_and_marks_itself_current(owner_client, draft, step):
    html = owner_client.get(step_url(draft, step)).content.decode()
    for words in STEP_WORDS[step]:
        assert words in html
    number = list(STEP_WORDS).index(step) + 1
    assert html.count('aria-current="step"') == 1
    assertInHTML(
        f'<li class="list-inline-item" aria-current="step">'
        f"<strong>{number}. {step.title()}</strong></li>",
        html,
    )
    assert (">Back</button>" in html) == (step != "overview")


def test_labels_and_help_texts_are_the_templates(owner_client, draft):
    html = owner_client.get(step_url(draft, "details")).content.decode()
    assert label_of(html, "id_frameworks") == "ML Framework/Libraries"
    assert (
        "List relevant ML frameworks and libraries, e.g., TensorFlow, PyTorch, scikit-learn" in html
    )
    html = owner_client.get(step_url(draft, "impact")).content.decode()
    assert label_of(html, "id_priority") == "Priority"
    assert "<li><code>!p0</code>: Critical priority. Must be addressed immediately" in html
    html = owner_client.get(step_url(draft, "timeline")).content.decode()
    assert '<legend class="h6">Milestone 1</legend>' in html
    assert label_of(html, "id_milestones-0-title") == "Milestone"
    assert label_of(html, "id_milestones-0-date") == "Date"
    assert label_of(html, "id_assignees") == "Assignees"


# Each field as the template words it and as a person fills it in: (step, field id, label,
# input, required). "text 200" is a one-line box of at most 200 characters, "text" one without
# a limit of its own, "textarea" a box of four lines, "date" a date picker.
FIELDS = [
    ("overview", "id_name", "Issue Name", "text 200", True),
    ("overview", "id_related_project", "Related Model/Project", "text 200", False),
    ("details", "id_description", "Issue Description", "textarea", True),
    ("details", "id_expected_behavior", "Expected Behavior", "textarea", False),
    ("details", "id_proposed_solution", "Proposed Solution", "textarea", False),
    ("details", "id_frameworks", "ML Framework/Libraries", "text", False),
    ("details", "id_data_involved", "Data Involved", "textarea", False),
    ("details", "id_metrics-0-name", "Metric", "text 100", False),
    ("details", "id_metrics-0-unit", "Unit", "text 20", False),
    ("details", "id_links-0-target", "Target", "text 2000", False),
    ("details", "id_links-0-label", "Label", "text 200", False),
    ("impact", "id_business_impact", "Business Impact", "textarea", False),
    ("impact", "id_users_affected", "Users/Systems Affected", "textarea", False),
    ("timeline", "id_reported_date", "Reported Date", "date", False),
    ("timeline", "id_target_date", "Target Resolution Date", "date", False),
    ("timeline", "id_milestones-0-title", "Milestone", "text 200", False),
    ("timeline", "id_milestones-0-date", "Date", "date", False),
    ("timeline", "id_assignees", "Assignees", "text", False),
]


def test_each_field_has_its_label_its_kind_of_input_and_its_limit(owner_client, draft):
    steps = {step for step, *_ in FIELDS}
    pages = {step: owner_client.get(step_url(draft, step)).content.decode() for step in steps}
    for step, field_id, label, kind, required in FIELDS:
        html = pages[step]
        tag, attrs = element(html, field_id)
        if kind == "textarea":
            shown = (tag, attrs.get("rows"))
            assert shown == ("textarea", "4"), field_id
        else:
            input_type, _, limit = kind.partition(" ")
            shown = (tag, attrs.get("type"), attrs.get("maxlength"))
            assert shown == ("input", input_type, limit or None), field_id
        assert label_of(html, field_id) == label
        assert ("required" in attrs) is required, field_id
    # The dates have no hint of their own (a new draft without a priority is proposed none).
    assert help_text_of(pages["timeline"], "id_reported_date") is None
    assert help_text_of(pages["timeline"], "id_target_date") is None
    assert help_text_of(pages["timeline"], "id_milestones-0-date") is None


def test_reported_date_defaults_to_today(owner_client, draft):
    html = owner_client.get(step_url(draft, "timeline")).content.decode()
    assert f'value="{draft.reported_date.isoformat()}"' in html


def test_every_step_saves_into_the_draft_and_create_issue_opens_it(owner_client, owner):
    draft = fill_draft(owner_client)
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT
    assert draft.priority == "p1" and draft.milestones.count() == 3

    response = post_step(owner_client, draft, "review", full_steps()["review"], action="finish")

    assert response.status_code == 302 and response.url == f"/issues/{draft.pk}/"
    issue = Issue.objects.get(pk=draft.pk)
    assert issue.status == Issue.Status.OPEN and issue.reporter == owner
    saved = issue_to_dict(issue)
    expected = with_defaults(FULL)
    assert {key: saved[key] for key in COLLECTED} == {key: expected[key] for key in COLLECTED}
    assert not PendingEdit.objects.exists()


def test_next_moves_on_and_back_moves_back(owner_client, draft):
    steps = full_steps()
    assert post_step(owner_client, draft, "details", steps["details"]).url == step_url(
        draft, "impact"
    )
    assert post_step(owner_client, draft, "impact", steps["impact"], "back").url == step_url(
        draft, "details"
    )


def test_back_keeps_invalid_input_and_does_not_save_it(owner_client, draft):
    typed = {**full_steps()["details"], "description": "", "expected_behavior": "half a thought"}
    response = post_step(owner_client, draft, "details", typed, action="back")
    assert response.url == step_url(draft, "overview")

    draft.refresh_from_db()
    assert draft.expected_behavior == ""
    html = owner_client.get(step_url(draft, "details")).content.decode()
    assert "half a thought" in html
    assert "PyTorch, scikit-learn, pandas" in html
    assert '<a href="#id_description">Issue Description: This field is required.</a>' in html


def test_a_progress_step_button_saves_like_back(owner_client, draft):
    response = owner_client.post(
        step_url(draft, "impact"), {"business_impact": "costly", "priority": "", "goto": "overview"}
    )
    assert response.url == step_url(draft, "overview")
    html = owner_client.get(step_url(draft, "impact")).content.decode()
    assert "costly" in html and "This field is required." in html


def test_invalid_next_shows_errors_next_to_fields_and_a_linked_summary(owner_client, draft):
    response = post_step(owner_client, draft, "impact", {"business_impact": "x", "priority": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assertInHTML('<a href="#id_priority">Priority: This field is required.</a>', html)
    assert 'role="alert"' in html
    assert 'id="error_1_id_priority"' in html


def test_a_valid_step_replaces_what_was_typed_before(owner_client, draft):
    post_step(owner_client, draft, "impact", {"priority": ""}, action="back")
    post_step(owner_client, draft, "impact", {"priority": "p2"}, action="back")
    html = owner_client.get(step_url(draft, "impact")).content.decode()
    assert 'role="alert"' not in html
    assert PendingEdit.objects.get(issue=draft).typed == {}


def timeline(**fields):
    return {"reported_date": "2026-11-18", "target_date": "", "assignees": "", **fields}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            timeline(target_date="2026-11-17"),
            "id_target_date",
            "Target Resolution Date must not be before Reported Date.",
        ),
        (
            timeline(**milestone_rows([{"title": "Root cause", "date": ""}])),
            "id_milestones-0-date",
            "Enter the date of this milestone.",
        ),
        (
            timeline(**milestone_rows([{"title": "", "date": "2026-11-20"}])),
            "id_milestones-0-title",
            "Enter what this milestone is.",
        ),
        (
            timeline(assignees="alice-ml, -bob, carol--x"),
            "id_assignees",
            "Not a valid GitHub login: -bob, carol--x.",
        ),
    ],
)
def test_timeline_validation(owner_client, draft, data, field, message):
    response = post_step(owner_client, draft, "timeline", {**milestone_rows([]), **data})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#{field}">' in html
    assert html.count(message) == 2  # in the summary and next to the field
    assert not draft.milestones.exists()


def test_milestone_rows_without_their_management_data_are_refused(owner_client, draft):
    response = post_step(owner_client, draft, "timeline", timeline())
    assert response.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()


def test_blank_milestone_rows_are_ignored(owner_client, draft):
    rows = milestone_rows(
        [{"title": "", "date": ""}, {"title": "Fix deployed", "date": "2026-12-01"}]
    )
    response = post_step(owner_client, draft, "timeline", timeline(**rows))
    assert response.status_code == 302
    assert [(m.position, m.title) for m in draft.milestones.all()] == [(0, "Fix deployed")]


def test_add_and_remove_milestone_rows_without_javascript(owner_client, draft):
    rows = milestone_rows([{"title": "One", "date": "2026-11-20"}])
    response = post_step(owner_client, draft, "timeline", timeline(**rows), "add_milestone")
    assert response.url == step_url(draft, "timeline")
    html = owner_client.get(step_url(draft, "timeline")).content.decode()
    assert "Milestone 2</legend>" in html and 'value="One"' in html

    rows = milestone_rows(
        [{"title": "One", "date": "2026-11-20"}, {"title": "Two", "date": "2026-11-21"}]
    )
    response = owner_client.post(
        step_url(draft, "timeline"), {**timeline(**rows), "remove_milestone": "0"}
    )
    assert response.url == step_url(draft, "timeline")
    html = owner_client.get(step_url(draft, "timeline")).content.decode()
    assert 'value="Two"' in html and 'value="One"' not in html
    assert "Milestone 2</legend>" not in html
    assert [m.title for m in draft.milestones.all()] == ["Two"]


def test_body_over_githubs_limit_says_how_far_over(owner_client, draft):
    post_step(owner_client, draft, "details", {"description": "d"})
    base = len(owner_client.get(step_url(draft, "review")).context["body"])
    too_long = "x" * (65_536 - base + 1 + 1000)
    response = post_step(owner_client, draft, "details", {"description": too_long})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The issue is 1,000 characters over GitHub&#x27;s limit of 65,536 characters" in html
    assert '<a href="#id_description">' in html


def test_a_body_too_long_from_many_rows_is_refused_on_review(owner_client):
    steps = full_steps()
    milestones = [{"title": "m" * 200, "date": "2026-11-20"} for _ in range(400)]
    steps["timeline"].update(milestone_rows(milestones))
    draft = fill_draft(owner_client, steps)
    response = post_step(owner_client, draft, "review", {}, action="finish")
    assert response.url == step_url(draft, "review")
    html = owner_client.get(response.url).content.decode()
    assert "characters over GitHub&#x27;s limit of 65,536 characters" in html
    assert Issue.objects.get(pk=draft.pk).status == Issue.Status.DRAFT


def test_create_issue_sends_back_to_an_incomplete_step(owner_client, draft):
    post_step(owner_client, draft, "details", {"description": "d"})
    response = post_step(owner_client, draft, "review", {"ready": ["0", "2"]}, action="finish")
    assert response.url == step_url(draft, "impact")
    html = owner_client.get(response.url).content.decode()
    assert "Step “Impact” needs your attention" in html
    assert '<a href="#id_priority">Priority: This field is required.</a>' in html
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT
    # The ticks were saved, not kept as typed input.
    review = owner_client.get(step_url(draft, "review")).context["form"]
    assert not review.is_bound and review.initial["ready"] == [0, 2]


def test_create_issue_refuses_a_step_left_invalid(owner_client):
    draft = fill_draft(owner_client)
    post_step(owner_client, draft, "overview", {"name": "", "type": "training"}, action="back")
    response = post_step(owner_client, draft, "review", {}, action="finish")
    assert response.url == step_url(draft, "overview")
    assert Issue.objects.get(pk=draft.pk).status == Issue.Status.DRAFT


def test_review_previews_the_body_as_safe_html_and_saves_ticks(owner_client, draft):
    post_step(owner_client, draft, "details", {"description": "**bold** <script>alert(1)</script>"})
    response = post_step(owner_client, draft, "review", {"ready": ["1", "3"]}, action="back")
    assert response.url == step_url(draft, "timeline")
    html = owner_client.get(step_url(draft, "review")).content.decode()
    assert "<strong>bold</strong> &lt;script&gt;" in html
    assert "<script>alert" not in html
    for step in ("overview", "details", "impact", "timeline"):
        assert f'href="{step_url(draft, step)}"' in html
    ticks = [item.done for item in draft.checklist_items.filter(checklist="ready")]
    assert ticks == [False, True, False, True, False]


def test_another_user_gets_404_for_a_draft(draft, teammate):
    client = logged_in(teammate)
    for step in STEP_WORDS:
        assert client.get(step_url(draft, step)).status_code == 404
    response = post_step(client, draft, "details", {"description": "mine now"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.description == ""


def test_unknown_step_is_404(owner_client, draft):
    assert owner_client.get(f"/issues/{draft.pk}/steps/elsewhere/").status_code == 404


def test_two_drafts_at_once_do_not_mix(owner_client):
    first = start_draft(owner_client, {"name": "First", "type": "training"})
    second = start_draft(owner_client, {"name": "Second", "type": "deployment"})
    post_step(owner_client, first, "details", {"description": "about the first"})
    post_step(owner_client, second, "details", {"description": ""}, action="back")
    post_step(owner_client, second, "impact", {"priority": "p3"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.description, first.priority) == ("about the first", "")
    assert (second.description, second.priority) == ("", "p3")
    assert "about the first" not in owner_client.get(step_url(second, "details")).content.decode()


def count_queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(queries)


@pytest.mark.parametrize("step", list(STEP_WORDS))
def test_queries_per_step_do_not_grow_with_milestones(
    owner_client, step, django_assert_num_queries
):
    def draft_with(count):
        steps = full_steps()
        milestones = [{"title": f"M{i}", "date": "2026-11-20"} for i in range(count)]
        steps["timeline"].update(milestone_rows(milestones))
        return fill_draft(owner_client, steps)

    small, large = draft_with(1), draft_with(20)
    data = full_steps()[step] if step != "timeline" else timeline(**milestone_rows([]))
    get_small = count_queries(owner_client, "get", step_url(small, step))
    post_small = count_queries(owner_client, "post", step_url(small, step), data)
    with django_assert_num_queries(get_small):
        owner_client.get(step_url(large, step))
    with django_assert_num_queries(post_small):
        owner_client.post(step_url(large, step), data)
    assert get_small <= 12 and post_small <= 16  # metrics and links: two more tables
