"""In Chromium, as a new user would: file on GitHub, see the link, press again, copy the body."""

import re

import pytest
from playwright.sync_api import expect

from tests.common_support import EXAMPLES
from tests.github_support import full_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_file_see_the_link_then_update_without_filing_twice(logged_in_page, live_server, github):
    page = logged_in_page
    issue = full_issue()
    url = f"{live_server.url}/issues/{issue.pk}/"
    page.goto(url)
    other_tab = page.context.new_page()
    other_tab.goto(url)

    page.get_by_role("button", name="File on GitHub").click()

    expect(page.get_by_role("status").filter(has_text="Filed on GitHub as #1.")).to_be_visible()
    link = page.get_by_role("link", name="#1 on GitHub")
    expect(link).to_have_attribute("href", "https://github.com/ml-team/models/issues/1")
    expect(page.get_by_role("button", name="File on GitHub")).to_have_count(0)

    page.get_by_role("button", name="Update on GitHub").click()

    expect(page.get_by_text("Updated GitHub issue #1.")).to_be_visible()
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]

    # The other tab still offers "File on GitHub": pressing it files nothing.
    other_tab.get_by_role("button", name="File on GitHub").click()
    expect(other_tab.get_by_text("already filed on GitHub as #1")).to_be_visible()
    expect(other_tab.get_by_role("link", name="#1 on GitHub")).to_be_visible()
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]
    assert list(github.issues) == [1]
    assert github.problems == []


def test_an_error_is_announced_and_the_button_stays(logged_in_page, live_server, github):
    page = logged_in_page
    issue = full_issue()
    github.fail_next(status=410, body={"message": "Issues are disabled for this repo"})
    page.goto(f"{live_server.url}/issues/{issue.pk}/")

    page.get_by_role("button", name="File on GitHub").click()

    expect(page.get_by_role("alert")).to_contain_text("Issues are disabled on ml-team/models")
    page.get_by_role("button", name="File on GitHub").click()
    expect(page.get_by_role("link", name="#1 on GitHub")).to_be_visible()


def test_copy_body_and_view_body(logged_in_page, live_server, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = logged_in_page
    issue = full_issue()
    body = (EXAMPLES / "full.body.md").read_text(encoding="utf-8")
    page.goto(f"{live_server.url}/issues/{issue.pk}/")

    page.get_by_role("button", name="Copy body").click()

    expect(page.get_by_text("Body copied to the clipboard.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == body

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Markdown").click()
    assert download.value.suggested_filename == (
        f"{issue.pk}-recall-of-fraud-model-v3-dropped-after-weekly-retraining.md"
    )
    assert download.value.path().read_bytes() == (EXAMPLES / "full.md").read_bytes()

    with page.expect_response(re.compile(r"/body\.md$")) as response:
        page.get_by_role("link", name="View body").click()
    assert response.value.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.value.body() == body.encode()
