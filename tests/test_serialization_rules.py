"""The JSON form's rules, each message exactly, and the conversions between the model and it."""

import datetime

import pytest

from issues.limits import GITHUB_BODY_LIMIT
from issues.markdown import render_body
from issues.models import ChecklistItem, Issue
from issues.serialization import (
    SCHEMA,
    apply_dict,
    checklist_rows,
    clean,
    create_issue,
    issue_to_dict,
    validate,
    validate_item,
    with_defaults,
)
from issues.template import CHECKLIST_ITEMS
from tests.factories import make_issue
from tests.guided_support import FULL

MINIMAL = {"name": "n", "type": "other", "description": "d", "priority": "p1"}


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        ([MINIMAL], ["(issue): expected an object, got list"]),
        ("x", ["(issue): expected an object, got str"]),
        (
            {"type": "other", "priority": "p1"},
            ["name: is required", "description: is required"],
        ),
        ({**MINIMAL, "b": 1, "a": 2}, ["(issue): unknown field 'a', 'b'"]),
        (
            {**MINIMAL, "milestones": [{"title": "t", "date": "2026-01-01", "x": 1}]},
            ["milestones[0]: unknown field 'x'"],
        ),
        (
            {**MINIMAL, "environment": "moon"},
            ["environment: 'moon' is not one of '', 'development', 'staging', 'production'"],
        ),
        ({**MINIMAL, "name": "a\rb"}, ["name: must not contain a line break"]),
        (
            {**MINIMAL, "name": " _No response_ ", "description": "_No response_"},
            [
                "name: “_No response_” is how the Markdown writes an unanswered Issue Name: "
                "write the Issue Name itself",
                "description: “_No response_” is how the Markdown writes an unanswered Issue "
                "Description: write the Issue Description itself",
            ],
        ),
        (
            {**MINIMAL, "frameworks": ["ok", "a\nb"]},
            ["frameworks[1]: must not contain a comma or a line break"],
        ),
        (
            {**MINIMAL, "assignees": ["ok", "bad login"]},
            ["assignees[1]: 'bad login' is not a valid GitHub login"],
        ),
        (
            {**MINIMAL, "target_date": "26-01-01"},
            ["target_date: '26-01-01' is not a valid date (YYYY-MM-DD)"],
        ),
        ({**MINIMAL, "name": ""}, ["name: must not be empty"]),
        ({**MINIMAL, "name": "   "}, ["name: must not be blank"]),
        ({**MINIMAL, "description": " \n "}, ["description: must not be blank"]),
        (
            {**MINIMAL, "name": "   ", "description": "  "},
            ["name: must not be blank", "description: must not be blank"],
        ),
        (
            {**MINIMAL, "todo": [{"text": "t", "done": "yes"}]},
            ["todo[0].done: 'yes' is not of type 'boolean'"],
        ),
        (
            {**MINIMAL, "related_project": "r" * 201, "priority": "p7"},
            [
                "priority: 'p7' is not one of 'p0', 'p1', 'p2', 'p3'",
                "related_project: must be at most 200 characters",
            ],
        ),
        (
            {**MINIMAL, "github": {"number": 0, "url": "https://github.com/o/r/issues/3"}},
            ["github.number: 0 is less than the minimum of 1"],
        ),
        (
            {**MINIMAL, "github": {"number": 3, "url": "https://x"}},
            ["github.url: 'https://x' is not an http or https URL"],
        ),
        (
            {**MINIMAL, "github": {"number": 2**31, "url": "https://github.com/o/r/issues/3"}},
            ["github.number: must be at most 2147483647"],
        ),
        ({**MINIMAL, "github": {"number": 3, "url": "https://github.com/o/r/issues/3"}}, []),
        ({**MINIMAL, "name": "\u200b\u202e"}, ["name: must have a visible character"]),
        ({**MINIMAL, "name": "a\x00b"}, ["name: must not contain a NUL character"]),
        # Both ends of the surrogate range; the character after it is a real one.
        *(
            (
                {**MINIMAL, "description": f"d{char}"},
                ["description: must not contain a lone surrogate (text that is not valid Unicode)"],
            )
            for char in ("\ud800", "\udfff")
        ),
        ({**MINIMAL, "description": "d\ue000"}, []),
        # Every string is looked at, however deep, each named by its path.
        (
            {**MINIMAL, "name": "a\x00", "frameworks": ["ok"], "a\x00": 1},
            [
                "(issue): a field name must not contain a NUL character",
                "name: must not contain a NUL character",
            ],
        ),
        (
            {**MINIMAL, "milestones": [{"title": "t\x00", "date": "2026-01-01"}, {"\x00": 1}]},
            [
                "milestones[0].title: must not contain a NUL character",
                "milestones[1]: a field name must not contain a NUL character",
            ],
        ),
        # A draft may lack its description and priority; an issue may not.
        ({**MINIMAL, "status": "draft", "description": "", "priority": ""}, []),
        (
            {**MINIMAL, "status": "open", "description": "", "priority": ""},
            ["description: must not be empty", "priority: '' is not one of 'p0', 'p1', 'p2', 'p3'"],
        ),
        ({**MINIMAL, "reported_date": "2026-01-02", "target_date": "2026-01-01"}, None),
        ({**MINIMAL, "reported_date": "2026-01-02", "target_date": "2026-01-02"}, []),
        ({**MINIMAL, "target_date": None}, []),
    ],
)
def test_each_rule_has_its_message(data, problems):
    found = validate(data)
    if problems is None:
        assert len(found) == 1
    else:
        assert found == problems


