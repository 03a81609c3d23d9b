"""In real Chromium, issue 14: filing at incident speed and never losing what was typed.

Few tests, each doing a lot (the suite's time budget): the keyboard-only quick issue, the
shortcuts, edits in two tabs and a conflict, drafts, closing, the preview, and every one of
these pages without JavaScript.
"""

import re

import pytest
from playwright.sync_api import expect

from issues.models import Issue, PendingEdit
from issues.serialization import create_issue
from tests.common_support import PASSWORD
from tests.guided_support import FULL, full_steps, logged_in, post_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def documents(page):
    """Every page request the tab makes from now on, as "METHOD path"."""
    seen = []
    page.on(
        "request",
        lambda request: (
            seen.append(f"{request.method} {re.sub(r'^https?://[^/]+', '', request.url)}")
            if request.resource_type == "document"
            else None
        ),
    )
    return seen


def test_keyboard_only_from_the_list_to_a_new_open_issue(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    create_issue({**FULL, "name": "Older issue"}, reporter=owner)
    page.goto(f"{base}/")

    # "?" lists the shortcuts; Escape closes the dialog.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Quick issue")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # "/" focuses the search; letters typed there are text, not shortcuts.
    page.keyboard.press("/")
    search = page.locator("#id_q")
    expect(search).to_be_focused()
    page.keyboard.type("cg")
    expect(search).to_have_value("cg")
    expect(page).to_have_url(f"{base}/")
    search.fill("")
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")

    # Done when: c, a name, Tab to !p0, a type, one line, Ctrl+Enter: 1 GET + 1 POST.
    requests = documents(page)
    page.keyboard.press("c")
    expect(page).to_have_url(f"{base}/issues/new/quick/")
    expect(page.get_by_label("Issue Name")).to_be_focused()
    page.keyboard.type("Fraud scoring returns 500s")
    page.keyboard.press("Tab")
    expect(page.get_by_label("!p0: Critical priority")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Type of Issue")).to_be_focused()
    page.keyboard.type("Deployment")
    expect(page.get_by_label("Type of Issue")).to_have_value("deployment")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_description":
            break
    page.keyboard.type("Every request since 02:10 fails.")
    page.keyboard.press("Control+Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Fraud scoring returns 500s")
    issue = Issue.objects.get(name="Fraud scoring returns 500s")
    assert (issue.status, issue.priority, issue.type) == (Issue.Status.OPEN, "p0", "deployment")
    assert requests[:2] == ["GET /issues/new/quick/", "POST /issues/new/quick/"]
    assert requests[2:] == [f"GET /issues/{issue.pk}/"]
    expect(page.locator("#empty-sections-heading")).to_have_text("Still empty")

    # "g i" goes back to the list, where the new issue is.
    page.keyboard.press("g")
    page.keyboard.press("i")
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("link", name="Fraud scoring returns 500s")).to_be_visible()


def test_two_tabs_a_conflict_drafts_and_the_leave_warning(
    logged_in_page, live_server, owner, teammate
):
    page, base = logged_in_page, live_server.url
    issue = create_issue(FULL, reporter=owner)

    # The first tab changes the description; a second tab opening Edit finds it, not a reset.
    page.goto(f"{base}/issues/{issue.pk}/edit/")
    expect(page.get_by_label("Issue Name")).to_be_focused()
    page.get_by_role("button", name="2. Details").click()
    page.get_by_label("Issue Description").fill("Alice's description")
    page.get_by_role("button", name="Next", exact=True).click()
    second = page.context.new_page()
    second.goto(f"{base}/issues/{issue.pk}/edit/")
    second.get_by_role("button", name="2. Details").click()
    expect(second.get_by_label("Issue Description")).to_have_value("Alice's description")
    second.close()

    # Meanwhile a teammate ticks an item, and saves the same field and another one.
    client = logged_in(teammate)
    post_step(client, issue, "details", {**full_steps()["details"], "description": "Bob's"})
    post_step(client, issue, "impact", {**full_steps()["impact"], "priority": "p0"})
    post_step(client, issue, "review", full_steps()["review"], action="finish")

    page.get_by_role("button", name="5. Review").click()
    page.get_by_role("button", name="Save changes").click()
    conflicts = page.locator("section", has=page.locator("#conflicts-heading"))
    expect(page.get_by_role("alert")).to_contain_text("Someone else saved Issue Description")
    expect(conflicts).to_contain_text("Bob's")
    expect(conflicts).to_contain_text("Alice's description")
    expect(conflicts).to_contain_text("saved by teammate at")
    conflicts.get_by_label("Keep yours").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(FULL["name"])
    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.description, saved.priority) == ("Alice's description", "p0")
    expect(page.locator("#history")).to_contain_text("Priority: !p1 → !p0")

    # Leaving a changed step asks first; staying keeps the text.
    page.goto(f"{base}/issues/new/")
    page.get_by_label("Issue Name").click()
    page.keyboard.type("Half typed")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Issues", exact=True).click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    expect(page.get_by_label("Issue Name")).to_have_value("Half typed")

    # A second draft of the same name is warned about; a draft is discarded after asking.
    page.get_by_label("Type of Issue").select_option("training")
    page.get_by_role("button", name="Next", exact=True).click()
    page.goto(f"{base}/issues/new/")
    page.get_by_label("Issue Name").fill("Half typed")
    page.get_by_label("Type of Issue").select_option("training")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("You already have a draft named")
    page.goto(f"{base}/issues/drafts/")
    page.get_by_role("link", name=re.compile(r"^Discard draft #")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discard the draft")
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_text("Draft “Half typed” discarded.")).to_be_visible()
    assert not Issue.objects.filter(status=Issue.Status.DRAFT).exists()
    assert not PendingEdit.objects.exists()


