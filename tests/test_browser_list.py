"""The issue list, scannable (issue 14, point 7), in real Chromium at 1280 px and 390 px.

Status as a badge with its words, an Assignees column, sortable headers (links that set
``sort``, with aria-sort), dates on one line, the filter panel one line until opened (open when
a filter is set), and at phone width every issue a card showing its name, priority, status and
overdue without sideways scrolling. axe-clean (WCAG 2.1 AA), no CSP report.
"""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser_support import Audit
from tests.factories import make_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines the element's first text takes.
LINES_OF_TEXT = """element => {
    const range = document.createRange();
    range.selectNodeContents(element.firstChild);
    return new Set([...range.getClientRects()].map(rect => rect.top)).size;
}"""
LONG_AGO = (datetime.date.today() - datetime.timedelta(days=40)).isoformat()


@pytest.fixture
def issues(owner):
    overdue = make_issue(
        owner,
        name="Drift monitor misses late events in the nightly batch of the fraud model",
        priority="p0",
        status="in_progress",
        reported_date=LONG_AGO,
        target_date=(datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        assignees=["alice-ml", "bob"],
    )
    later = make_issue(owner, name="Tokenizer upgrade", priority="p2", assignees=[])
    return overdue, later


def row_of(page, issue):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=issue.name))


def test_the_list_at_desktop_width(logged_in_page, live_server, issues):
    page, (overdue, _) = logged_in_page, issues
    page.set_viewport_size({"width": 1280, "height": 900})
    audit = Audit(page)
    page.goto(f"{live_server.url}/")
    audit.check("list, 1280 px")

    # The filter panel is one line (its summary) until opened; the search is always there.
    panel = page.locator("details", has_text="Filters and sort")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.get_by_label("Priority")).to_be_hidden()
    expect(page.get_by_label("Search")).to_be_visible()

    row = row_of(page, overdue)
    expect(row.locator(".badge", has_text="In progress")).to_be_visible()
    expect(row.locator(".badge", has_text="!p0")).to_be_visible()
    expect(row.get_by_text("Overdue")).to_be_visible()
    expect(row.locator('[data-label="Assignees"]')).to_have_text("alice-ml, bob")
    for column in ("Reported Date", "Target Resolution Date"):
        lines = row.locator(f'[data-label="{column}"]').evaluate(LINES_OF_TEXT)
        assert lines == 1, f"the {column} wraps"

    # Sorting by a header: a link that sets sort, then the other way; aria-sort says which.
    header = page.get_by_role("columnheader", name="Issue Name")
    expect(header).not_to_have_attribute("aria-sort", "ascending")
    header.get_by_role("link").click()
    page.wait_for_url("**/?sort=name")
    header = page.get_by_role("columnheader", name="Issue Name")
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = page.locator('td[data-label="Issue Name"]').all_inner_texts()
    assert names == sorted(names)
    header.get_by_role("link").click()
    page.wait_for_url("**/?sort=-name")
    expect(page.get_by_role("columnheader", name="Issue Name")).to_have_attribute(
        "aria-sort", "descending"
    )
    audit.check("list sorted, 1280 px")

    # A filter set: the panel is open and says how many are set.
    page.goto(f"{live_server.url}/?priority=p0")
    expect(page.locator("details[open]")).to_contain_text("Filters and sort (1 set)")
    expect(page.get_by_label("Priority")).to_have_value("p0")
    expect(page.locator("tbody tr")).to_have_count(1)
    audit.check("list filtered, 1280 px")
    audit.assert_clean()


def test_the_list_at_phone_width_is_cards(logged_in_page, live_server, issues):
    page, (overdue, later) = logged_in_page, issues
    page.set_viewport_size({"width": 390, "height": 844})
    audit = Audit(page)
    page.goto(f"{live_server.url}/")
    audit.check("list, 390 px")

    # Nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = row_of(page, overdue)
    card = row.bounding_box()
    assert card["width"] <= 390
    for text in (overdue.name, "!p0", "In progress", "Overdue"):
        element = row.get_by_text(text, exact=True).first
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, text
    # Each value is labelled by its column's header; the less urgent columns are left out.
    expect(row.locator('[data-label="Priority"]')).to_be_visible()
    expect(row.locator('[data-label="Checklists"]')).to_be_hidden()
    # Two issues, two cards, the newer above the other.
    newer = row_of(page, later).bounding_box()
    assert newer["x"] == card["x"] and newer["y"] + newer["height"] <= card["y"]

    page.locator("summary", has_text="Filters and sort").click()
    expect(page.get_by_label("Priority")).to_be_visible()
    audit.check("list with the filters open, 390 px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    audit.assert_clean()
