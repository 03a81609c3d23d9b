"""The guided form's validation (issues/forms/guided.py) on its own, rule by rule."""

import datetime
import uuid

import pytest

from issues import markdown, template
from issues.forms import guided
from issues.limits import GITHUB_BODY_LIMIT
from issues.serialization import with_defaults
from tests.guided_support import FULL, full_steps, link_rows, metric_rows, milestone_rows

METRIC = ("recall@0.5", "0.71", "0.8", "0.86", "lower_is_better", "%", "2026-11-20T08:14:03")


def timeline(data=None, **fields):
    return guided.TimelineForm(
        {**full_steps()["timeline"], **milestone_rows([]), **fields} if data is None else data,
        issue_data=with_defaults(FULL),
    )


def details(metrics=(), links=(), issue_data=None, **fields):
    data = {**full_steps()["details"], **metric_rows(*metrics), **link_rows(*links), **fields}
    return guided.DetailsForm(data, issue_data=with_defaults(issue_data or FULL))


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
    # "@login" is how people write a login: saved without the @.
    form = timeline(assignees="@ok-1, fine")
    assert form.is_valid(), form.errors
    assert form.to_dict()["assignees"] == ["ok-1", "fine"]


def test_a_milestone_with_a_wrong_date_gets_that_error_alone():
    form = timeline(**milestone_rows([{"title": "Ship", "date": "2026-13-45"}]))
    assert not form.is_valid()
    assert form.milestones[0].errors == {"date": ["Enter a valid date."]}


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


def test_the_overflow_is_reported_at_a_text_only_while_one_character_of_it_can_stay():
    length = guided.GITHUB_BODY_LIMIT  # the description: the longest text
    data = with_defaults({**FULL, "description": "d" * length, "business_impact": "b"})
    over = len(markdown.render_body(data)) - guided.GITHUB_BODY_LIMIT
    # The Business Impact that puts the body exactly the description's length over.
    data["business_impact"] = "b" * (1 + length - over)
    assert len(markdown.render_body(data)) - guided.GITHUB_BODY_LIMIT == length
    assert guided.DetailsForm.bound_to(data).is_valid()  # the whole description would go
    data["business_impact"] = data["business_impact"][1:]
    assert guided.DetailsForm.bound_to(data).errors == {
        "description": [guided.overflow_message(guided.GITHUB_BODY_LIMIT + length - 1)]
    }


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


def test_a_metric_row_needs_a_name_and_a_value_and_a_blank_row_is_ignored():
    form = details(
        metrics=[
            ("recall", "", "", "", "higher_is_better", "", ""),
            ("", "3", "", "", "", "", ""),
            ("", "", "", "", "lower_is_better", "", ""),  # the direction alone: blank
            ("", "", "", "", "", "ms", ""),
        ],
        links=[("", "https://x.example", ""), ("run", "s3://bucket", ""), ("", "", "Only a label")],
    )
    assert not form.is_valid()
    target_message = (
        "Enter an http(s) URL or an MLflow URI (models:/NAME/VERSION, runs:/RUN_ID/PATH)."
    )
    assert form.error_items() == [
        ("id_metrics-0-value", "Metric 1, Value", "Enter the value of this metric."),
        ("id_metrics-1-name", "Metric 2, Metric", "Enter the name of this metric."),
        ("id_metrics-3-name", "Metric 4, Metric", "Enter the name of this metric."),
        ("id_links-0-kind", "Link 1, Kind", "Select what this link is to."),
        ("id_links-1-target", "Link 2, Target", target_message),
        ("id_links-2-target", "Link 3, Target", "Enter where this link points."),
    ]


def test_a_row_field_with_its_own_error_gets_no_second_one():
    form = details(
        metrics=[("m" * 101, "3", "", "", "", "", ""), ("p95", "fast", "", "", "", "", "")],
        links=[("run", "ftp://x", "l")],
    )
    assert not form.is_valid()
    assert form.metrics[0].errors == {
        "name": ["Ensure this value has at most 100 characters (it has 101)."]
    }
    assert form.metrics[1].errors == {"value": ["Enter a number."]}
    assert list(form.links[0].errors) == ["target"] and len(form.links[0].errors["target"]) == 1


def test_metric_and_link_rows_are_saved_as_typed_with_the_defaults():
    form = details(
        metrics=[METRIC, ("p95 latency", "0", "", "", "", "", "")],
        links=[("model", "  models:/fraud/12 ", "v12"), ("", "", "")],
    )
    assert form.is_valid(), (form.metrics.errors, form.links.errors)
    values = form.to_dict()
    assert values["metrics"] == [
        {
            "name": "recall@0.5",
            "value": 0.71,
            "baseline": 0.86,
            "threshold": 0.8,
            "direction": "lower_is_better",
            "unit": "%",
            "observed_at": "2026-11-20T08:14:03+00:00",
        },
        {
            "name": "p95 latency",
            "value": 0.0,
            "baseline": None,
            "threshold": None,
            "direction": "higher_is_better",
            "unit": "",
            "observed_at": None,
        },
    ]
    assert values["links"] == [{"kind": "model", "target": "models:/fraud/12", "label": "v12"}]
    assert set(values) == set(guided.DetailsForm.keys)