def test_close_reopen_and_the_markdown_preview(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    issue = create_issue(FULL, reporter=owner)
    page.goto(f"{base}/issues/{issue.pk}/")
    # The update's text area has Write/Preview tabs too.
    # By its accessible name: the label's required mark is aria-hidden.
    page.get_by_role("textbox", name="Update", exact=True).fill("Rolled back:\n- [x] eu-west")
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator("#updates [data-preview-output]").get_by_role("checkbox")).to_be_checked()
    page.get_by_role("tab", name="Write").click()
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_text("Update added.")).to_be_visible()
    page.get_by_text("Close with a reason").click()
    page.get_by_label("Won't fix").check()
    page.get_by_label("Note (optional)").fill("Superseded by the v8 model.")
    page.get_by_role("button", name="Close issue").click()
    expect(page.get_by_text("Issue closed.")).to_be_visible()
    expect(page.locator("#updates")).to_contain_text(
        "Closed as Won't fix by owner (was Open). Superseded by the v8 model."
    )
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#status-heading")).to_contain_text("Open")

    # Write/Preview: the server renders it as GitHub would, task lists as checkboxes.
    page.goto(f"{base}/issues/new/quick/")
    page.get_by_label("Issue Description").fill(
        "- [x] rolled back\n- [ ] root cause\n\n| a |\n|---|\n| 1 |"
    )
    expect(page.get_by_role("button", name="Preview Issue Description")).to_be_hidden()
    page.get_by_role("tab", name="Preview").click()
    preview = page.locator("[data-preview-output]")
    expect(preview.get_by_role("checkbox", name="rolled back")).to_be_checked()
    expect(preview.get_by_role("checkbox", name="root cause")).to_be_disabled()
    expect(preview.get_by_role("cell", name="1")).to_be_visible()
    page.get_by_role("tab", name="Write").click()
    expect(page.get_by_label("Issue Description")).to_be_visible()


def test_everything_but_shortcuts_works_without_javascript(browser, live_server, owner):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Quick issue").first.click()
    page.get_by_label("Issue Name").fill("Feature store lagging")
    page.get_by_label("!p1").check()
    page.get_by_label("Type of Issue").select_option("data_pipeline")
    page.get_by_label("Issue Description").fill("- [ ] check the backfill")
    page.get_by_role("button", name="Preview Issue Description").click()
    expect(page.get_by_role("checkbox", name="check the backfill")).to_be_disabled()
    expect(page.get_by_label("Issue Name")).to_have_value("Feature store lagging")
    page.get_by_role("button", name="Create issue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feature store lagging")
    issue = Issue.objects.get(name="Feature store lagging")
    # The Update box's Preview button shows the rendering, keeps the text, saves nothing.
    page.get_by_role("textbox", name="Update", exact=True).fill("- [x] backfill restarted")
    page.get_by_role("button", name="Preview Update").click()
    preview = page.get_by_role("region", name="Preview of Update")
    expect(preview.get_by_role("checkbox", name="backfill restarted")).to_be_disabled()
    expect(page.get_by_role("textbox", name="Update", exact=True)).to_have_value(
        "- [x] backfill restarted"
    )
    assert not issue.updates.exists()
    page.get_by_role("button", name="Add update", exact=True).click()
    expect(page.get_by_text("Update added.")).to_be_visible()
    assert issue.updates.get().text == "- [x] backfill restarted"

    page.get_by_text("Close with a reason").click()
    page.get_by_label("Duplicate").check()
    page.get_by_role("button", name="Close issue").click()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.CLOSED

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Issue Name").fill("Feature store lagging (edited)")
    page.get_by_role("button", name="Next", exact=True).click()
    page.goto(f"{base}/issues/{issue.pk}/edit/")
    expect(page.get_by_label("Issue Name")).to_have_value("Feature store lagging (edited)")
    page.get_by_role("link", name="Discard changes").click()
    page.get_by_role("button", name="Discard changes").click()
    expect(page.get_by_text("Your changes were discarded")).to_be_visible()
    assert Issue.objects.get(pk=issue.pk).name == "Feature store lagging"
    context.close()
