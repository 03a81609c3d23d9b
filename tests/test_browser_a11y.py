"""Accessibility: zero axe-core violations at WCAG 2.1 AA on every page, in real Chromium.

axe-core is the copy shipped inside axe-playwright-python (no network). Every page visited
is also checked for Content Security Policy violations reported in the console, so an
inline script or style="..." anywhere fails here too.
"""

import datetime
import json
import re

import pytest
from playwright.sync_api import expect

from issues.models import Issue
from issues.serialization import create_issue
from tests.browser_support import Audit
from tests.common_support import EXAMPLES, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def full_issue(reporter, **changes):
    data = json.loads((EXAMPLES / "full.json").read_text())
    return create_issue({**data, **changes}, reporter=reporter)


def test_login_and_sign_up_pages(page, live_server, owner, settings):
    audit = Audit(page)
    page.goto(f"{live_server.url}/accounts/login/")
    audit.check("login")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("login with an error")

    settings.DSKIT_LOGIN_FAILURE_LIMIT = 1
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed login attempts")
    audit.check("login refused (throttled)")

    page.goto(f"{live_server.url}/accounts/signup/")
    audit.check("sign-up")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_role("button", name="Sign up").click()
    audit.check("sign-up with errors")

    page.goto(f"{live_server.url}/no/such/page/")
    audit.check("404")
    audit.assert_clean()


