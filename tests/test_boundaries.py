"""Boundaries: every date rule on its day, every length limit at the limit and one over,
the list's pages at their edges. Through the page and the command line where both exist."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from issues import github, markdown
from issues.forms.guided import DetailsForm, overflow_message
from issues.limits import GITHUB_BODY_LIMIT
from issues.models import ChecklistItem, Issue
from issues.serialization import validate, with_defaults
from issues.views.browse import PAGE_SIZE
from tests.factories import bulk_issues, make_issue
from tests.guided_support import FULL, full_steps, milestone_rows, post_step, start_draft
from tests.list_support import ids_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
REPORTED = datetime.date(2026, 11, 18)
# A GitHub login at its longest: 39 characters.
LONGEST_LOGIN = "a" + "-b" * 19


def import_one(tmp_path, **changes):
    """``import_issues`` of full.json with ``changes``: (new ids, the problems it printed)."""
    path = tmp_path / "issue.json"
    path.write_text(json.dumps({**FULL, **changes}), encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_issues", str(path), stdout=out, stderr=err)
    except CommandError as error:
        assert error.returncode == 2
    problems = [line.removeprefix(f"{path}: ") for line in err.getvalue().splitlines()]
    return [int(word) for word in out.getvalue().split()], problems


def errors_of(response):
    """The messages of the step's error summary."""
    return re.findall(r'<a href="#[^"]+">([^<]*)</a>', response.text.split('role="alert"')[1])


def timeline(**fields):
    data = {**full_steps()["timeline"], **milestone_rows([]), **fields}
    return data


# Target Resolution Date: not before the Reported Date -----------------------------------


@pytest.mark.parametrize(("target", "allowed"), [(REPORTED, True), (REPORTED - DAY, False)])
def test_target_date_on_the_reported_day_is_allowed_on_the_page(owner_client, target, allowed):
    draft = start_draft(owner_client)
    response = post_step(
        owner_client,
        draft,
        "timeline",
        timeline(reported_date=REPORTED.isoformat(), target_date=target.isoformat()),
    )
    draft.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert draft.target_date == target
    else:
        assert response.status_code == 200
        assert errors_of(response) == [
            "Target Resolution Date: Target Resolution Date must not be before Reported Date."
        ]
        assert draft.target_date != target


@pytest.mark.parametrize(("target", "allowed"), [(REPORTED, True), (REPORTED - DAY, False)])
def test_target_date_on_the_reported_day_is_allowed_on_the_command_line(tmp_path, target, allowed):
    ids, problems = import_one(
        tmp_path, reported_date=REPORTED.isoformat(), target_date=target.isoformat()
    )
    if allowed:
        assert problems == []
        assert Issue.objects.get(pk=ids[0]).target_date == target
    else:
        assert problems == ["target_date: must not be before reported_date"]
        assert not Issue.objects.exists()


def test_target_date_rule_in_the_json_form_and_the_database(owner):
    same = {**FULL, "reported_date": "2026-11-18", "target_date": "2026-11-18"}
    assert validate(same) == []
    assert validate({**same, "target_date": "2026-11-17"}) == [
        "target_date: must not be before reported_date"
    ]
    # Across a month and a year: the comparison is of dates, not of their digits.
    assert validate({**same, "reported_date": "2026-12-31", "target_date": "2027-01-01"}) == []
    assert validate({**same, "reported_date": "2027-01-01", "target_date": "2026-12-31"}) == [
        "target_date: must not be before reported_date"
    ]
    make_issue(owner, reported_date="2026-11-18", target_date="2026-11-18")
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(
            name="x",
            type="other",
            priority="p1",
            reported_date=REPORTED,
            target_date=REPORTED - DAY,
        )


# Overdue: past the Target Resolution Date, i.e. target before today -------------------------


@pytest.mark.parametrize(
    ("days", "status", "overdue"),
    [
        (-1, Issue.Status.OPEN, True),
        (-1, Issue.Status.IN_PROGRESS, True),
        (0, Issue.Status.OPEN, False),
        (1, Issue.Status.OPEN, False),
        (-1, Issue.Status.RESOLVED, False),
        (-1, Issue.Status.CLOSED, False),
    ],
)
def test_overdue_starts_the_day_after_the_target(owner_client, owner, days, status, overdue):
    today = timezone.localdate()
    issue = make_issue(
        owner,
        name="Dated",
        status=status,
        reported_date=(today - 10 * DAY).isoformat(),
        target_date=(today + days * DAY).isoformat(),
    )
    listed = owner_client.get("/?overdue=1&status=all").text
    assert (f'href="/issues/{issue.pk}/"' in listed) is overdue
    row = owner_client.get("/?status=all").text.split(f'href="/issues/{issue.pk}/"')[1]
    assert ("Overdue</span>" in row.split("</tr>")[0]) is overdue


