"""The template's words and values are defined once (issues/template.py, issues/choices.py,
issues/limits.py) and everything else reads them: the JSON schema, the models and their check
constraints, the forms and the pages."""

import typing

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from issues import limits, template
from issues.api.intake import Event
from issues.forms.guided import DetailsForm, LinkForm, MetricForm, OverviewForm
from issues.models import ChecklistItem, Issue
from issues.serialization import SCHEMA, validate
from tests.factories import BASE, make_issue
from tests.guided_support import start_draft, step_url

pytestmark = pytest.mark.django_db


def test_the_types_are_the_templates_everywhere():
    assert Issue.Type.values == list(template.TYPE_LABELS)
    assert Issue.Type.labels == list(template.TYPE_LABELS.values())
    assert SCHEMA["properties"]["type"]["enum"] == list(template.TYPE_LABELS)
    assert Issue.Type.TRAINING == "training" and Issue.Type.TRAINING.label == "Training"
    assert validate({**BASE, "type": "quantum"}) == [
        "type: 'quantum' is not one of " + ", ".join(map(repr, template.TYPE_LABELS))
    ]


def test_the_event_intake_takes_the_priorities():
    (allowed, _) = typing.get_args(Event.model_fields["priority"].annotation)
    assert list(typing.get_args(allowed)) == Issue.Priority.values


def test_the_schema_states_the_limits():
    properties = SCHEMA["properties"]
    metric = properties["metrics"]["items"]["properties"]
    link = properties["links"]["items"]["properties"]
    assert properties["name"]["maxLength"] == limits.SHORT_TEXT_MAX_LENGTH
    assert properties["related_project"]["maxLength"] == limits.SHORT_TEXT_MAX_LENGTH
    assert properties["milestones"]["items"]["properties"]["title"]["maxLength"] == (
        limits.SHORT_TEXT_MAX_LENGTH
    )
    assert link["label"]["maxLength"] == limits.SHORT_TEXT_MAX_LENGTH
    assert link["target"]["maxLength"] == limits.LINK_TARGET_MAX_LENGTH
    assert metric["name"]["maxLength"] == limits.METRIC_NAME_MAX_LENGTH
    assert metric["unit"]["maxLength"] == limits.METRIC_UNIT_MAX_LENGTH
    assert properties["metrics"]["maxItems"] == properties["links"]["maxItems"] == limits.ROWS_MAX


def test_the_forms_take_the_templates_labels_hints_and_limits():
    overview, details = OverviewForm.base_fields, DetailsForm.base_fields
    for key in ("name", "type", "related_project"):
        assert overview[key].label == template.FIELD_LABELS[key]
        assert overview[key].help_text == template.PLACEHOLDERS[key].strip("[]")
    for key in ("description", "expected_behavior", "frameworks", "environment"):
        assert details[key].label == template.FIELD_LABELS[key]
    assert overview["name"].max_length == limits.SHORT_TEXT_MAX_LENGTH
    assert MetricForm.base_fields["unit"].max_length == limits.METRIC_UNIT_MAX_LENGTH
    assert LinkForm.base_fields["target"].max_length == limits.LINK_TARGET_MAX_LENGTH
    assert Issue._meta.get_field("target_date").verbose_name == "Target Resolution Date"


@pytest.mark.parametrize(
    ("field", "value"), [("type", "quantum"), ("environment", "laptop"), ("priority", "p9")]
)
def test_the_database_refuses_a_value_outside_the_choices(owner, field, value):
    issue = make_issue(owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(**{field: value})


def test_the_database_refuses_a_checklist_kind_outside_the_choices(owner):
    item = make_issue(owner).checklist_items.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.filter(pk=item.pk).update(checklist="someday")


def test_the_issue_page_shows_the_templates_headings_and_labels(owner_client, owner):
    html = owner_client.get(reverse("issue-detail", args=[make_issue(owner).pk])).text
    for section in template.SECTIONS:
        assert f">{section.label}</h2>" in html, section
    for key in ("name", "type", "business_impact", "reported_date", "target_date"):
        assert template.FIELD_LABELS[key] in html


def test_the_guided_steps_show_the_templates_headings(owner_client):
    draft = start_draft(owner_client)
    for step, sections in [
        ("overview", [template.OVERVIEW]),
        ("details", [template.DETAILS, template.TODO]),
        ("impact", [template.IMPACT, template.PRIORITY]),
        ("timeline", [template.TIMELINE]),
    ]:
        html = owner_client.get(step_url(draft, step)).text
        for section in sections:
            emoji = f' <span aria-hidden="true">{section.emoji}</span>' if section.emoji else ""
            assert f'<h2 class="h4">{section.title}{emoji}</h2>' in html, (step, section)
    details = owner_client.get(step_url(draft, "details")).text
    assert all(f"<li>{item}</li>" in details for item in template.TODO_ITEMS)