def test_issue_list_and_issue_page(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    issue = full_issue(owner)
    full_issue(owner, name="Feature drift in the ranking model", priority="p0")
    full_issue(owner, name="Half-written", status=Issue.Status.DRAFT)
    audit = Audit(page)

    page.goto(f"{base}/")
    audit.check("issue list")
    page.goto(f"{base}/?status=all&priority=p0&environment=production&q=drift&sort=-priority")
    audit.check("issue list with filters")
    page.goto(f"{base}/?overdue=1&filed=0&reporter=mine&page=9&unknown=1")
    audit.check("issue list, no results and a note")
    page.goto(f"{base}/issues/drafts/")
    audit.check("drafts")

    page.goto(f"{base}/issues/{issue.pk}/")
    audit.check("issue page")
    page.get_by_role("button", name="Add update").click()
    audit.check("issue page with an update error")

    update = issue.updates.first()
    update.author = owner
    update.save()
    page.goto(f"{base}/issues/{issue.pk}/updates/{update.pk}/edit/")
    audit.check("update correction")
    audit.assert_clean()


def test_guided_form_steps_with_and_without_errors(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    audit = Audit(page)

    page.goto(f"{base}/issues/new/")
    audit.check("new issue: overview")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("new issue: overview with errors")

    page.get_by_label("Issue Name").fill("Recall dropped")
    page.get_by_label("Type of Issue").select_option("training")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/steps/details/")
    audit.check("details")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("details with errors")

    page.get_by_label("Issue Description").fill("Recall fell from 0.91 to 0.84.")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/steps/impact/")
    audit.check("impact")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("impact with errors")

    page.get_by_label("Priority").select_option("p1")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/steps/timeline/")
    audit.check("timeline")
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    page.get_by_label("Target Resolution Date").fill(yesterday)
    page.get_by_label("Milestone", exact=True).first.fill("Root cause found")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.check("timeline with errors")

    page.get_by_label("Target Resolution Date").fill("")
    page.get_by_label("Milestone", exact=True).first.fill("")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/steps/review/")
    audit.check("review")
    page.get_by_role("button", name="Create issue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recall dropped")
    audit.assert_clean()


def test_confirmation_pages(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    owner.is_staff = True
    owner.save()
    issue = full_issue(owner, status=Issue.Status.IN_PROGRESS)
    audit = Audit(page)

    page.goto(f"{base}/issues/{issue.pk}/")
    page.get_by_role("button", name="Move to Resolved").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to Resolved?")
    audit.check("status change confirmation")

    page.goto(f"{base}/issues/{issue.pk}/")
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete")
    audit.check("delete confirmation")
    audit.assert_clean()


def _rgb(css, under=(255, 255, 255)):
    """An rgb()/rgba() colour as opaque RGB, blended over ``under``."""
    *rgb, alpha = [float(v) for v in re.findall(r"[\d.]+", css)] + [1.0]
    alpha = alpha if len(rgb) == 3 else 1.0
    return [alpha * c + (1 - alpha) * u for c, u in zip(rgb[:3], under, strict=True)]


def _luminance(rgb):
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def unticked_checkbox_contrast(page):
    """WCAG contrast of an unticked checkbox's border against the page behind it."""
    border, background = page.evaluate(
        """() => {
            const box = document.querySelector("#todo input[type=checkbox]:not(:checked)");
            return [getComputedStyle(box).borderTopColor,
                    getComputedStyle(document.body).backgroundColor];
        }"""
    )
    page_rgb = _rgb(background)
    lighter, darker = sorted((_luminance(_rgb(border, page_rgb)), _luminance(page_rgb)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def test_incident_pages_in_light_and_dark_mode(logged_in_page, live_server, owner, teammate):
    """Issue 14's new and changed pages, axe-clean in both colour modes."""
    from tests.guided_support import full_steps, logged_in, post_step, start_draft

    page, base = logged_in_page, live_server.url
    quick = full_issue(owner, name="Quick one", description="- [ ] roll back", priority="p0")
    quick.business_impact = ""
    quick.save()
    edited = full_issue(owner, name="Edited by two")
    mine, theirs = logged_in(owner), logged_in(teammate)
    post_step(mine, edited, "details", {**full_steps()["details"], "description": "Mine"})
    post_step(theirs, edited, "details", {**full_steps()["details"], "description": "Theirs"})
    post_step(theirs, edited, "review", full_steps()["review"], action="finish")
    draft = start_draft(mine)
    correctable = quick.updates.first()
    correctable.author = owner
    correctable.save()
    audit = Audit(page)

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{base}/issues/new/quick/")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
        page.keyboard.press("Escape")
        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("?")
        expect(page.get_by_role("dialog")).to_be_visible()
        audit.check(f"{scheme}: shortcuts dialog")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Create issue", exact=True).click()
        page.get_by_label("Issue Description").fill("- [x] a\n\n| a |\n|---|\n| 1 |")
        page.get_by_role("tab", name="Preview").click()
        expect(page.locator("[data-preview-output] table")).to_be_visible()
        audit.check(f"{scheme}: quick issue with errors and a preview")

        page.goto(f"{base}/issues/{quick.pk}/")
        page.get_by_text("Close with a reason").click()
        audit.check(f"{scheme}: issue page with empty sections and the close form")
        assert unticked_checkbox_contrast(page) >= 3, scheme
        # The no-JavaScript Preview button of the Update box (hidden when the tabs work).
        page.get_by_role("textbox", name="Update", exact=True).fill("- [x] rolled back")
        page.locator("#updates [data-preview-button]").evaluate("button => button.click()")
        preview = page.get_by_role("region", name="Preview of Update")
        expect(preview.get_by_role("checkbox", name="rolled back")).to_be_checked()
        audit.check(f"{scheme}: issue page with an update previewed")
        page.goto(f"{base}/issues/{quick.pk}/updates/{correctable.pk}/edit/")
        page.get_by_role("tab", name="Preview").click()
        audit.check(f"{scheme}: update correction with Write/Preview tabs")
        page.goto(f"{base}/")
        audit.check(f"{scheme}: issue list with Quick issue first")

        page.goto(f"{base}/issues/{edited.pk}/steps/review/")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#conflicts-heading")).to_be_visible()
        audit.check(f"{scheme}: review with a conflict")
        page.goto(f"{base}/issues/{draft.pk}/steps/details/")
        audit.check(f"{scheme}: details with To-Do items and Markdown tabs")
        page.goto(f"{base}/issues/new/")
        page.get_by_label("Issue Name").fill(draft.name)
        page.get_by_label("Type of Issue").select_option("training")
        page.get_by_role("button", name="Next", exact=True).click()
        audit.check(f"{scheme}: overview with the same-name warning")
        page.goto(f"{base}/issues/drafts/")
        audit.check(f"{scheme}: drafts")
        page.goto(f"{base}/issues/{draft.pk}/discard/")
        audit.check(f"{scheme}: discard confirmation")
        page.goto(f"{base}/accounts/password/change/")
        audit.check(f"{scheme}: password change")
    audit.assert_clean()