# Length limits: at the limit and one over ------------------------------------------------

ONE_LINE_LIMITS = [("name", 200), ("related_project", 200)]


@pytest.mark.parametrize(("field", "limit"), ONE_LINE_LIMITS)
def test_overview_lengths_on_the_page(owner_client, field, limit):
    overview = full_steps()["overview"]
    draft = start_draft(owner_client, {**overview, field: "x" * limit})
    assert getattr(draft, field) == "x" * limit
    response = owner_client.post(
        "/issues/new/", {**overview, field: "x" * (limit + 1), "action": "next"}
    )
    assert response.status_code == 200
    assert (
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
        in errors_of(response)[0]
    )
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "over", "message"),
    [
        (
            lambda n: {"name": "x" * n},
            lambda n: {"name": "x" * (n + 1)},
            "name: must be at most 200 characters",
        ),
        (
            lambda n: {"related_project": "x" * n},
            lambda n: {"related_project": "x" * (n + 1)},
            "related_project: must be at most 200 characters",
        ),
    ],
)
def test_overview_lengths_on_the_command_line(tmp_path, changes, over, message):
    ids, problems = import_one(tmp_path, **changes(200))
    assert problems == [] and len(ids) == 1
    ids, problems = import_one(tmp_path, **over(200))
    assert problems[0] == message and ids == []


def test_a_framework_of_100_characters_and_one_of_101(owner_client, tmp_path):
    draft = start_draft(owner_client)
    details = full_steps()["details"]
    assert post_step(owner_client, draft, "details", {**details, "frameworks": "f" * 100})
    draft.refresh_from_db()
    assert draft.frameworks == ["f" * 100]
    response = post_step(owner_client, draft, "details", {**details, "frameworks": "g" * 101})
    assert errors_of(response) == [
        f"ML Framework/Libraries: “{'g' * 20}…” is too long: at most 100 characters per framework."
    ]
    assert DetailsForm({**details, "frameworks": "f" * 100}, issue_data={}).is_valid()

    assert import_one(tmp_path, frameworks=["f" * 100])[1] == []
    assert import_one(tmp_path, frameworks=["f" * 101])[1][0] == (
        "frameworks[0]: must be at most 100 characters"
    )


def test_a_milestone_title_of_200_characters_and_one_of_201(owner_client, tmp_path):
    draft = start_draft(owner_client)
    rows = [{"title": "m" * 200, "date": "2026-11-20"}]
    assert post_step(owner_client, draft, "timeline", timeline(**milestone_rows(rows)))
    assert draft.milestones.get().title == "m" * 200
    rows = [{"title": "m" * 201, "date": "2026-11-20"}]
    response = post_step(owner_client, draft, "timeline", timeline(**milestone_rows(rows)))
    assert errors_of(response) == [
        "Milestone 1, Milestone: Ensure this value has at most 200 characters (it has 201)."
    ]
    assert import_one(tmp_path, milestones=[{"title": "m" * 200, "date": "2026-11-20"}])[1] == []
    assert import_one(tmp_path, milestones=[{"title": "m" * 201, "date": "2026-11-20"}])[1][0] == (
        "milestones[0].title: must be at most 200 characters"
    )


def test_a_login_of_39_characters_and_one_of_40(owner_client, tmp_path):
    assert len(LONGEST_LOGIN) == 39
    draft = start_draft(owner_client)
    response = post_step(owner_client, draft, "timeline", timeline(assignees=LONGEST_LOGIN))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.assignees == [LONGEST_LOGIN]
    response = post_step(owner_client, draft, "timeline", timeline(assignees=LONGEST_LOGIN + "c"))
    assert errors_of(response)[0].startswith(
        f"Assignees: Not a valid GitHub login: {LONGEST_LOGIN}c."
    )
    assert import_one(tmp_path, assignees=[LONGEST_LOGIN])[1] == []
    assert import_one(tmp_path, assignees=[LONGEST_LOGIN + "c"])[1][0] == (
        f"assignees[0]: '{LONGEST_LOGIN}c' is not a valid GitHub login"
    )


