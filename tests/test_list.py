"""The issue list at `/`: filters one by one and combined, search, sort, pages, bad input."""

import datetime
import re

import pytest
from django.db import connection

from issues.columns import COLUMNS
from issues.models import Issue
from issues.search import PG_MATCH
from issues.views import browse
from tests.factories import bulk_issues, make_issue
from tests.query_support import LIST_QUERIES

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def names(response):
    """The Issue Names of the table's rows, in order."""
    return re.findall(
        r'data-label="Issue Name"><a[^>]* href="/issues/\d+/">([^<]*)</a>', response.text
    )


def notes(response):
    match = re.search(
        r'<div class="alert alert-warning" role="status">(.*?)</div>', response.text, re.S
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def test_the_table_shows_what_a_team_works_from(owner_client, owner):
    issue = make_issue(
        owner,
        name="Feature store lags",
        priority="p0",
        environment="production",
        reported_date="2026-01-05",
        target_date="2026-01-09",
        definition_of_done=[{"text": "Done one", "done": True}, {"text": "Two", "done": False}],
    )
    Issue.objects.filter(pk=issue.pk).update(
        github_number=17, github_url="https://github.com/acme/ml/issues/17"
    )
    response = owner_client.get("/")
    row = re.search(rf'<tr><td[^>]*data-label="#">{issue.pk}</td>(.*?)</tr>', response.text).group(
        1
    )
    assert f'href="/issues/{issue.pk}/">Feature store lags</a>' in row
    assert "Model Performance" in row
    assert "text-bg-danger fs-6" in row and "!p0" in row  # !p0 is the most prominent badge
    assert "production" in row and "Open" in row
    assert "2026-01-05" in row and "2026-01-09" in row
    assert "Overdue</span>" in row  # in words, not colour alone
    assert '<abbr title="Definition of Done">DoD</abbr> 1/2' in row
    assert '<abbr title="To-Do List">To-Do</abbr> 0/6' in row
    assert 'href="https://github.com/acme/ml/issues/17"' in row


def test_new_issue_and_the_users_drafts_are_reachable(owner_client, owner, teammate):
    make_issue(owner, status="draft", priority="")
    make_issue(teammate, status="draft", priority="")
    response = owner_client.get("/")
    # Quick issue is offered first, then the guided form (as the header offers Quick issue).
    quick = response.text.index('href="/issues/new/quick/">Quick issue</a>')
    guided = response.text.index('href="/issues/new/">New issue (guided)</a>')
    assert quick < guided
    assert 'href="/issues/drafts/">Drafts (1)</a>' in response.text


def test_open_and_in_progress_by_default_and_all_on_request(owner_client, owner):
    for status in ("open", "in_progress", "resolved", "closed"):
        make_issue(owner, name=f"Is {status}", status=status)
    make_issue(owner, name="A draft", status="draft", priority="")
    assert set(names(owner_client.get("/"))) == {"Is open", "Is in_progress"}
    assert set(names(owner_client.get("/?status=all"))) == {
        "Is open",
        "Is in_progress",
        "Is resolved",
        "Is closed",
    }
    assert names(owner_client.get("/?status=resolved")) == ["Is resolved"]


@pytest.mark.parametrize(
    ("query", "matching", "other"),
    [
        ("priority=p0", {"priority": "p0"}, {"priority": "p1"}),
        ("type=deployment", {"type": "deployment"}, {"type": "training"}),
        ("environment=staging", {"environment": "staging"}, {"environment": "production"}),
        ("assignee=bob", {"assignees": ["alice-ml", "bob"]}, {"assignees": ["bobby"]}),
        ("assignee=%40bob", {"assignees": ["bob"]}, {"assignees": []}),
        (
            "overdue=1",
            {"target_date": (TODAY - datetime.timedelta(days=1)).isoformat()},
            {"target_date": TODAY.isoformat()},
        ),
    ],
)
def test_each_filter(owner_client, owner, query, matching, other):
    make_issue(owner, name="Matching", reported_date="2020-01-01", **matching)
    make_issue(owner, name="Other", reported_date="2020-01-01", **other)
    assert names(owner_client.get(f"/?{query}")) == ["Matching"]


def test_overdue_leaves_out_resolved_issues(owner_client, owner):
    past = (TODAY - datetime.timedelta(days=3)).isoformat()
    make_issue(owner, name="Late", reported_date="2020-01-01", target_date=past)
    make_issue(owner, name="Fixed", reported_date="2020-01-01", target_date=past, status="resolved")
    assert names(owner_client.get("/?overdue=1&status=all")) == ["Late"]


def test_reporter_mine(owner_client, owner, teammate):
    make_issue(owner, name="Mine")
    make_issue(teammate, name="Theirs")
    assert names(owner_client.get("/?reporter=mine")) == ["Mine"]


def test_filed_on_github_or_not(owner_client, owner):
    filed = make_issue(owner, name="Filed")
    make_issue(owner, name="Not filed")
    Issue.objects.filter(pk=filed.pk).update(
        github_number=3, github_url="https://github.com/a/b/issues/3"
    )
    assert names(owner_client.get("/?filed=1")) == ["Filed"]
    assert names(owner_client.get("/?filed=0")) == ["Not filed"]


def test_filters_combine(owner_client, owner, teammate):
    make_issue(owner, name="All match", priority="p0", type="deployment", environment="staging")
    make_issue(owner, name="Wrong type", priority="p0", type="training", environment="staging")
    make_issue(teammate, name="Not mine", priority="p0", type="deployment", environment="staging")
    make_issue(
        owner,
        name="Closed",
        priority="p0",
        type="deployment",
        environment="staging",
        status="closed",
    )
    response = owner_client.get(
        "/?priority=p0&type=deployment&environment=staging&reporter=mine&q=recall"
    )
    assert names(response) == ["All match"]
    assert names(owner_client.get("/?priority=p0&type=deployment&status=all")) == [
        "Closed",
        "Not mine",
        "All match",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Tokenizer service times out"),
        ("description", "The tokenizer truncates long documents."),
        ("related_project", "churn-predictor tokenizer"),
        ("data_involved", "tokenizer vocabulary snapshot"),
        ("frameworks", ["PyTorch", "tokenizer"]),
    ],
)
def test_search_finds_each_searched_field(owner_client, owner, field, value):
    make_issue(owner, **{"name": "The match", field: value})
    make_issue(owner, name="Unrelated drift", description="Nothing to see.")
    expected = value if field == "name" else "The match"
    assert names(owner_client.get("/?q=tokenizer")) == [expected]


