"""What the browser tests check, asserted on the server's HTML too: payloads reach every page
escaped; tied sort keys keep one order from page to page; a search returns exactly its issues."""

import json
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from issues.filters import SORT_FIELDS
from issues.models import Issue, Update
from issues.serialization import create_issue
from issues.views.browse import PAGE_SIZE
from tests.common_support import EXAMPLES
from tests.factories import bulk_issues, make_issue
from tests.list_support import ids_on

pytestmark = pytest.mark.django_db

# One line (Issue Name and the other single-line fields), and Markdown text.
LINE = "\"'><img src=x onerror=\"xss('line')\"><script>xss('line')</script>&amp;"
TEXT = "<script>xss('text')</script>\n\n<img src=x onerror=\"xss('img')\">"
# Markup that must never reach a page as markup.
RAW = ["<script>xss(", "<img src=x"]


class Markup(HTMLParser):
    """The tags a browser would build from the page: event handlers and inline scripts."""

    def __init__(self, html):
        super().__init__()
        self.dangerous = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        for name, _ in attrs:
            if name.startswith("on"):
                self.dangerous.append(f"<{tag} {name}>")
        if tag in ("script", "img") and not dict(attrs).get("src", "").startswith("/static/"):
            self.dangerous.append(f"<{tag}>")


def payload_issue(reporter, **changes):
    data = json.loads((EXAMPLES / "full.json").read_text())
    data.update(
        name=LINE,
        related_project=LINE,
        description=TEXT,
        expected_behavior=TEXT,
        business_impact=TEXT,
        frameworks=[LINE[:100]],
        milestones=[{"title": LINE, "date": data["reported_date"]}],
        updates=[{"date": data["reported_date"], "text": TEXT}],
        todo=[{"text": LINE, "done": False}],
        **changes,
    )
    return create_issue(data, reporter=reporter)


def assert_no_raw_markup(html, where):
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} reached the page as markup"
    assert Markup(html).dangerous == [], where


@pytest.fixture
def payloads(owner):
    issue = payload_issue(owner, status=Issue.Status.IN_PROGRESS)
    Update.objects.filter(issue=issue).update(author=owner)
    draft = payload_issue(owner, status=Issue.Status.DRAFT)
    return issue, draft


def test_the_issue_list_and_drafts_show_the_payload_escaped(owner_client, payloads):
    for url in ["/?status=all", "/issues/drafts/", f"/?q={LINE[:20]}"]:
        html = owner_client.get(url).text
        assert_no_raw_markup(html, url)
    assert f">{escape(LINE)}</a></td>" in owner_client.get("/?status=all").text
    assert escape(LINE) in owner_client.get("/issues/drafts/").text


def test_the_issue_page_shows_every_payload_escaped(owner_client, payloads):
    issue, _ = payloads
    html = owner_client.get(f"/issues/{issue.pk}/").text
    assert_no_raw_markup(html, "issue page")
    assert f"{escape(LINE)}</h1>" in html
    # The Remove button of the user's own item names it, escaped.
    assert f'Remove<span class="visually-hidden"> “{escape(LINE)}”</span>' in html
    assert '<label class="form-check-label" for="item-' in html
    assert f">{escape(LINE)}</label>" in html
    # Markdown fields: the payload as text, never as markup.
    assert "&lt;script&gt;xss(&#x27;text&#x27;)&lt;/script&gt;" in html or (
        "&lt;script&gt;xss('text')&lt;/script&gt;" in html
    )


def test_the_guided_steps_show_the_payload_escaped_in_fields(owner_client, payloads):
    issue, draft = payloads
    for target in (issue, draft):
        for step in ["overview", "details", "impact", "timeline", "review"]:
            html = owner_client.get(f"/issues/{target.pk}/steps/{step}/").text
            assert_no_raw_markup(html, f"{step} of {target.status}")
    overview = owner_client.get(f"/issues/{draft.pk}/steps/overview/").text
    assert f'value="{escape(LINE)}"' in overview
    details = owner_client.get(f"/issues/{draft.pk}/steps/details/").text
    assert f">\n{escape(TEXT)}</textarea>" in details or f">{escape(TEXT)}</textarea>" in details
    timeline = owner_client.get(f"/issues/{draft.pk}/steps/timeline/").text
    assert f'value="{escape(LINE)}"' in timeline


