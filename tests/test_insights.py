"""Insights: each chart's figures on a small history worked out by hand, the list's filters,
what the page is made of (SVG, no inline script or style), and a fixed number of queries.

Each history is drawn three ways: counted by the page itself (no stored counts), from the
worker's counts (issues/rollup.py), and from counts made before the history, corrected on the
page for the changes not yet counted."""

import pytest
from django.urls import reverse

from issues import rollup
from issues.models import Issue, Milestone
from tests.factories import bulk_issues, make_issue
from tests.insights_support import ago, table

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["counted here", "counted by the worker", "changes not yet counted"])
def counting(request):
    """How the page gets its counts: which of the three ways each test runs."""
    if request.param == "changes not yet counted":
        rollup.refresh()
    return request.param


@pytest.fixture
def history(counting):
    """A: !p0 open 10 days (due 9 days ago); B: !p1 reported 30 days ago, resolved 5 days ago
    (due 16 days ago); C: !p2 open 100 days, target 20 days ago; D: closed on an unknown day;
    E: !p2 in production, target in 5 days and a milestone in 3."""
    make_issue(name="A", priority="p0", reported_date=str(ago(10)))
    b = make_issue(name="B", priority="p1", reported_date=str(ago(30)), status="resolved")
    Issue.objects.filter(pk=b.pk).update(resolved_on=ago(5))
    make_issue(name="C", priority="p2", reported_date=str(ago(100)), target_date=str(ago(20)))
    make_issue(name="D", priority="p3", reported_date=str(ago(50)), status="closed")
    e = make_issue(
        name="E",
        priority="p2",
        environment="production",
        reported_date=str(ago(2)),
        target_date=str(ago(-5)),
    )
    Milestone.objects.create(issue=e, position=0, title="Canary", date=ago(-3))
    make_issue(name="Draft", priority="", status=Issue.Status.DRAFT)
    if counting == "counted by the worker":
        rollup.refresh()


def test_each_chart_from_a_known_history(owner_client, history):
    page = owner_client.get(reverse("insights")).content.decode()
    opened = table(page, "open")
    assert len(opened) == 90
    assert opened[ago(89).isoformat()] == ["0", "0", "1", "0"]  # !p0 !p1 !p2 !p3: C
    assert opened[ago(20).isoformat()] == ["0", "1", "1", "0"]  # B and C
    assert opened[ago(5).isoformat()] == ["1", "0", "1", "0"]  # B resolved that day
    assert opened[ago(0).isoformat()] == ["1", "0", "2", "0"]  # A, C, E

    overdue = table(page, "overdue")
    expected = {89: 0, 20: 0, 19: 1, 15: 2, 8: 3, 6: 3, 5: 2, 0: 2}
    assert {days: overdue[ago(days).isoformat()] for days in expected} == {
        days: [str(n)] for days, n in expected.items()
    }

    weekly = table(page, "weekly")
    assert len(weekly) == 12
    assert sum(int(o) for o, _ in weekly.values()) == 4  # A, B, D, E (C is older)
    assert sum(int(r) for _, r in weekly.values()) == 1

    assert table(page, "resolve") == {
        "!p0": ["0", "1", "0"],
        "!p1": ["25", "14", "1"],
        "!p2": ["0", "42", "0"],
        "!p3": ["0", "none", "0"],
    }
    assert table(page, "ahead") == {
        ago(-3).isoformat(): ["0", "1"],
        ago(-5).isoformat(): ["1", "0"],
    }
    assert "3 issues open on" in page and "2 issues overdue on" in page


def test_list_filters_apply(owner_client, history):
    page = owner_client.get(reverse("insights") + "?environment=production").content.decode()
    assert table(page, "open")[ago(0).isoformat()] == ["0", "0", "1", "0"]
    assert table(page, "overdue")[ago(0).isoformat()] == ["0"]
    assert 'value="production" selected' in page
    page = owner_client.get(reverse("insights") + "?priority=p1&bogus=1").content.decode()
    assert table(page, "resolve")["!p1"] == ["25", "14", "1"]
    assert table(page, "open")[ago(20).isoformat()] == ["0", "1", "0", "0"]
    assert "Ignored unknown parameter “bogus”." in page


def test_charts_are_svg_with_title_summary_and_table(owner_client, history):
    page = owner_client.get(reverse("insights")).content.decode()
    main = page.split("<main")[1].split("</main>")[0]
    assert main.count('<svg class="chart"') == 5
    for key in ("open", "weekly", "resolve", "overdue", "ahead"):
        assert f'role="img" aria-labelledby="{key}-title {key}-summary"' in main
        assert f'<p id="{key}-summary">' in main and f'id="{key}-title"' in main
    assert main.count('<table class="visually-hidden">') == 5
    assert "style=" not in page and "<script>" not in page and "<style" not in page


# Session, user, the stored sums (issues/rollup.py), the next issues due; without stored counts,
# the page's own 12 counts; with changes not yet counted, the changed issues, their milestones,
# how they were counted, and whether the worker committed meanwhile.
QUERIES = {"counted here": 16, "counted by the worker": 4, "changes not yet counted": 9}


def test_a_fixed_number_of_queries(owner_client, django_assert_num_queries, history, counting):
    owner_client.get(reverse("insights"))
    with django_assert_num_queries(QUERIES[counting]):
        owner_client.get(reverse("insights"))
    bulk_issues(300, reported_date=ago(40), status="open")
    if counting == "counted by the worker":
        rollup.refresh()
    with django_assert_num_queries(QUERIES[counting]):
        owner_client.get(reverse("insights"))
