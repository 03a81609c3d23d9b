"""Every Type of Issue, Environment and Priority the model allows, through the renderer.

Driven by the model's choices: a new choice that the renderer (or the list) has no words for
fails here, not in front of a user.
"""

import re
from html import escape

import pytest

from issues import markdown, template
from issues.badges import PRIORITY_BADGES, priority_badge
from issues.models import Issue
from tests.factories import BASE, make_issue

TYPES = [value for value, _ in Issue.Type.choices]
ENVIRONMENTS = [value for value, _ in Issue.Environment.choices]
PRIORITIES = [value for value, _ in Issue.Priority.choices]


def lines(text):
    return text.split("\n")


def test_every_type_has_a_label_of_its_own():
    assert set(TYPES) == set(template.TYPE_LABELS)
    labels = [template.TYPE_LABELS[value] for value in TYPES]
    assert len(set(labels)) == len(labels)
    assert all(label and label != template.NO_RESPONSE for label in labels)


@pytest.mark.parametrize(("value", "label"), Issue.Type.choices)
def test_each_type_is_written_as_its_label(value, label):
    body = markdown.render_body({**BASE, "type": value})
    assert f"**Type of Issue:** {label}" in lines(body)
    assert f"**Type of Issue:** {template.TYPE_LABELS[value]}" in lines(body)


def test_an_unknown_type_is_no_response_not_a_crash():
    body = markdown.render_body({**BASE, "type": "quantum"})
    assert f"**Type of Issue:** {template.NO_RESPONSE}" in lines(body)


@pytest.mark.parametrize(("value", "label"), Issue.Environment.choices)
def test_each_environment_is_written_as_the_template_writes_it(value, label):
    body = markdown.render_body({**BASE, "environment": value})
    assert f"- Environment: {label}" in lines(body)


def test_no_environment_is_no_response():
    body = markdown.render_body({**BASE, "environment": ""})
    assert f"- Environment: {template.NO_RESPONSE}" in lines(body)


@pytest.mark.parametrize(("value", "label"), Issue.Priority.choices)
def test_each_priority_is_written_labelled_and_in_the_legends(value, label):
    data = {**BASE, "priority": value}
    body = markdown.render_body(data)
    assert f"**Priority:** `{label}`" in lines(body)
    # The template's legends explain every priority the model allows.
    assert f"- `{label}`: " in markdown.PRIORITY_LEGEND
    assert f"- `{label}`: " in markdown.COMMUNICATION_LEGEND
    assert markdown.labels(data) == ["feature", "@dskit", label]
    assert markdown.github_payload(data)["labels"] == ["feature", "@dskit", label]
    assert f"labels: feature, @dskit, {label}\n" in markdown.render_front_matter(data)


@pytest.mark.parametrize(("value", "label"), Issue.Priority.choices)
def test_each_priority_has_a_badge_on_the_list(value, label):
    assert value in PRIORITY_BADGES
    assert priority_badge(value) == f'<span class="badge {PRIORITY_BADGES[value]}">{label}</span>'


def test_no_priority_is_no_response_and_no_label():
    data = {**BASE, "priority": ""}
    assert f"**Priority:** {template.NO_RESPONSE}" in lines(markdown.render_body(data))
    assert markdown.labels(data) == ["feature", "@dskit"]
    assert priority_badge("") == ""


def test_the_legends_name_no_priority_the_model_lacks():
    legend_priorities = re.findall(r"`(!p\d)`", markdown.PRIORITY_LEGEND)
    assert legend_priorities == [label for _, label in Issue.Priority.choices]
    assert set(PRIORITY_BADGES) == set(PRIORITIES)


@pytest.mark.django_db
def test_every_choice_reaches_the_list_and_the_issue_page(owner_client, owner):
    """Each type's label and each environment on the list's rows; each page's body export."""
    made = []
    for index, value in enumerate(TYPES):
        environment = ENVIRONMENTS[index % len(ENVIRONMENTS)]
        priority = PRIORITIES[index % len(PRIORITIES)]
        issue = make_issue(
            owner, name=f"Kind {value}", type=value, environment=environment, priority=priority
        )
        made.append((issue, value, environment, priority))
    html = owner_client.get("/").text
    for issue, value, environment, priority in made:
        row = html.split(f'href="/issues/{issue.pk}/">Kind {value}</a>')[1].split("</tr>")[0]
        type_label = escape(template.TYPE_LABELS[value])
        assert re.search(rf'data-label="Type of Issue">{re.escape(type_label)}</td>', row)
        assert f'data-label="Environment">{environment}</td>' in row
        assert re.search(rf'data-label="Priority"><span [^>]*>!{priority}</span></td>', row)
        body = owner_client.get(f"/issues/{issue.pk}/body.md").text
        assert f"**Type of Issue:** {template.TYPE_LABELS[value]}" in lines(body)
        assert f"- Environment: {environment}" in lines(body)
        assert f"**Priority:** `!{priority}`" in lines(body)


@pytest.mark.parametrize(
    ("key", "heading"),
    [
        ("todo", "### To-Do List 📝\n"),
        ("definition_of_ready", "This issue is ready to be worked on when:\n"),
        ("definition_of_done", "This issue is considered done when:\n"),
    ],
)
def test_each_checklist_is_written_under_its_own_heading_with_its_ticks(key, heading):
    items = [{"text": "Own item", "done": True}, {"text": "Second", "done": False}]
    body = markdown.render_body({**BASE, key: items})
    assert f"{heading}- [x] Own item\n- [ ] Second\n\n" in body
    assert body.count("- [x] ") == 1