def test_a_step_sent_back_with_errors_shows_what_was_typed_escaped(owner_client, payloads):
    _, draft = payloads
    response = owner_client.post(
        f"/issues/{draft.pk}/steps/details/",
        {"description": "", "expected_behavior": TEXT, "action": "next"},
    )
    assert response.status_code == 200
    assert_no_raw_markup(response.text, "details with errors")
    assert escape(TEXT) in response.text


def test_the_status_confirmation_lists_items_escaped(owner_client, owner):
    issue = payload_issue(
        owner, status=Issue.Status.IN_PROGRESS, definition_of_done=[{"text": LINE, "done": False}]
    )
    response = owner_client.post(
        f"/issues/{issue.pk}/status/", {"version": issue.version, "status": "resolved"}
    )
    assert response.status_code == 200
    assert_no_raw_markup(response.text, "status confirmation")
    assert f"<li>{escape(LINE)}</li>" in response.text


# Tied sort keys -------------------------------------------------------------------------


@pytest.mark.parametrize("sort", [key for field in SORT_FIELDS for key in (field, f"-{field}")])
def test_tied_sort_keys_keep_one_order_from_page_to_page(owner_client, sort):
    made = bulk_issues(PAGE_SIZE * 2 + 10)
    # Every issue ties on every sort key.
    Issue.objects.update(
        name="Same",
        target_date="2026-03-01",
        updated_at="2026-03-01T00:00:00Z",
    )
    seen = []
    for number in (1, 2, 3):
        seen += ids_on(owner_client.get(f"/?sort={sort}&page={number}"))
    assert seen == sorted((issue.pk for issue in made), reverse=True)
    # Asked again, page 2 is the same.
    assert (
        ids_on(owner_client.get(f"/?sort={sort}&page=2&again=1")) == seen[PAGE_SIZE : PAGE_SIZE * 2]
    )


def test_ties_within_a_sort_break_newest_first(owner_client, owner):
    first = make_issue(owner, name="Tie", priority="p1")
    second = make_issue(owner, name="Tie", priority="p1")
    other = make_issue(owner, name="Alone", priority="p0")
    assert ids_on(owner_client.get("/?sort=priority")) == [other.pk, second.pk, first.pk]
    assert ids_on(owner_client.get("/?sort=-priority")) == [second.pk, first.pk, other.pk]


# Search: exactly which issues come back -------------------------------------------------


@pytest.fixture
def searched(owner):
    return {
        "monitor": make_issue(owner, name="Drift monitor misses label shift"),
        "tokenizer": make_issue(owner, name="Tokenizer truncates", description="OR and NEAR"),
        "quoted": make_issue(owner, name='Quoted "drift" in logs'),
        "closed": make_issue(owner, name="Drift closed long ago", status=Issue.Status.CLOSED),
    }


def listed(client, query):
    return set(ids_on(client.get("/", {"q": query, "status": "all"})))


def test_search_returns_exactly_the_matching_issues(owner_client, searched):
    pk = {key: issue.pk for key, issue in searched.items()}
    assert listed(owner_client, "drift") == {pk["monitor"], pk["quoted"], pk["closed"]}
    assert listed(owner_client, "drift monitor") == {pk["monitor"]}
    assert listed(owner_client, "tokenizer") == {pk["tokenizer"]}
    assert listed(owner_client, "nothing-like-this") == set()
    # Open and in progress only, without status=all.
    assert set(ids_on(owner_client.get("/", {"q": "drift"}))) == {pk["monitor"], pk["quoted"]}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ('"drift"', {"monitor", "quoted", "closed"}),
        ("drift'", {"monitor", "quoted", "closed"}),
        ("-drift", {"monitor", "quoted", "closed"}),
        ("drift -monitor", {"monitor"}),
        ("OR", {"tokenizer"}),
        ("NEAR", {"tokenizer"}),
        ('""', set()),
        ("*", set()),
        (":", set()),
        ("^", set()),
    ],
)
def test_search_syntax_is_just_text(owner_client, searched, words, expected):
    from django.db import connection

    if connection.vendor == "postgresql" and words == "OR":
        # "or" is an English stop word, which PostgreSQL's search leaves out: alone, it
        # matches nothing.
        expected = set()
    response = owner_client.get("/", {"q": words, "status": "all"})
    assert response.status_code == 200
    assert set(ids_on(response)) == {searched[key].pk for key in expected}
