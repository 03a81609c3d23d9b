"""The guided form's validation (issues/forms/guided.py) on its own, rule by rule."""

import datetime

import pytest

from issues import markdown
from issues.forms import guided
from issues.limits import GITHUB_BODY_LIMIT
from issues.serialization import with_defaults
from tests.guided_support import FULL, full_steps, milestone_rows


def timeline(data=None, **fields):
    return guided.TimelineForm(
        {**full_steps()["timeline"], **milestone_rows([]), **fields} if data is None else data,
        issue_data=with_defaults(FULL),
    )


def test_comma_lists_drop_blanks_and_spaces():
    assert guided._comma_list(" a, ,b ,, c ") == ["a", "b", "c"]
    assert guided._comma_list("") == []


def test_a_blank_reported_date_is_today_and_a_target_may_be_blank():
    form = timeline(reported_date="", target_date="")
    assert form.is_valid(), form.errors
    assert form.to_dict()["reported_date"] == datetime.date.today().isoformat()
    assert form.to_dict()["target_date"] is None


def test_target_date_on_the_day_and_the_day_before():
    assert timeline(reported_date="2026-05-05", target_date="2026-05-05").is_valid()
    form = timeline(reported_date="2026-05-05", target_date="2026-05-04")
    assert not form.is_valid()
    assert form.errors["target_date"] == [
        "Target Resolution Date must not be before Reported Date."
    ]


def test_milestone_rows_half_filled_blank_and_whole():
    rows = [
        {"title": "Only a title", "date": ""},
        {"title": "", "date": "2026-05-06"},
        {"title": "", "date": ""},
        {"title": "Whole", "date": "2026-05-07"},
    ]
    form = timeline(**milestone_rows(rows))
    assert not form.is_valid()
    assert form.error_items() == [
        ("id_milestones-0-date", "Milestone 1, Date", "Enter the date of this milestone."),
        ("id_milestones-1-title", "Milestone 2, Milestone", "Enter what this milestone is."),
    ]
    form = timeline(**milestone_rows(rows[2:]))
    assert form.is_valid()
    assert form.to_dict()["milestones"] == [{"title": "Whole", "date": "2026-05-07"}]


def test_assignees_each_checked():
    form = timeline(assignees="ok-1, -bad, also--bad, fine")
    assert not form.is_valid()
    assert form.errors["assignees"] == [
        "Not a valid GitHub login: -bad, also--bad. A login has letters, digits and single "
        "hyphens (not at the start or end), at most 39 characters."
    ]
    assert timeline(assignees="ok-1, fine").is_valid()


def test_rows_from_and_with_rows():
    prefix, fields = guided.ROW_SETS["milestone"]
    assert (prefix, fields) == ("milestones", ("title", "date"))
    data = {"milestones-TOTAL_FORMS": "2", "milestones-0-title": "A", "milestones-0-date": "d"}
    assert guided.rows_from(data, prefix, fields) == [("A", "d"), ("", "")]
    assert guided.rows_from({}, prefix, fields) == []
    assert len(guided.rows_from({"milestones-TOTAL_FORMS": "5000"}, prefix, fields)) == 1000
    replaced = guided.with_rows(
        {"milestones-9-title": "old", "reported_date": "r"}, prefix, fields, [("T", "D")]
    )
    assert replaced == {
        "reported_date": "r",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "T",
        "milestones-0-date": "D",
    }
    # The same mechanism serves every row set: each keeps the others' keys.
    for prefix, fields in guided.ROW_SETS.values():
        row = tuple(f"v{index}" for index in range(len(fields)))
        data = guided.with_rows({"other": "x"}, prefix, fields, [row])
        assert guided.rows_from(data, prefix, fields) == [row]
        assert data["other"] == "x"


def test_a_saved_step_validates_again_as_it_was_saved():
    data = with_defaults(FULL)
    for form_class in guided.STEP_FORMS.values():
        form = form_class.bound_to(data)
        assert form.is_valid(), (form_class, form.errors)
        for key, value in form.to_dict().items():
            assert value == data[key], key


def test_the_overflow_is_reported_at_the_longest_text_only_when_that_can_fix_it():
    data = with_defaults({**FULL, "description": "d"})
    room = GITHUB_BODY_LIMIT - len(markdown.render_body(data))
    # The longest text is the description: reported there.
    over = {**data, "description": "d" * (room + 2)}
    form = guided.DetailsForm.bound_to(over)
    assert form.errors == {"description": [guided.overflow_message(GITHUB_BODY_LIMIT + 1)]}
    # The longest text is on another step: this step is valid (Create issue reports it).
    elsewhere = {**data, "business_impact": "b" * (room + 2 + len(data["business_impact"]))}
    assert guided.DetailsForm.bound_to(elsewhere).is_valid()
    assert not guided.ImpactForm.bound_to(elsewhere).is_valid()


def test_review_keeps_the_items_and_sets_the_ticks():
    items = [{"text": "a", "done": True}, {"text": "b", "done": False}]
    form = guided.ReviewForm({"ready": ["1"]}, issue_data={"definition_of_ready": items})
    assert form.is_valid()
    assert form.to_dict() == {
        "definition_of_ready": [{"text": "a", "done": False}, {"text": "b", "done": True}]
    }
    assert guided.ReviewForm(issue_data={"definition_of_ready": items}).initial == {"ready": [0]}


def test_every_collected_key_has_a_label():
    assert set(guided.FORM_KEYS) <= set(guided.FIELD_LABELS)
    assert guided.FIELD_LABELS["milestones"] == "Milestones"
    assert guided.FIELD_LABELS["name"] == "Issue Name"
    assert guided.FIELD_LABELS["definition_of_ready"] == "Definition of Ready"


@pytest.mark.parametrize("field", ["name", "related_project"])
def test_single_line_fields_refuse_a_line_break(field):
    form = guided.OverviewForm(
        {**full_steps()["overview"], field: "a\nb"}, issue_data=with_defaults(FULL)
    )
    assert not form.is_valid()
    label = form.fields[field].label
    assert form.errors[field] == [f"{label} must be a single line."]