@pytest.mark.parametrize(
    ("time_zone", "shown"), [("UTC", "2026-11-20T08:14:03"), ("Asia/Tokyo", "2026-11-20T17:14:03")]
)
def test_saved_rows_are_shown_again_in_local_time(settings, time_zone, shown):
    settings.TIME_ZONE = time_zone
    metric = {"name": "psi", "value": 0.3, "direction": "lower_is_better"}
    link = {"kind": "run", "target": "runs:/abc/model", "label": "run"}
    data = {**FULL, "metrics": [{**metric, "observed_at": "2026-11-20T08:14:03Z"}], "links": [link]}
    form = guided.DetailsForm(issue_data=with_defaults(data))
    [row] = form.metrics
    assert {name: row[name].value() for name in ("name", "value", "observed_at")} == {
        "name": "psi",
        "value": 0.3,
        "observed_at": shown,
    }
    [row] = form.links
    assert {name: row[name].value() for name in guided.LinkForm.FIELDS} == link
    # Saved again unchanged (the moment, not the wall clock time).
    again = guided.DetailsForm.bound_to(with_defaults(data))
    assert again.is_valid(), again.metrics.errors
    observed = datetime.datetime.fromisoformat(again.to_dict()["metrics"][0]["observed_at"])
    assert observed == datetime.datetime(2026, 11, 20, 8, 14, 3, tzinfo=datetime.UTC)


def test_an_issue_without_rows_is_offered_one_blank_row_of_each():
    form = guided.DetailsForm(issue_data=with_defaults(FULL))
    assert [len(form.metrics), len(form.links)] == [1, 1]
    assert not any(form.metrics[0][name].value() for name in guided.MetricForm.FILLED_BY)
    assert not any(form.links[0][name].value() for name in guided.LinkForm.FIELDS)
    form = guided.TimelineForm(issue_data=with_defaults({**FULL, "milestones": []}))
    assert [(row["title"].value(), row["date"].value()) for row in form.milestones] == [("", "")]


def test_own_todo_items_of_300_characters_and_one_of_301():
    data = {**FULL, "todo": [*FULL["todo"][:6], {"text": "Ticked before", "done": True}]}
    form = details(issue_data=data, todo=f"Ticked before\n{'i' * 300}\n")
    assert form.is_valid(), form.errors
    assert form.to_dict()["todo"][6:] == [
        {"text": "Ticked before", "done": True},
        {"text": "i" * 300, "done": False},
    ]
    form = details(todo="0123456789abcdefghijk" + "x" * 280)
    assert form.errors["todo"] == [
        "“0123456789abcdefghij…” is too long: at most 300 characters per item."
    ]


def test_own_todo_items_are_shown_one_per_line():
    own = [{"text": "First", "done": False}, {"text": "Second", "done": True}]
    data = with_defaults({**FULL, "todo": [*FULL["todo"][:6], *own]})
    assert guided.DetailsForm(issue_data=data).initial["todo"] == "First\nSecond"


def test_a_name_of_invisible_characters_is_refused():
    form = guided.OverviewForm(
        {**full_steps()["overview"], "name": "\u200b\u202e"}, issue_data=with_defaults(FULL)
    )
    assert form.errors["name"] == ["Issue Name must have a visible character."]


def test_each_new_overview_is_named_once():
    first, second = (guided.OverviewForm(issue_data={})["start"].value() for _ in range(2))
    assert uuid.UUID(first) != uuid.UUID(second)


def test_a_new_timeline_starts_reported_today():
    form = guided.TimelineForm(issue_data={})
    assert form["reported_date"].value() == datetime.date.today()


@pytest.mark.parametrize(("priority", "days", "words"), [("p0", 1, "1 day"), ("p1", 14, "14 days")])
def test_a_new_draft_is_proposed_its_priority_deadline(priority, days, words):
    data = {**with_defaults(FULL), "status": "draft", "priority": priority, "target_date": None}
    form = guided.TimelineForm(issue_data=data)
    form.propose_target()
    proposed = datetime.date.fromisoformat(FULL["reported_date"]) + datetime.timedelta(days=days)
    assert form["target_date"].value() == proposed
    assert f'type="date" name="target_date" value="{proposed.isoformat()}"' in str(
        form["target_date"]
    )
    assert form.fields["target_date"].help_text == (
        f"YYYY-MM-DD. Proposed: the Reported Date plus the !{priority} deadline ({words}); "
        "change it or clear it."
    )


@pytest.mark.parametrize(
    "change", [{"status": "open"}, {"target_date": "2026-12-24"}, {"priority": "p3"}]
)
def test_no_target_is_proposed_to_an_issue_a_target_or_a_priority_without_deadline(change):
    data = {**with_defaults(FULL), "status": "draft", "target_date": None, **change}
    form = guided.TimelineForm(issue_data=data)
    help_text = form.fields["target_date"].help_text
    form.propose_target()
    assert form["target_date"].value() == change.get("target_date")
    assert form.fields["target_date"].help_text == help_text


@pytest.mark.parametrize("written", [template.NO_RESPONSE, f"  {template.NO_RESPONSE}\n"])
def test_a_required_field_written_as_the_markdowns_no_response_is_refused(written):
    form = details(description=written)
    assert not form.is_valid()
    assert form.errors["description"] == [
        "“_No response_” is how the Markdown writes an unanswered Issue Description: "
        "write the Issue Description itself."
    ]
    placeholder = template.PLACEHOLDERS["description"]
    assert "is how the Markdown writes" in details(description=placeholder).errors["description"][0]
    assert details(description=f"{template.NO_RESPONSE} yet, see the logs").is_valid()
