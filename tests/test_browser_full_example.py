"""In real Chromium: examples/full.json end to end, and its Markdown equals full.md byte for byte.

The guided form writes what it collects; the issue page adds the rest (the To-Do tick, the
added to-do item and the two updates), as a person would.
"""

import pytest
from playwright.sync_api import expect

from issues.markdown import render_document
from issues.models import Issue
from issues.serialization import issue_to_dict
from issues.template import TYPE_LABELS
from tests.browser_support import fill_details, fill_milestone, press
from tests.common_support import EXAMPLES
from tests.guided_support import FULL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDED_ITEM = "Add a recall alert to the evaluation job"


def write_with_the_guided_form(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="New issue").first.click()
    page.get_by_label("Issue Name").fill(FULL["name"])
    page.get_by_label("Type of Issue").select_option(label=TYPE_LABELS[FULL["type"]])
    page.get_by_label("Related Model/Project").fill(FULL["related_project"])
    press(page, "Next")
    fill_details(page, FULL)
    press(page, "Next")
    page.get_by_label("Business Impact").fill(FULL["business_impact"])
    page.get_by_label("Users/Systems Affected").fill(FULL["users_affected"])
    page.get_by_label("Priority").select_option(label=f"!{FULL['priority']}")
    press(page, "Next")
    page.get_by_label("Reported Date").fill(FULL["reported_date"])
    page.get_by_label("Target Resolution Date").fill(FULL["target_date"])
    for number, milestone in enumerate(FULL["milestones"], start=1):
        if number > 1:
            press(page, "Add milestone")
        fill_milestone(page, number, milestone)
    page.get_by_label("Assignees").fill(", ".join(FULL["assignees"]))
    press(page, "Next")
    for item in FULL["definition_of_ready"]:
        if item["done"]:
            page.get_by_label(item["text"]).check()
    press(page, "Create issue")


def test_full_json_end_to_end_gives_full_md(logged_in_page, live_server):
    page = logged_in_page
    write_with_the_guided_form(page, live_server)
    expect(
        page.get_by_role("heading", name=f"#{Issue.objects.get().pk} {FULL['name']}")
    ).to_be_visible()

    todo = page.locator("#todo")
    for item in FULL["todo"]:
        if item["done"]:
            page.get_by_label(item["text"], exact=True).check()
    expect(todo.get_by_role("status")).to_have_text("Saved.")
    page.get_by_label("New item for the To-Do List").fill(ADDED_ITEM)
    todo.get_by_role("button", name="Add item").click()
    expect(page.get_by_label(ADDED_ITEM)).not_to_be_checked()

    for update in FULL["updates"]:
        page.locator("#id_update-date").fill(update["date"])
        page.get_by_role("textbox", name="Update", exact=True).fill(update["text"])
        page.get_by_role("button", name="Add update").click()
        expect(page.get_by_text("Update added.")).to_be_visible()
    expect(page.locator("#updates li")).to_have_count(2)

    issue = Issue.objects.get()
    document = render_document(issue_to_dict(issue))
    assert document.encode() == (EXAMPLES / "full.md").read_bytes()
