"""The canonical Markdown renderer against the golden files and every rule of markdown.md."""

import json

import pytest

from issues import markdown, template
from issues.serialization import clean, normalize
from tests.common_support import EXAMPLES

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def load(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def golden(filename):
    return (EXAMPLES / filename).read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_document_matches_golden_file(name):
    assert markdown.render_document(load(name)).encode() == (EXAMPLES / f"{name}.md").read_bytes()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_body_matches_golden_file(name):
    body = (EXAMPLES / f"{name}.body.md").read_bytes()
    assert markdown.render_body(load(name)).encode() == body


def minimal(**fields):
    """The minimal example with ``fields``, cleaned as every issue is before rendering (rule 4)."""
    return clean({**load("minimal"), **fields})


def section(body, start, end):
    return body[body.index(start) : body.index(end)]


def test_multiline_description_goes_below_label_with_code_block_and_blank_lines():
    text = "First line.\n\n```python\nx = 1\n\n    y = 2\n```\n\nLast."
    body = markdown.render_body(minimal(description=text))
    assert f"**Issue Description:**\n\n{text}\n\n**Expected Behavior:**" in body


def test_crlf_and_trailing_spaces_are_normalised():
    body = markdown.render_body(minimal(description="  line one  \r\nline two\t\r\n\r\n"))
    assert "**Issue Description:**\n\nline one\nline two\n\n**Expected Behavior:**" in body
    assert "\r" not in body


def test_lone_cr_is_a_line_break():
    assert normalize("a\rb") == "a\nb"


def test_multiline_business_impact_is_followed_by_blank_line():
    body = markdown.render_body(minimal(business_impact="Revenue.\nTrust.", users_affected="All"))
    assert "**Business Impact:**\n\nRevenue.\nTrust.\n\n**Users/Systems Affected:** All\n" in body


def test_multiline_users_affected_goes_below_label():
    body = markdown.render_body(minimal(users_affected="EU\nUS"))
    assert (
        "**Business Impact:** _No response_\n**Users/Systems Affected:**\n\nEU\nUS\n\n### Priority"
        in body
    )


def test_multiline_data_involved_stays_in_its_list_item():
    body = markdown.render_body(minimal(data_involved="snapshot A\n\nholdout B"))
    assert "- Data Involved: snapshot A\n\n  holdout B\n- Environment:" in body


def test_non_ascii_is_kept_as_is():
    name = "Übergröße im Modell — naïve 模型 🚀"
    doc = markdown.render_document(minimal(name=name))
    assert f'title: "dskit: {name}"\n' in doc
    assert f"**Issue Name:** {name}\n" in doc


def test_quotes_and_backslashes_in_name_are_escaped_in_front_matter_only():
    name = 'Path "C:\\models\\v3" fails'
    doc = markdown.render_document(minimal(name=name))
    assert 'title: "dskit: Path \\"C:\\\\models\\\\v3\\" fails"\n' in doc
    assert f"**Issue Name:** {name}\n" in doc


def test_user_checklist_items_follow_the_template_items():
    todo = [{"text": t, "done": i == 0} for i, t in enumerate(template.TODO_ITEMS)]
    todo.append({"text": "Add an alert", "done": True})
    body = markdown.render_body(minimal(todo=todo))
    assert "- [ ] Deploy to production (if applicable)\n- [x] Add an alert\n\n" in body
    assert "### To-Do List 📝\n- [x] Investigate root cause\n" in body


def test_absent_checklists_are_the_template_items_unticked():
    body = markdown.render_body(minimal())
    for item in template.TODO_ITEMS + template.READY_ITEMS + template.DONE_ITEMS:
        assert f"- [ ] {item}\n" in body
    assert "- [x]" not in body


def test_no_milestones_and_no_updates():
    body = markdown.render_body(minimal(milestones=[], updates=[]))
    assert "Milestones:\n_No response_\n" in body
    assert "key findings.]\n\n_No response_\n\n---\n" in body


def test_milestones_are_numbered_from_one():
    body = markdown.render_body(
        minimal(
            milestones=[{"title": "A", "date": "2026-01-02"}, {"title": "B", "date": "2026-02-03"}]
        )
    )
    assert "Milestones:\n1. A: 2026-01-02\n2. B: 2026-02-03\n\n" in body


def test_multiline_update_continues_indented():
    body = markdown.render_body(
        minimal(updates=[{"date": "2026-11-19", "text": "One\r\ntwo  \n\nthree"}])
    )
    assert "- 2026-11-19: One\n  two\n\n  three\n\n---" in body


@pytest.mark.parametrize(
    "type_value, label",
    [
        ("model_performance", "Model Performance"),
        ("data_quality", "Data Quality"),
        ("infrastructure", "Infrastructure"),
        ("other", "Other"),
    ],
)
def test_type_is_written_as_its_label(type_value, label):
    assert f"**Type of Issue:** {label}\n" in markdown.render_body(minimal(type=type_value))


def test_front_matter_without_assignees_and_with():
    assert "assignees: ''\n" in markdown.render_document(minimal())
    doc = markdown.render_document(minimal(assignees=["a", "b-c"], priority="p0"))
    assert "labels: feature, @dskit, !p0\nassignees: a, b-c\nprojects: ''\n---\n\n## Machine" in doc


def test_body_ends_in_exactly_one_newline():
    body = markdown.render_body(minimal())
    assert body.endswith("Jules Verne\n") and not body.endswith("\n\n")


def test_github_payload_follows_rule_12():
    payload = markdown.github_payload(load("full"))
    assert payload == {
        "title": "dskit: Recall of fraud model v3 dropped after weekly retraining",
        "body": golden("full.body.md"),
        "labels": ["feature", "@dskit", "!p1"],
        "assignees": ["alice-ml", "bob"],
    }