def test_a_body_at_githubs_limit_and_one_over():
    data = {**MINIMAL, "description": "d"}
    room = GITHUB_BODY_LIMIT - len(render_body(with_defaults(data)))
    assert validate({**data, "description": "d" * (1 + room)}) == []
    assert validate({**data, "description": "d" * (2 + room)}) == [
        f"(issue): 1 character over GitHub's limit of {GITHUB_BODY_LIMIT:,} characters (its "
        f"body would be {GITHUB_BODY_LIMIT + 1:,})"
    ]


@pytest.mark.parametrize(
    ("key", "item", "problems"),
    [
        ("updates", {"date": "2026-01-01", "text": "Retrained"}, []),
        ("updates", {"date": "2026-01-01", "text": " \n "}, ["text: must not be blank"]),
        ("updates", {"date": "2026-01-01", "text": ""}, ["text: must not be empty"]),
        ("updates", {"date": "2026-01-01"}, ["text: is required"]),
        ("updates", {"text": "Retrained"}, ["date: is required"]),
        (
            "updates",
            {"date": "01/02/2026", "text": "  "},
            ["date: '01/02/2026' is not a valid date (YYYY-MM-DD)"],
        ),
        (
            "updates",
            {"date": "2026-01-01", "text": "t", "by": "me"},
            ["(body): unknown field 'by'"],
        ),
        ("updates", ["2026-01-01", "t"], ["(body): ['2026-01-01', 't'] is not of type 'object'"]),
        ("todo", {"text": "Label data", "done": "yes"}, ["done: 'yes' is not of type 'boolean'"]),
        ("todo", {"text": "x" * 301, "done": False}, ["text: must be at most 300 characters"]),
    ],
)
def test_each_item_rule_has_its_message_named_within_the_item(key, item, problems):
    assert validate_item(key, item) == problems


def test_with_defaults_fills_in_what_the_importer_stores():
    full = with_defaults({**MINIMAL, "name": "  Name \r\n", "users_affected": "u  \r\nv "})
    assert full["name"] == "Name"
    assert full["users_affected"] == "u\nv"
    assert full["reported_date"] == datetime.date.today().isoformat()
    assert full["target_date"] is None
    assert full["status"] == Issue.Status.OPEN
    for key in ("related_project", "expected_behavior", "proposed_solution", "data_involved"):
        assert full[key] == ""
    for key in ("frameworks", "milestones", "updates", "assignees"):
        assert full[key] == []
    assert full["environment"] == ""
    for key, checklist in [
        ("todo", ChecklistItem.Kind.TODO),
        ("definition_of_ready", ChecklistItem.Kind.READY),
        ("definition_of_done", ChecklistItem.Kind.DONE),
    ]:
        assert full[key] == [{"text": text, "done": False} for text in CHECKLIST_ITEMS[checklist]]
    given = [{"text": "Mine", "done": True}]
    assert with_defaults({**MINIMAL, "todo": given})["todo"] == given


def test_checklist_rows_know_the_templates_items_by_position_and_text():
    issue = Issue(pk=1)
    template = CHECKLIST_ITEMS[ChecklistItem.Kind.READY]
    items = [
        {"text": template[0] + "  ", "done": True},
        {"text": "Changed wording", "done": False},
        {"text": template[1], "done": False},
        *({"text": text, "done": False} for text in template[3:]),
        {"text": template[0], "done": False},
    ]
    cleaned = clean({"definition_of_ready": items})["definition_of_ready"]
    rows = checklist_rows(issue, "definition_of_ready", cleaned)
    assert [row.from_template for row in rows] == [True, False, False, True, True, False]
    assert [row.position for row in rows] == list(range(len(items)))
    assert rows[0].text == template[0]
    assert rows[0].done is True
    assert {row.checklist for row in rows} == {ChecklistItem.Kind.READY}