def test_search_with_several_words_and_punctuation(owner_client, owner):
    make_issue(owner, name="Drift monitor misses late events")
    make_issue(owner, name="Drift in the label pipeline")
    assert names(owner_client.get("/?q=drift+monitor")) == ["Drift monitor misses late events"]
    for query in ("%22drift%22", "drift%27%3B+--", "%26%7C%21", "%3A%2A"):
        assert owner_client.get(f"/?q={query}").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_search_uses_the_gin_index_on_postgresql(owner):
    bulk_issues(200)
    with connection.cursor() as cursor:
        # Of the ways to read the matches, only bitmap scans are left: an index can serve one
        # only with a condition it indexes, which for the match is the GIN index's alone.
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM issues_issue WHERE {PG_MATCH}",  # noqa: S608
            ["drift"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "issues_issue_search_gin" in plan


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("priority", ["Bravo", "Alpha", "Charlie"]),
        ("-priority", ["Charlie", "Alpha", "Bravo"]),
        ("reported_date", ["Charlie", "Bravo", "Alpha"]),
        ("-reported_date", ["Alpha", "Bravo", "Charlie"]),
        ("target_date", ["Alpha", "Charlie", "Bravo"]),
        ("-target_date", ["Bravo", "Charlie", "Alpha"]),
        ("name", ["Alpha", "Bravo", "Charlie"]),
        ("-name", ["Charlie", "Bravo", "Alpha"]),
        ("updated_at", ["Bravo", "Charlie", "Alpha"]),
        ("-updated_at", ["Alpha", "Charlie", "Bravo"]),
    ],
)
def test_sort(owner_client, owner, sort, expected):
    bravo = make_issue(
        owner, name="Bravo", priority="p0", reported_date="2026-02-01", target_date="2026-05-01"
    )
    make_issue(
        owner, name="Alpha", priority="p1", reported_date="2026-03-01", target_date="2026-03-02"
    )
    make_issue(
        owner, name="Charlie", priority="p3", reported_date="2026-01-01", target_date="2026-04-01"
    )
    # Oldest update first: Bravo, then Charlie, then Alpha.
    Issue.objects.filter(name="Bravo").update(updated_at="2026-01-01T00:00:00Z")
    Issue.objects.filter(name="Charlie").update(updated_at="2026-01-02T00:00:00Z")
    assert bravo
    assert names(owner_client.get(f"/?sort={sort}")) == expected


