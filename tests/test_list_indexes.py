"""The list's queries use the indexes made for them (Issue.Meta.indexes), and IdPaginator's pages
are Django's pages: the same issues in the same order, read in two queries."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict

from issues.filters import IssueFilter
from issues.models import Issue
from issues.pagination import ELLIPSIS, IdPaginator
from tests.factories import bulk_issues

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues():
    """Enough issues that an index beats reading the table, with the planner's statistics."""
    call_command("seed_demo", count=2000, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def listed(query):
    return IssueFilter(QueryDict(query), Issue.objects.all()).qs


# PostgreSQL plans by its statistics: at 2,000 issues sorting a page beats any index, at 100,000
# it takes these indexes (EXPLAIN ANALYZE in the README's Performance section; bench/run.py).
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's plans depend on the table's size"
)


@sqlite_only
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "issue_list_newest_idx"),
        ("sort=priority", "issue_sort_priority_idx"),
        ("sort=reported_date", "issue_sort_reported_idx"),
        ("sort=-target_date", "issue_sort_target_idx"),
        ("sort=-updated_at", "issue_sort_updated_idx"),
        ("sort=name", "issue_sort_name_idx"),
        ("priority=p1&type=training&sort=target_date", "issue_priority_type_idx"),
    ],
)
def test_a_deep_page_reads_its_ids_from_the_index_made_for_it(issues, query, index):
    ids = listed(query).values_list("pk", flat=True)[500:550]
    assert index in ids.explain()


@sqlite_only
def test_the_default_list_counts_from_its_index(issues):
    assert "COVERING INDEX issue_list_newest_idx" in listed("").values("status").explain()


@sqlite_only
def test_the_drafts_count_uses_its_index_though_most_issues_have_no_reporter(issues, owner):
    drafts = Issue.objects.filter(status=Issue.Status.DRAFT, reporter=owner).values("pk")
    assert "COVERING INDEX issue_reporter_status_idx" in drafts.explain()


def id_paginator(query):
    return IdPaginator(listed(query), 50, values=["id", "name"])


@pytest.mark.parametrize(
    "query", ["", "sort=priority", "sort=-name&status=all", "type=training", "q=drift"]
)
def test_id_pages_are_djangos_pages(issues, query):
    pages, id_pages = Paginator(listed(query), 50), id_paginator(query)
    assert id_pages.count == pages.count
    # Both sides of DIRECT_ROWS (pages 10 and 11), where there are so many.
    for number in {1, 2, 10, 11, pages.num_pages // 2, pages.num_pages} & set(pages.page_range):
        expected = [(issue.pk, issue.name) for issue in pages.page(number)]
        assert [(row["id"], row["name"]) for row in id_pages.page(number)] == expected


def test_a_page_is_one_query_then_two_whatever_its_number(issues, django_assert_num_queries):
    paginator = id_paginator("")
    assert paginator.num_pages > 20
    for number, queries in ((1, 1), (10, 1), (11, 2), (20, 2)):
        with django_assert_num_queries(queries):
            assert len(list(paginator.page(number))) == 50


def test_a_page_near_the_counting_bound_counts_from_its_own_ids(issues, django_assert_num_queries):
    """Page 18 of 2,000 issues counted up to 1,000: its ids and the 150 after them, one read
    (then its rows), and the same count as count_up_to's."""
    pages = Paginator(listed("status=all"), 50)
    paginator = id_paginator("status=all")
    with django_assert_num_queries(2):
        page = paginator.counted_page(18, 1000)
    assert paginator.more and paginator.count == 1001  # "more than 1,000"
    assert [row["id"] for row in page] == [issue.pk for issue in pages.page(18)]
    assert page.has_next() and page.start_index() == 851


def test_a_page_past_the_last_is_the_last_page(issues):
    paginator = id_paginator("status=all")
    page = paginator.counted_page(45, 2200)
    assert (page.number, paginator.count, paginator.more) == (40, 2000, False)
    assert len(page) == 50


def test_a_bounded_count_links_only_to_pages_that_exist(issues):
    exact = Paginator(listed("status=all"), 50)
    assert exact.count == 2000
    bounded = id_paginator("status=all")
    bounded.count_up_to(500)
    assert bounded.more and bounded.count == 501  # "more than 500"
    for number in (1, 5, 9, 11):
        links = bounded.page_links(number)
        assert links[-1] is ELLIPSIS  # the last page is not known
        shown = [n for n in links if n is not ELLIPSIS]
        assert number in shown and max(shown) <= min(number + 2, bounded.num_pages)
        assert all(n <= exact.num_pages for n in shown)
    counted = id_paginator("status=all")
    counted.count_up_to(5000)
    assert not counted.more and counted.count == 2000
    assert counted.page_links(1)[-1] == 40  # exact: the last page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's visibility map")
@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_load_postgresql_can_count_from_the_index_alone():
    """seed_demo ends with VACUUM (ANALYZE): every page of the issues is marked all-visible,
    so the list's count and a deep page's ids need not read the issue rows."""
    call_command("seed_demo", count=500, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'issues_issue'"
        )
        pages, all_visible = cursor.fetchone()
    assert pages > 0
    assert all_visible == pages


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL-only index")
@pytest.mark.parametrize(("status", "served"), [("", True), ("open", True), ("all", False)])
def test_the_filtered_default_list_can_read_the_index_of_open_issues(status, served):
    """The filtered list's own query (its status condition as Django writes it, with
    parameters) implies the condition of issue_open_priority_type_idx (migration 0043), whose
    entries are all listed issues; with every status it cannot. The full index is dropped
    inside the test's transaction, so that the plan shows whether the smaller one can serve."""
    bulk_issues(200, priority="p1")
    bulk_issues(400, priority="p1", status=Issue.Status.RESOLVED)
    bulk_issues(400, priority="p2")
    query = {"priority": "p1", "type": "training", "sort": "target_date", "status": status}
    ids = IssueFilter(query, Issue.objects.all()).qs.values("id")[:50]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX issue_priority_type_idx")
        cursor.execute("ANALYZE issues_issue")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert ("issue_open_priority_type_idx" in plan) == served
