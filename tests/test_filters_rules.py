"""``issues.filters`` on its own: each filter's query and the notes about ignored input."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from issues.filters import IssueFilter
from issues.models import Issue
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def names(data, user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    issue_filter = IssueFilter(data, Issue.objects.all(), request=request)
    return [issue.name for issue in issue_filter.qs], issue_filter


def test_no_data_is_the_default_list_newest_first(owner):
    make_issue(owner, name="A")
    make_issue(owner, name="B", status=Issue.Status.IN_PROGRESS)
    make_issue(owner, name="C", status=Issue.Status.RESOLVED)
    make_issue(owner, name="D", status=Issue.Status.DRAFT)
    assert names(None)[0] == ["B", "A"]
    assert names({"status": "all"})[0] == ["C", "B", "A"]
    assert names({"status": "resolved"})[0] == ["C"]


def test_assignee_takes_an_at_sign_and_spaces(owner):
    make_issue(owner, name="Mine", assignees=["alice-ml"])
    make_issue(owner, name="Theirs", assignees=["alice"])
    for value in ("alice-ml", "@alice-ml", "  @alice-ml "):
        assert names({"assignee": value})[0] == ["Mine"]


def test_reporter_mine_needs_a_user(owner, teammate):
    make_issue(owner, name="Mine")
    make_issue(teammate, name="Theirs")
    assert names({"reporter": "mine"}, owner)[0] == ["Mine"]
    assert names({"reporter": "mine"})[0] == []


def test_filed_one_and_zero(owner):
    make_issue(owner, name="Filed", github={"number": 3, "url": "https://g/3"})
    make_issue(owner, name="Local")
    assert names({"filed": "1"})[0] == ["Filed"]
    assert names({"filed": "0"})[0] == ["Local"]


def test_overdue_is_before_today_and_open(owner):
    today = datetime.date.today()
    for name, days, status in [
        ("Yesterday", -1, Issue.Status.OPEN),
        ("Today", 0, Issue.Status.OPEN),
        ("Resolved", -1, Issue.Status.RESOLVED),
        ("Started", -1, Issue.Status.IN_PROGRESS),
    ]:
        make_issue(
            owner,
            name=name,
            status=status,
            reported_date=(today - datetime.timedelta(days=5)).isoformat(),
            target_date=(today + datetime.timedelta(days=days)).isoformat(),
        )
    assert names({"overdue": "1", "status": "all"})[0] == ["Started", "Yesterday"]


def test_target_date_sorts_put_issues_without_one_last_both_ways(owner):
    make_issue(owner, name="None")
    make_issue(owner, name="Early", reported_date="2026-01-01", target_date="2026-02-01")
    make_issue(owner, name="Late", reported_date="2026-01-01", target_date="2026-03-01")
    assert names({"sort": "target_date"})[0] == ["Early", "Late", "None"]
    assert names({"sort": "-target_date"})[0] == ["Late", "Early", "None"]
    assert names({"sort": "-name"})[0] == ["None", "Late", "Early"]


def test_notes_cut_long_values_at_40_characters(owner):
    _, issue_filter = names({"priority": "p" * 40, "type": "t" * 41, "zzz": "1", "page": "2"})
    assert issue_filter.notes == [
        "Ignored unknown parameter “zzz”.",
        f"Ignored Priority “{'p' * 40}”: not one of the allowed values.",
        f"Ignored Type of Issue “{'t' * 40}…”: not one of the allowed values.",
    ]


def test_the_form_fields_get_bootstraps_classes():
    """The classes come from the one field template (templates/bootstrap5/field.html)."""
    _, issue_filter = names({})
    template = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")

    def control_classes(name):
        html = template.render(Context({"field": issue_filter.form[name]}))
        (classes,) = re.findall(rf'<(?:select|input)[^>]* name="{name}"[^>]* class="([^"]*)"', html)
        return classes.split()

    assert "form-select" in control_classes("priority")
    assert "form-control" in control_classes("q")
    assert "form-control" in control_classes("assignee")
    assert "form-control" not in control_classes("priority")


def test_reporter_mine_without_a_request_is_nobodys(owner):
    make_issue(owner, name="Mine")
    issue_filter = IssueFilter({"reporter": "mine"}, Issue.objects.all())
    assert list(issue_filter.qs) == []


def test_each_filter_set_has_its_own_filters_and_fields(owner, teammate):
    (mine, first), (_, second) = names({"reporter": "mine"}, owner), names({}, teammate)
    assert mine == [] and first.request.user == owner
    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name] and filter_.parent is first
        assert second.filters[name].parent is second
        assert filter_ is not IssueFilter.base_filters[name]
    for name, field in first.form.fields.items():
        assert field is not second.form.fields[name]
        assert field.widget is not second.form.fields[name].widget


def test_a_widget_attribute_set_for_one_request_stays_there(owner):
    first, second = names({}, owner)[1], names({}, owner)[1]
    first.form.fields["q"].widget.attrs["autofocus"] = True
    assert "autofocus" in str(first.form["q"])
    assert "autofocus" not in str(second.form["q"])
    assert "autofocus" not in str(names({}, owner)[1].form["q"])


def test_a_method_filter_answers_for_its_own_request(owner, teammate):
    make_issue(owner, name="Owner's")
    make_issue(teammate, name="Teammate's")
    requests = [RequestFactory().get("/") for _ in range(2)]
    requests[0].user, requests[1].user = owner, teammate
    first, second = (
        IssueFilter({"reporter": "mine"}, Issue.objects.all(), request=request)
        for request in requests
    )
    assert [issue.name for issue in second.qs] == ["Teammate's"]
    assert [issue.name for issue in first.qs] == ["Owner's"]
