"""In real Chromium: tick items without a reload, add an item and updates, move the status."""

import pytest
from django.db.models import F
from playwright.sync_api import expect

from issues.models import ChecklistItem, Issue
from tests.factories import make_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ticks(issue, checklist):
    return list(
        ChecklistItem.objects.filter(issue=issue, checklist=checklist)
        .order_by("position")
        .values_list("done", flat=True)
    )


def test_tick_items_add_an_item_and_updates(logged_in_page, live_server, owner):
    issue = make_issue(owner)
    page = logged_in_page
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    todo = page.locator("#todo")

    # With JavaScript each tick is saved at once, without a reload.
    page.evaluate("window.stillTheSamePage = true")
    expect(todo.get_by_role("button", name="Save To-Do List")).to_be_hidden()
    page.get_by_label("Investigate root cause").check()
    page.get_by_label("Implement changes").check()
    page.get_by_label("Investigate root cause").uncheck()
    page.get_by_label("Develop solution approach").check()
    expect(todo.locator("[data-progress]")).to_have_text("2 of 6 done")
    expect(todo.get_by_role("status")).to_have_text("Saved.")
    assert page.evaluate("window.stillTheSamePage") is True
    assert ticks(issue, "todo") == [False, True, True, False, False, False]

    page.get_by_label("New item for the To-Do List").fill("Add a recall alert")
    todo.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Item added to the To-Do List.")).to_be_visible()
    expect(page.get_by_label("Add a recall alert")).not_to_be_checked()
    page.get_by_label("Add a recall alert").check()
    expect(todo.locator("[data-progress]")).to_have_text("3 of 7 done")
    todo.get_by_role("button", name="Remove “Add a recall alert”").click()
    expect(page.get_by_text("Removed “Add a recall alert” from the To-Do List.")).to_be_visible()

    for date, text in [("2026-11-18", "Reported."), ("2026-11-19", "Root cause *found*.")]:
        page.locator("#id_update-date").fill(date)
        page.get_by_role("textbox", name="Update", exact=True).fill(text)
        page.get_by_role("button", name="Add update").click()
        expect(page.get_by_text("Update added.")).to_be_visible()
    updates = page.locator("#updates li")
    expect(updates).to_have_count(2)
    expect(updates.nth(0)).to_contain_text("2026-11-18 · owner")
    expect(updates.nth(1).locator("em")).to_have_text("found")

    # Someone else changed the issue meanwhile: the tick is refused and the page reloads.
    Issue.objects.filter(pk=issue.pk).update(version=F("version") + 1)
    # click, not check: the page reloads before check() could see the box ticked.
    page.get_by_label("Test and validate solution").click()
    expect(page.get_by_role("alert").filter(has_text="changed by someone else")).to_be_visible()
    expect(page.get_by_label("Test and validate solution")).not_to_be_checked()
    assert ticks(issue, "todo")[3] is False


def test_move_an_issue_through_its_statuses(logged_in_page, live_server, owner):
    issue = make_issue(owner)
    page = logged_in_page
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    status = page.locator("#status-heading")

    page.get_by_role("button", name="Move to In progress").click()
    expect(page.get_by_role("alert")).to_contain_text("The Definition of Ready is not complete.")
    page.get_by_role("link", name="Cancel").click()
    expect(status).to_contain_text("Open")

    page.get_by_role("button", name="Move to In progress").click()
    page.get_by_role("button", name="Move to In progress anyway").click()
    expect(status).to_contain_text("In progress")
    expect(page.locator("#updates")).to_contain_text(
        "The Definition of Ready was incomplete (0 of 5 ticked): override confirmed."
    )

    # A complete Definition of Done needs no confirmation.
    done = page.locator("#done")
    for checkbox in done.get_by_role("checkbox").all():
        checkbox.check()
    expect(done.locator("[data-progress]")).to_have_text("6 of 6 done")
    page.get_by_role("button", name="Move to Resolved").click()
    expect(status).to_contain_text("Resolved")

    page.get_by_role("button", name="Move to Closed").click()
    expect(status).to_contain_text("Closed")
    page.get_by_role("button", name="Reopen").click()
    expect(status).to_contain_text("Open")
    expect(page.locator("#updates li")).to_have_count(4)
    expect(page.locator("#history")).to_contain_text("Status: Closed → Open")