@pytest.mark.parametrize("sort", ["target_date", "-target_date"])
def test_issues_without_a_target_date_come_last(owner_client, owner, sort):
    make_issue(owner, name="No target")
    make_issue(owner, name="Early", reported_date="2026-01-01", target_date="2026-02-01")
    make_issue(owner, name="Late", reported_date="2026-01-01", target_date="2026-03-01")
    response = owner_client.get(f"/?sort={sort}")
    assert names(response)[-1] == "No target"
    assert f'<option value="{sort}" selected>' in response.text


def test_the_form_shows_the_filters_in_use(owner_client):
    response = owner_client.get("/?priority=p0&status=all&sort=-name&assignee=bob&q=drift")
    for selected in ('value="p0" selected', 'value="all" selected', 'value="-name" selected'):
        assert selected in response.text
    assert 'name="assignee" value="bob"' in response.text
    assert 'name="q" value="drift"' in response.text


def test_pages_of_fifty_with_numbers_and_edges(owner_client):
    bulk_issues(101)
    first = owner_client.get("/")
    assert len(names(first)) == 50
    assert names(first)[0] == "Issue 0100"
    assert "Issues 1–50 of 101" in first.text
    assert 'href="?page=2">2</a>' in first.text and 'href="?page=3">3</a>' in first.text
    assert 'aria-current="page">1</a>' in first.text
    last = owner_client.get("/?page=3")
    assert names(last) == ["Issue 0000"]
    assert "Issues 101–101 of 101" in last.text
    assert notes(last) == []


@pytest.mark.parametrize(
    ("page", "note", "shown"),
    [
        ("4", "There is no page 4: showing page 3.", "Issue 0000"),
        (
            "99999999999999999999",
            "There is no page 99999999999999999999: showing page 3.",
            "Issue 0000",
        ),
        ("0", "There is no page 0: showing page 1.", "Issue 0100"),
        ("-1", "There is no page -1: showing page 1.", "Issue 0100"),
        ("abc", "“abc” is not a page number: showing page 1.", "Issue 0100"),
        ("2.5", "“2.5” is not a page number: showing page 1.", "Issue 0100"),
    ],
)
def test_bad_pages_show_a_page_and_say_so(owner_client, page, note, shown):
    bulk_issues(101)
    response = owner_client.get("/", {"page": page})
    assert response.status_code == 200
    assert notes(response) == [note]
    assert names(response)[0] == shown


def test_the_page_links_keep_the_filters(owner_client):
    bulk_issues(60, priority="p1")
    response = owner_client.get("/?priority=p1&sort=name")
    assert 'href="?priority=p1&amp;sort=name&amp;page=2"' in response.text
    # From page 2: each link names its page once, the filters and the sort as they were.
    text = owner_client.get("/?page=2&priority=p1&sort=name").text
    assert 'href="?priority=p1&amp;sort=name&amp;page=1">Previous</a>' in text
    assert 'href="?priority=p1&amp;sort=name&amp;page=2" aria-current="page">2</a>' in text
    pages = text[text.index('<nav aria-label="Pages">') :]
    assert "page=2&amp;" not in pages


@pytest.mark.parametrize(
    ("query", "expected_notes"),
    [
        ("priority=p9", ["Ignored Priority “p9”: not one of the allowed values."]),
        ("sort=password", ["Ignored Sort by “password”: not one of the allowed values."]),
        ("sort=-id", ["Ignored Sort by “-id”: not one of the allowed values."]),
        ("status=draft", ["Ignored Status “draft”: not one of the allowed values."]),
        ("reporter=bob", ["Ignored Reporter “bob”: not one of the allowed values."]),
        ("overdue=yes", ["Ignored Overdue “yes”: not one of the allowed values."]),
        ("filed=2", ["Ignored Filed on GitHub “2”: not one of the allowed values."]),
        ("colour=red", ["Ignored unknown parameter “colour”."]),
        (
            "q=" + "x" * 201,
            [
                f"Ignored Search “{'x' * 40}…”: Ensure this value has at most 200 characters"
                " (it has 201)."
            ],
        ),
        (
            "type=%3Cscript%3E",
            ["Ignored Type of Issue “&lt;script&gt;”: not one of the allowed values."],
        ),
    ],
)
def test_unknown_values_are_ignored_with_a_note(owner_client, owner, query, expected_notes):
    make_issue(owner, name="Still listed")
    response = owner_client.get(f"/?{query}")
    assert response.status_code == 200
    assert notes(response) == expected_notes
    assert names(response) == ["Still listed"]


def test_an_ignored_status_keeps_the_default(owner_client, owner):
    make_issue(owner, name="Open one")
    make_issue(owner, name="Closed one", status="closed")
    assert names(owner_client.get("/?status=bogus")) == ["Open one"]