@pytest.mark.django_db
def test_issue_to_dict_round_trips_and_names_the_github_issue(owner):
    issue = make_issue(owner, **{k: v for k, v in FULL.items() if k != "status"})
    data = issue_to_dict(issue)
    expected = with_defaults(FULL)
    assert data == expected
    assert list(data) == [key for key in SCHEMA["properties"] if key != "github"]
    Issue.objects.filter(pk=issue.pk).update(github_number=12, github_url="https://g/12")
    data = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert data["github"] == {"number": 12, "url": "https://g/12"}


@pytest.mark.django_db
def test_issue_to_dict_gives_the_templates_items_for_a_checklist_without_rows(owner):
    issue = make_issue(owner)
    ChecklistItem.objects.filter(issue=issue, checklist=ChecklistItem.Kind.DONE).delete()
    data = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert data["definition_of_done"] == [
        {"text": text, "done": False} for text in CHECKLIST_ITEMS[ChecklistItem.Kind.DONE]
    ]
    assert "github" not in data


@pytest.mark.django_db
def test_apply_dict_writes_only_the_keys_given(owner):
    issue = make_issue(owner, **{k: v for k, v in FULL.items() if k != "status"})
    before = issue_to_dict(issue)
    apply_dict(issue, {"name": " Renamed \r\n", "target_date": None, "frameworks": [" jax "]})
    after = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert after["name"] == "Renamed"
    assert after["target_date"] is None
    assert after["frameworks"] == ["jax"]
    for key in set(before) - {"name", "target_date", "frameworks"}:
        assert after[key] == before[key], key
    apply_dict(issue, {"reported_date": "2026-01-01", "target_date": "2026-01-01"})
    fresh = Issue.objects.get(pk=issue.pk)
    assert (fresh.reported_date, fresh.target_date) == (datetime.date(2026, 1, 1),) * 2


@pytest.mark.django_db
def test_apply_dict_replaces_the_metrics_and_links_and_sets_the_choices(owner):
    issue = make_issue(owner)
    metric = {
        "name": "psi",
        "value": 0.31,
        "baseline": None,
        "threshold": 0.2,
        "direction": "lower_is_better",
        "unit": "",
        "observed_at": "2026-11-20T08:14:03+00:00",
    }
    link = {"kind": "run", "target": "runs:/abc/model", "label": "training run"}
    apply_dict(
        issue,
        {"type": "monitoring", "environment": "staging", "metrics": [metric], "links": [link]},
    )
    data = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert (data["type"], data["environment"]) == ("monitoring", "staging")
    assert (data["metrics"], data["links"]) == ([metric], [link])
    apply_dict(issue, {"metrics": [], "links": []})
    data = issue_to_dict(Issue.objects.get(pk=issue.pk))
    assert (data["metrics"], data["links"]) == ([], [])


@pytest.mark.django_db
def test_a_metric_given_only_its_name_and_value_gets_the_defaults():
    issue = create_issue({**MINIMAL, "metrics": [{"name": "psi", "value": 0.31}]})
    assert issue_to_dict(Issue.objects.get(pk=issue.pk))["metrics"] == [
        {
            "name": "psi",
            "value": 0.31,
            "baseline": None,
            "threshold": None,
            "direction": "higher_is_better",
            "unit": "",
            "observed_at": None,
        }
    ]


@pytest.mark.django_db
def test_issue_to_dict_of_an_issue_just_created_with_text_dates(owner):
    issue = Issue.objects.create(
        name="n",
        type="other",
        description="d",
        priority="p1",
        reported_date="2026-01-02",
        target_date="2026-02-03",
        reporter=owner,
    )
    data = issue_to_dict(issue)
    assert (data["reported_date"], data["target_date"]) == ("2026-01-02", "2026-02-03")


@pytest.mark.django_db
def test_apply_dict_ticks_by_position_and_leaves_later_items(owner):
    issue, other = make_issue(owner), make_issue(owner)
    ChecklistItem.objects.create(
        issue=issue, checklist=ChecklistItem.Kind.TODO, position=6, text="Added later", done=True
    )
    todo = [
        {"text": text, "done": i in (0, 2)}
        for i, text in enumerate(issue_to_dict(issue)["todo"][:6])
    ]
    apply_dict(issue, {"todo": todo, "milestones": [{"title": "M", "date": "2026-02-03"}]})
    ticks = list(
        ChecklistItem.objects.filter(issue=issue, checklist=ChecklistItem.Kind.TODO)
        .order_by("position")
        .values_list("done", flat=True)
    )
    assert ticks == [True, False, True, False, False, False, True]
    milestones = list(issue.milestones.values_list("position", "title", "date"))
    assert milestones == [(0, "M", datetime.date(2026, 2, 3))]
    # The other checklists, and the other issues' To-Do Lists, are not touched.
    assert not ChecklistItem.objects.filter(
        issue=issue, checklist=ChecklistItem.Kind.READY, done=True
    ).exists()
    assert not other.checklist_items.filter(done=True).exists()
