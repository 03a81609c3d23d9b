"""In real Chromium: a person writes an issue through the guided form, by label."""

import re

import pytest
from playwright.sync_api import expect

from issues.models import Issue
from issues.serialization import issue_to_dict, with_defaults
from tests.browser_support import (
    fill_details,
    fill_milestone,
    fill_overview,
    milestone_input,
    press,
)
from tests.common_support import PASSWORD
from tests.guided_support import FULL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Everything of full.json the guided form collects: not the to-do ticks, the added to-do item
# or the updates, which are made on the issue page.
COLLECTED = [key for key in with_defaults(FULL) if key not in ("todo", "updates")]


def test_a_person_fills_every_step_with_full_json(logged_in_page, live_server):
    page = logged_in_page
    page.get_by_role("link", name="New issue").first.click()
    expect(page).to_have_url(f"{live_server.url}/issues/new/")
    expect(page.get_by_role("listitem").filter(has_text="1. Overview")).to_have_attribute(
        "aria-current", "step"
    )
    fill_overview(page, FULL)
    press(page, "Next")

    expect(page.get_by_role("heading", name="Specific Details")).to_be_visible()
    fill_details(page, FULL)
    press(page, "Next")

    expect(page.get_by_role("heading", name="Impact Assessment")).to_be_visible()
    page.get_by_label("Business Impact").fill(FULL["business_impact"])
    page.get_by_label("Users/Systems Affected").fill(FULL["users_affected"])
    page.get_by_label("Priority").select_option(label=f"!{FULL['priority']}")
    press(page, "Next")

    expect(page.get_by_role("heading", name="Communication and Timeline")).to_be_visible()
    page.get_by_label("Reported Date").fill(FULL["reported_date"])
    page.get_by_label("Target Resolution Date").fill(FULL["target_date"])
    first, second, third = FULL["milestones"]
    fill_milestone(page, 1, first)
    page.evaluate("window.stillThisPage = true")
    press(page, "Add milestone")
    # guided.js added the row in place: the page was not reloaded.
    assert page.evaluate("window.stillThisPage") is True
    expect(milestone_input(page, 2, "Milestone")).to_be_focused()
    fill_milestone(page, 2, {"title": "A row too many", "date": ""})
    press(page, "Add milestone")
    fill_milestone(page, 3, second)
    press(page, "Remove milestone 2")
    # The rows after the removed one are numbered anew.
    expect(milestone_input(page, 2, "Milestone")).to_have_value(second["title"])
    expect(page.get_by_role("group", name="Milestone 3")).to_have_count(0)
    press(page, "Add milestone")
    fill_milestone(page, 3, third)
    page.get_by_label("Assignees").fill(", ".join(FULL["assignees"]))
    # Enter in a field means "Next", not the first button of the form ("Remove milestone 1").
    page.get_by_label("Assignees").press("Enter")

    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.locator(".markdown-body")).to_contain_text("Fixed model deployed: 2026-12-02")
    for item in FULL["definition_of_ready"]:
        if item["done"]:
            page.get_by_label(item["text"]).check()
    press(page, "Create issue")

    issue = Issue.objects.get()
    expect(page).to_have_url(f"{live_server.url}/issues/{issue.pk}/")
    saved, expected = issue_to_dict(issue), with_defaults(FULL)
    assert {key: saved[key] for key in COLLECTED} == {key: expected[key] for key in COLLECTED}
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name=FULL["name"])).to_be_visible()


def test_back_and_next_lose_nothing_typed(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/issues/new/")
    fill_overview(page, FULL)
    press(page, "Next")
    fill_details(page, {**FULL, "description": ""})  # invalid: the description is required
    press(page, "Back")

    expect(page.get_by_label("Issue Name")).to_have_value(FULL["name"])
    press(page, "Next")
    expect(page.get_by_label("Expected Behavior")).to_have_value(FULL["expected_behavior"])
    expect(page.get_by_label("ML Framework/Libraries")).to_have_value(
        "PyTorch, scikit-learn, pandas"
    )
    expect(page.get_by_role("alert")).to_contain_text("Issue Description: This field is required.")
    page.get_by_role("link", name="Issue Description: This field is required.").click()
    expect(page.get_by_label("Issue Description")).to_be_focused()

    page.get_by_label("Issue Description").fill(FULL["description"])
    press(page, "Next")
    page.get_by_label("Business Impact").fill(FULL["business_impact"])
    press(page, "Back")
    expect(page.get_by_label("Issue Description")).to_have_value(FULL["description"])
    press(page, "Next")
    expect(page.get_by_label("Business Impact")).to_have_value(FULL["business_impact"])


def test_leave_mid_way_and_resume_the_draft(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/issues/new/")
    fill_overview(page, FULL)
    press(page, "Next")
    fill_details(page, FULL)
    press(page, "Next")
    page.get_by_label("Business Impact").fill("typed, then the session expired")

    # The session ends: the browser forgets it, and the person logs in again.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Drafts (1)").click()
    expect(page).to_have_url(f"{live_server.url}/issues/drafts/")
    expect(page.get_by_text("resumes at Impact")).to_be_visible()
    page.get_by_role("link", name=FULL["name"]).click()
    expect(page).to_have_url(re.compile(r"/issues/\d+/steps/impact/$"))
    expect(page.get_by_role("listitem").filter(has_text="3. Impact")).to_have_attribute(
        "aria-current", "step"
    )
    press(page, "Back")
    expect(page.get_by_label("Issue Description")).to_have_value(FULL["description"])
    expect(page.get_by_label("Environment")).to_have_value("production")
