"""The pages of issue 16 in real Chromium: axe-clean at WCAG 2.1 AA and no CSP violation
(profile with an error, My work, Insights with and without filters, the list's Deadline column
and ``due`` filter, the issue page's deadline), and the profile form used with the keyboard."""

import datetime

import pytest

from issues.models import Milestone, Profile
from tests.browser_support import Audit
from tests.factories import make_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_my_work_and_insights(logged_in_page, live_server, owner, teammate):
    page, base = logged_in_page, live_server.url
    Profile.objects.create(user=teammate, github_login="taken")
    today = datetime.date.today()
    late = make_issue(
        name="Late retraining",
        priority="p1",
        assignees=["maya-ml"],
        reported_date=str(today - datetime.timedelta(days=20)),
    )
    soon = make_issue(name="Serving outage", priority="p0", assignees=["maya-ml"], reporter=owner)
    Milestone.objects.create(
        issue=soon, position=0, title="Rollback", date=today + datetime.timedelta(days=2)
    )
    make_issue(name="Resolved one", priority="p2", status="resolved")
    audit = Audit(page)

    page.goto(f"{base}/accounts/profile/")
    audit.check("profile")
    page.get_by_label("Email").fill("owner@example.org")
    page.get_by_label("GitHub login").fill("@taken")
    page.get_by_label("GitHub login").press("Enter")
    assert page.get_by_role("alert").get_by_text("already someone's").is_visible()
    audit.check("profile with an error")
    page.get_by_label("GitHub login").fill("@maya-ml")
    page.get_by_label("A new !p0 or !p1 issue").check()
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Profile saved.").is_visible()

    page.get_by_role("link", name="My work").click()
    assert page.get_by_role("heading", name="Assigned to me (@maya-ml): 2").is_visible()
    audit.check("my work")

    page.goto(f"{base}/?due=overdue&assignee=me")
    assert page.get_by_role("link", name="Late retraining").is_visible()
    assert page.get_by_role("link", name="Serving outage").count() == 0
    audit.check("list filtered by deadline")
    page.goto(f"{base}/issues/{late.pk}/")
    assert page.locator("#deadline").get_by_text("Overdue").is_visible()
    audit.check("issue page with its deadline")

    page.get_by_role("link", name="Insights").click()
    assert page.locator("svg.chart").count() == 5
    audit.check("insights")
    page.goto(f"{base}/insights/?priority=p0&due=soon")
    audit.check("insights filtered")
    audit.assert_clean()