def test_a_checklist_item_of_300_characters_and_one_of_301(owner_client, owner, tmp_path):
    issue = make_issue(owner)
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/todo/add/", {"version": 1, "todo-text": "i" * 300}
    )
    assert response.status_code == 302
    assert ChecklistItem.objects.filter(issue=issue, text="i" * 300).exists()
    response = owner_client.post(
        f"/issues/{issue.pk}/checklists/todo/add/", {"version": 2, "todo-text": "i" * 301}
    )
    assert "Ensure this value has at most 300 characters (it has 301)." in response.text
    assert not ChecklistItem.objects.filter(issue=issue, text="i" * 301).exists()
    todo = [{"text": "i" * 300, "done": False}]
    assert import_one(tmp_path, todo=todo)[1] == []
    todo = [{"text": "i" * 301, "done": False}]
    assert import_one(tmp_path, todo=todo)[1][0] == "todo[0].text: must be at most 300 characters"


@pytest.mark.parametrize(("parameter", "limit"), [("q", 200), ("assignee", 100)])
def test_list_parameters_at_their_limit_and_one_over(owner_client, owner, parameter, limit):
    value = "a" * limit
    make_issue(owner, name="Long", description=value, assignees=[])
    response = owner_client.get("/", {parameter: value})
    assert "Ignored" not in response.text
    over = owner_client.get("/", {parameter: value + "a"})
    assert (
        f"at most {limit} characters (it has {limit + 1})." in over.text and "Ignored " in over.text
    )


def body_of_length(length):
    """Issue data whose GitHub body is exactly ``length`` characters long."""
    data = with_defaults({**FULL, "description": "d"})
    padding = length - len(markdown.render_body(data))
    return {**data, "description": "d" * (1 + padding)}


def test_the_body_limit_at_65536_and_one_over_in_the_guided_form():
    for length, errors in [(GITHUB_BODY_LIMIT, {}), (GITHUB_BODY_LIMIT + 1, None)]:
        data = body_of_length(length)
        assert len(markdown.render_body(data)) == length
        form = DetailsForm.bound_to(data)
        if errors is not None:
            assert form.is_valid() and form.errors == errors
        else:
            assert not form.is_valid()
            assert form.errors["description"] == [overflow_message(length)]
    assert overflow_message(GITHUB_BODY_LIMIT + 1) == (
        "The issue is 1 character over GitHub's limit of 65,536 characters (its body would be "
        "65,537). Please shorten it."
    )


def test_the_body_limit_at_65536_and_one_over_before_sending():
    payload = markdown.github_payload(body_of_length(GITHUB_BODY_LIMIT))
    github.check_payload(payload)
    payload = markdown.github_payload(body_of_length(GITHUB_BODY_LIMIT + 1))
    with pytest.raises(
        github.GitHubError,
        match=r"over GitHub.s limit of 65,536 characters \(its body would be 65,537\)",
    ):
        github.check_payload(payload)


# Pages of the list: 50 a page ----------------------------------------------------------


def page_links(response):
    return re.findall(r'class="page-link" href="\?page=(\d+)"', response.text)


def test_no_issues_is_one_empty_page(owner_client):
    response = owner_client.get("/?page=2")
    assert ids_on(response) == []
    assert page_links(response) == []


@pytest.mark.parametrize("count", [PAGE_SIZE - 1, PAGE_SIZE])
def test_up_to_a_full_page_has_no_page_links(owner_client, count):
    bulk_issues(count)
    response = owner_client.get("/")
    assert len(ids_on(response)) == count
    assert page_links(response) == []
    assert f"Issues 1–{count} of {count}" in response.text
    assert "There is no page" in owner_client.get("/?page=2").text


def test_one_over_a_full_page_is_two_pages(owner_client):
    made = [issue.pk for issue in bulk_issues(PAGE_SIZE + 1)]
    first = owner_client.get("/")
    assert ids_on(first) == sorted(made, reverse=True)[:PAGE_SIZE]
    assert page_links(first) == ["1", "2", "2"]  # 1, 2 and Next
    second = owner_client.get("/?page=2")
    assert ids_on(second) == [min(made)]
    assert f"Issues {PAGE_SIZE + 1}–{PAGE_SIZE + 1} of {PAGE_SIZE + 1}" in second.text
    assert page_links(second) == ["1", "1", "2"]  # Previous, 1 and 2
    assert "There is no page" not in second.text


def test_many_pages_are_elided_around_the_current_one(owner_client):
    bulk_issues(PAGE_SIZE * 14)
    response = owner_client.get("/?page=7")
    # Previous, 1 2, …, 5 6 [7] 8 9, …, 13 14, Next: two on each side and two at each end.
    links = ["6", "1", "2", "5", "6", "7", "8", "9", "13", "14", "8"]
    assert page_links(response) == links
    assert response.text.count('<span class="page-link">…</span>') == 2
    assert "Issues 301–350 of 700" in response.text
