"""In Chromium: Import Markdown (preview, confirm) and Review GitHub changes, with axe and CSP."""

import json

import pytest
from playwright.sync_api import expect

from issues import markdown
from issues.models import GitHubBodyChange, Issue
from issues.serialization import issue_to_dict
from tests.browser_support import Audit
from tests.common_support import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_markdown_then_review_a_body_edited_on_github(logged_in_page, live_server):
    page = logged_in_page
    audit = Audit(page)
    page.get_by_role("link", name="Import Markdown").click()
    audit.check("import markdown")

    # Nothing chosen: the error is announced and linked to the field.
    page.get_by_role("button", name="Show what will be created").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a Markdown file")
    audit.check("import markdown, with an error")

    page.get_by_label("Markdown files").set_input_files(str(EXAMPLES / "full.md"))
    page.get_by_role("button", name="Show what will be created").click()
    expect(page.get_by_role("status").first).to_contain_text("These 1 issue(s) will be created")
    expect(page.get_by_role("heading", name="Recall of fraud model v3")).to_be_visible()
    assert Issue.objects.count() == 0
    audit.check("import preview")
    page.get_by_role("button", name="Create 1 issue(s)").click()
    page.wait_for_url(f"{live_server.url}/")
    issue = Issue.objects.get()
    expect(page.get_by_text(f"Imported 1 issue(s): #{issue.pk}.")).to_be_visible()

    # The issue, as if filed, then edited on GitHub (the webhook's part is tested without a
    # browser in test_github_webhook.py).
    Issue.objects.filter(pk=issue.pk).update(
        github_number=7, github_url="https://github.com/ml-team/models/issues/7"
    )
    data = issue_to_dict(issue)
    edited = markdown.render_body({**data, "users_affected": "Every EU cardholder"})
    GitHubBodyChange.objects.create(issue=issue, body=edited, login="octocat")
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    expect(page.get_by_text("changed on GitHub")).to_be_visible()
    page.get_by_role("link", name="Review GitHub changes").click()
    audit.check("review github changes")
    # Keyboard only: focus GitHub's value of the one changed field and choose it.
    page.get_by_label("Take GitHub's Users/Systems Affected").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my choices").press("Enter")
    page.wait_for_url(f"{live_server.url}/issues/{issue.pk}/")
    expect(page.get_by_text("Took GitHub's Users/Systems Affected.")).to_be_visible()
    assert Issue.objects.get(pk=issue.pk).users_affected == "Every EU cardholder"
    assert not GitHubBodyChange.objects.exists()
    assert (
        json.loads(json.dumps(issue_to_dict(Issue.objects.get(pk=issue.pk))))["name"]
        == (data["name"])
    )
    audit.assert_clean()
