"""The number of database queries of each page is fixed (issue 7, item 3).

Each page is requested twice: over one plain issue, then over many issues (more than two list
pages) whose issue under test has many milestones, checklist items, updates and history rows.
The count must be the same, and it is the number written here: a page that starts querying per
row, or grows a query, fails. The guided form's steps are counted in the guided form's tests.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import IssueChange
from issues.pagination import DIRECT_ROWS
from issues.serialization import create_issue
from issues.views.browse import PAGE_SIZE
from tests.common_support import EXAMPLES, clear_caches
from tests.query_support import (
    DEEP_LIST_QUERIES,
    DETAIL_QUERIES,
    EXPORT_QUERIES,
    LIST_QUERIES,
    LIST_QUERIES_ROWS_KEPT,
)

pytestmark = pytest.mark.django_db

MANY_ISSUES = 120  # more than two pages of 50
MANY_ROWS = 40  # milestones, extra to-do items, updates and history rows of the issue under test


def full_issue(owner, rows=0):
    """The example issue, with ``rows`` more milestones, to-do items, updates and changes."""
    data = json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))
    day = datetime.date.fromisoformat(data["reported_date"])
    data["target_date"] = data["reported_date"]  # overdue, for the overdue filter
    data["milestones"] += [
        {"title": f"Milestone {n}", "date": day.isoformat()} for n in range(rows)
    ]
    data["todo"] += [{"text": f"Extra step {n}", "done": n % 2 == 0} for n in range(rows)]
    data["updates"] += [{"date": day.isoformat(), "text": f"Update **{n}**."} for n in range(rows)]
    issue = create_issue(data, owner)
    IssueChange.objects.bulk_create(
        IssueChange(issue=issue, user=owner, field="name", old=f"old {n}", new=f"new {n}")
        for n in range(rows)
    )
    return issue


def count_queries(client, url):
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    assert body
    return len(queries)


def assert_fixed(client, owner, django_assert_num_queries, url_of, expected):
    """``expected`` queries for one plain issue and for many issues with many rows."""
    few = full_issue(owner)
    assert count_queries(client, url_of(few)) == expected

    many = full_issue(owner, rows=MANY_ROWS)
    call_command("seed_demo", count=MANY_ISSUES, stdout=StringIO())
    clear_caches()
    with django_assert_num_queries(expected):
        response = client.get(url_of(many))
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_the_benchmark_floor_makes_no_query(client, django_assert_num_queries):
    """bench/run.py measures every page against the login page: no database query."""
    with django_assert_num_queries(0):
        response = client.get(reverse("login"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=all&sort=-priority",
        "?priority=p1&type=model_performance&sort=target_date",
        "?q=recall",
        "?environment=production&reporter=mine&assignee=bob&overdue=1&filed=0&sort=name",
    ],
)
def test_issue_list(owner_client, owner, django_assert_num_queries, query):
    url = reverse("issue-list") + query
    assert_fixed(owner_client, owner, django_assert_num_queries, lambda _: url, LIST_QUERIES)


def test_the_list_writes_no_row_kept_for_its_issues_version(
    owner_client, owner, django_assert_num_queries
):
    """Rows kept (issues/issuecache.py cached_many): no checklist progress is read."""
    call_command("seed_demo", count=MANY_ISSUES, stdout=StringIO())
    url = reverse("issue-list") + "?status=all"
    first = owner_client.get(url).text
    with django_assert_num_queries(LIST_QUERIES_ROWS_KEPT):
        again = owner_client.get(url).text
    assert tbody(again) == tbody(first)
    assert tbody(first).count("<tr>") == 50


def tbody(page):
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_a_list_page_past_the_end_counts_then_shows_the_last_page(
    owner_client, owner, django_assert_num_queries
):
    """The first pages come with their count; a page past the end is found empty first."""
    full_issue(owner)
    with django_assert_num_queries(LIST_QUERIES + 2):
        response = owner_client.get(reverse("issue-list") + "?page=2")
    assert "There is no page 2: showing page 1." in response.text
    assert "Issues 1–1 of 1" in response.text


def test_a_list_page_past_the_first_issues_reads_its_ids_first(
    owner_client, django_assert_num_queries
):
    call_command("seed_demo", count=DIRECT_ROWS + PAGE_SIZE, stdout=StringIO())
    last_direct = DIRECT_ROWS // PAGE_SIZE
    for number, expected in ((last_direct, LIST_QUERIES), (last_direct + 1, DEEP_LIST_QUERIES)):
        with django_assert_num_queries(expected):
            response = owner_client.get(reverse("issue-list") + f"?status=all&page={number}")
        assert f'aria-current="page">{number}<' in response.text


def test_issue_page(owner_client, owner, django_assert_num_queries):
    assert_fixed(
        owner_client,
        owner,
        django_assert_num_queries,
        lambda issue: reverse("issue-detail", args=[issue.pk]),
        DETAIL_QUERIES,
    )


@pytest.mark.parametrize("name", ["issue-export-md", "issue-body-md"])
def test_issue_markdown_exports(owner_client, owner, django_assert_num_queries, name):
    assert_fixed(
        owner_client,
        owner,
        django_assert_num_queries,
        lambda issue: reverse(name, args=[issue.pk]),
        EXPORT_QUERIES,
    )


# session + user, the issues (one chunk of up to 500), their milestones, checklist items, updates,
# metrics and links
LIST_EXPORT_QUERIES = 8


def test_list_export_json(owner_client, owner, django_assert_num_queries):
    url = reverse("issue-list-export-json") + "?status=all"
    assert_fixed(owner_client, owner, django_assert_num_queries, lambda _: url, LIST_EXPORT_QUERIES)