def test_hostile_query_strings_never_fail(owner_client, owner):
    make_issue(owner)
    for query in (
        "q=%00",
        "q=a%00b",
        "q=" + "x" * 5000,
        "sort=name,-priority",
        "page=%00",
        "assignee=%00",
        "priority=p1&priority=p2",
        "status=all&status=open",
        "q=%F0%9F%A4%96",
    ):
        assert owner_client.get(f"/?{query}").status_code == 200, query


def test_empty_states_say_what_to_do(owner_client, owner):
    response = owner_client.get("/")
    assert "<strong>No issues yet</strong> that are open or in progress." in response.text
    assert 'Open one with <a href="/issues/new/quick/">Quick issue</a>' in response.text
    make_issue(owner)
    response = owner_client.get("/?priority=p0")
    assert "No issues match these filters." in response.text


@pytest.mark.parametrize("rows", [1, 60])
def test_the_number_of_queries_is_fixed(owner_client, owner, django_assert_num_queries, rows):
    for number in range(rows):
        make_issue(owner, name=f"Issue {number}", assignees=["bob"])
    with django_assert_num_queries(LIST_QUERIES):
        response = owner_client.get("/?q=issue&sort=-priority&assignee=bob")
    assert len(names(response)) == min(rows, 50)


def test_the_list_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_every_column_has_its_header_and_a_cell_in_every_row(owner_client, owner):
    """A column is one Column in issues/columns.py: its header and its cells come with it."""
    for number in range(3):
        make_issue(owner, name=f"Issue {number}")
    text = owner_client.get("/").text
    thead = re.search(r"<thead>(.*?)</thead>", text, re.S).group(1)
    tbody = re.search(r"<tbody>(.*?)</tbody>", text, re.S).group(1)
    for column in COLUMNS:
        assert re.search(rf"<th [^>]*>(<a [^>]*>)?{re.escape(column.header)}", thead), column
        assert tbody.count(f'data-label="{column.header}"') == 3, column


def test_sortable_headers_link_to_their_sort_and_say_which_is_sorted(owner_client, owner):
    make_issue(owner, priority="p2")
    text = owner_client.get("/?priority=p2&sort=name&page=1").text
    header = re.compile(
        r'<th scope="col" class="[^"]*"(?: aria-sort="(\w+)")?>(?:<a href="([^"]*)">)?([^<]+)'
    )
    headers = {label: (aria_sort, href) for aria_sort, href, label in header.findall(text)}
    assert headers["Issue Name"] == ("ascending", "?priority=p2&amp;sort=-name")
    # Other sortable headers sort ascending first; the page is dropped, the filters kept.
    assert headers["Priority"] == ("", "?priority=p2&amp;sort=priority")
    assert headers["Target Resolution Date"] == ("", "?priority=p2&amp;sort=target_date")
    assert headers["Status"] == ("", "")  # not sortable: no link
    descending = dict(
        (label, (aria_sort, href))
        for aria_sort, href, label in header.findall(owner_client.get("/?sort=-name").text)
    )
    assert descending["Issue Name"] == ("descending", "?sort=name")


def test_a_long_list_says_more_than_the_bound_and_links_only_pages_that_exist(
    owner_client, monkeypatch
):
    bulk_issues(300, status="open")
    monkeypatch.setattr(browse, "COUNT_BOUND", 60)
    # Page 1 counts enough to know that pages 1 to 4 exist (200 issues), not the last page.
    first = owner_client.get("/").text
    assert "Issues 1–50 of more than 200" in first
    assert re.findall(r'class="page-link" href="\?page=(\d+)"', first) == ["1", "2", "3", "2"]
    assert first.count('<span class="page-link">…</span>') == 1
    # Page 5 counts far enough for the pages after it: all 300, exact again.
    assert "Issues 201–250 of 300" in owner_client.get("/?page=5").text


def test_a_search_counts_up_to_its_own_bound(owner_client, monkeypatch):
    bulk_issues(300, status="open", name="Drift in the feature store")
    monkeypatch.setattr(browse, "COUNT_BOUND", 1000)
    monkeypatch.setattr(browse, "SEARCH_COUNT_BOUND", 100)
    assert "Issues 1–50 of 300" in owner_client.get("/").text
    searched = owner_client.get("/?q=drift").text
    assert "Issues 1–50 of more than 200" in searched  # enough for pages 1 to 4
    assert "Issues 251–300 of 300" in owner_client.get("/?q=drift&page=6").text
