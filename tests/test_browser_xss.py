"""No unsafe HTML: issues whose every text field carries script payloads, on every page.

The browser context bypasses the Content Security Policy, so that escaping alone is under
test: a payload that reached the page as markup would run. Each page is checked twice:
no payload called the trap function, and the DOM holds no event-handler attribute, no
`javascript:` URL and no script but our static files. Each page must also show the
payload as text, so that a page dropping the field would not pass unnoticed.
"""

import json

import pytest
from playwright.sync_api import expect

from issues.models import Issue, PendingEdit, Update
from issues.serialization import create_issue
from tests.common_support import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>xss('script')</script>",
    "<img src=x onerror=\"xss('img')\">",
    "[click me](javascript:xss('md-link'))",
    "<a href=\"javascript:xss('a')\">a</a>",
    '"><svg onload="xss(\'svg\')">',
    "' autofocus onfocus='xss(`focus`)' x='",
    "</textarea><script>xss('textarea')</script>",
    "<iframe src=\"javascript:xss('iframe')\"></iframe>",
]
# Single-line fields get a short payload (Issue Name: at most 200 characters).
LINE = "\"'><img src=x onerror=\"xss('line')\"><script>xss('line')</script>"
TEXT = "\n\n".join(PAYLOADS)
SHOWN = "<img src=x onerror="  # as text, in every page that shows a payload
SHOWS = """(needle) => document.body.innerText.includes(needle)
  || [...document.querySelectorAll('input, textarea')].some((e) => e.value.includes(needle))"""

TRAP = """
window.__xss = [];
window.xss = (where) => window.__xss.push(where);
window.alert = window.confirm = window.prompt = (m) => window.__xss.push('dialog ' + m);
"""
DANGEROUS_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/\\s/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('data:text/html'))) {
        found.push(`${el.tagName} ${name}=${attr.value}`);
      }
    }
    if (el.tagName === 'SCRIPT' && !(el.src && new URL(el.src).pathname.startsWith('/static/'))) {
      found.push(`script ${el.outerHTML.slice(0, 80)}`);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) found.push(el.tagName);
  }
  return found;
}"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def payload_issue(reporter, **changes):
    data = json.loads((EXAMPLES / "full.json").read_text())
    data.update(
        name=LINE,
        related_project=LINE,
        description=TEXT,
        expected_behavior=TEXT,
        proposed_solution=TEXT,
        frameworks=[LINE[:100], "PyTorch"],
        data_involved=TEXT,
        business_impact=TEXT,
        users_affected=TEXT,
        milestones=[{"title": LINE, "date": data["reported_date"]}],
        updates=[{"date": data["reported_date"], "text": TEXT}],
        todo=[{"text": LINE, "done": False}, {"text": PAYLOADS[2], "done": True}],
        definition_of_ready=[{"text": LINE, "done": False}],
        definition_of_done=[{"text": LINE, "done": False}],
    )
    data.update(changes)
    return create_issue(data, reporter=reporter)


def assert_safe(page, label):
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") == [], f"{label}: a payload ran"
    assert page.evaluate(DANGEROUS_DOM) == [], f"{label}: dangerous markup in the DOM"


def test_payloads_never_run_or_reach_the_dom(logged_in_page, live_server, owner):
    page, base = logged_in_page, live_server.url
    page.add_init_script(TRAP)
    owner.is_staff = True
    owner.save()
    issue = payload_issue(owner, status=Issue.Status.IN_PROGRESS)
    draft = payload_issue(owner, status=Issue.Status.DRAFT)
    update = Update.objects.filter(issue=issue).first()
    update.author = owner
    update.save()

    pages = {
        "issue list": "/?status=all",
        "issue list searched for a payload": "/?status=all&q=%3Cscript%3Exss(1)%3C/script%3E",
        "drafts": "/issues/drafts/",
        "issue page": f"/issues/{issue.pk}/",
        "update correction": f"/issues/{issue.pk}/updates/{update.pk}/edit/",
        "delete confirmation": f"/issues/{issue.pk}/delete/",
    }
    for step in ["overview", "details", "impact", "timeline", "review"]:
        pages[f"draft step {step}"] = f"/issues/{draft.pk}/steps/{step}/"
        pages[f"edit step {step}"] = f"/issues/{issue.pk}/steps/{step}/"

    for label, url in pages.items():
        page.goto(base + url)
        assert_safe(page, label)
        needle = "<script>xss(1)</script>" if "searched" in label else SHOWN
        assert page.evaluate(SHOWS, needle), f"{label}: the payload is not shown as text"

    # The issue page shows Markdown rendered: payloads appear as text, links without javascript:.
    page.goto(f"{base}/issues/{issue.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(LINE)
    expect(page.get_by_text("<script>xss('script')</script>").first).to_be_visible()
    assert_safe(page, "issue page")

    # The status confirmation lists the unticked Definition of Done items.
    page.get_by_role("button", name="Move to Resolved").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to Resolved?")
    assert_safe(page, "status confirmation")

    # A step sent back with errors shows what was typed, escaped.
    page.goto(f"{base}/issues/{draft.pk}/steps/details/")
    page.get_by_label("Issue Description").fill("")
    page.get_by_label("Expected Behavior").fill(TEXT)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_safe(page, "details step with errors")
    assert PendingEdit.objects.filter(issue=draft).exists()
