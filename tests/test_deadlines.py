"""Priority deadlines (issues/deadlines.py): the state rule, the list's ``due`` filter agreeing
with it on the database, the proposed Target Resolution Date, and where the state is shown."""

import datetime
import itertools
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from issues import deadlines
from issues.models import Issue
from tests.factories import make_issue
from tests.guided_support import fill_draft, full_steps, step_url

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("priority", "reported", "target", "expected"),
    [
        ("p0", days(0), None, deadlines.DUE_SOON),  # due tomorrow: one day left
        ("p0", days(-1), None, deadlines.DUE_SOON),  # due today
        ("p0", days(-2), None, deadlines.OVERDUE),
        ("p1", days(-10), None, deadlines.ON_TRACK),  # 4 of 14 days left
        ("p1", days(-12), None, deadlines.DUE_SOON),  # 2 left: less than a fifth (2.8)
        ("p1", days(-15), None, deadlines.OVERDUE),
        ("p2", days(-30), None, deadlines.ON_TRACK),  # 12 of 42 left
        ("p2", days(-34), None, deadlines.DUE_SOON),  # 8 left < 8.4
        ("p3", days(-400), None, None),  # not currently prioritized: no deadline
        ("p3", days(-10), days(3), deadlines.ON_TRACK),  # 3 of 13 left: more than a fifth
        ("p3", days(-20), days(3), deadlines.DUE_SOON),  # 3 of 23 left
        ("p2", days(0), days(1), deadlines.DUE_SOON),
        ("p0", days(-5), days(10), deadlines.ON_TRACK),  # the target wins over the priority
        ("p1", days(-5), days(-1), deadlines.OVERDUE),
    ],
)
def test_state(priority, reported, target, expected):
    assert deadlines.state(priority, reported, target, Issue.Status.OPEN, TODAY) == expected
    assert deadlines.state(priority, reported, target, Issue.Status.RESOLVED, TODAY) is None


def test_the_due_filters_agree_with_the_rule(monkeypatch):
    """Every priority, Reported Date and Target Resolution Date around today's boundaries."""
    monkeypatch.setattr(deadlines.timezone, "localdate", lambda: TODAY)
    issues = [
        Issue(
            name="x",
            type="training",
            priority=priority,
            reported_date=days(-age),
            target_date=None if ahead is None else days(-age + ahead),
            status=status,
        )
        for priority, age, ahead, status in itertools.product(
            ["p0", "p1", "p2", "p3"],
            [0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 33, 34, 35, 42, 43, 60],
            [None, 0, 1, 2, 5, 10, 14, 20, 40, 80],
            [Issue.Status.OPEN, Issue.Status.IN_PROGRESS, Issue.Status.CLOSED],
        )
    ]
    Issue.objects.bulk_create(issues)
    expected = {deadlines.DUE_SOON: set(), deadlines.OVERDUE: set()}
    for issue in Issue.objects.all():
        state = deadlines.issue_state(issue, TODAY)
        if state in expected:
            expected[state].add(issue.pk)
    assert len(expected[deadlines.DUE_SOON]) > 50 and len(expected[deadlines.OVERDUE]) > 50
    soon = set(Issue.objects.filter(deadlines.due_soon_q(TODAY)).values_list("pk", flat=True))
    overdue = set(Issue.objects.filter(deadlines.overdue_q(TODAY)).values_list("pk", flat=True))
    assert soon == expected[deadlines.DUE_SOON]
    assert overdue == expected[deadlines.OVERDUE]


def test_deadlines_come_from_the_environment():
    env = {**os.environ, "DSKIT_CYCLE_DAYS": "7", "DSKIT_P0_DEADLINE_DAYS": "2"}
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'dskit.settings'; "
            "django.setup(); from django.conf import settings; print(settings.DSKIT_DEADLINE_DAYS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert output.strip() == "{'p0': 2, 'p1': 7, 'p2': 21, 'p3': None}"


def test_a_new_issue_is_proposed_its_priority_deadline(owner_client):
    steps = full_steps()
    steps["impact"]["priority"] = "p1"
    steps["timeline"]["target_date"] = ""
    draft = fill_draft(owner_client, steps)
    page = owner_client.get(step_url(draft, "timeline")).content.decode()
    reported = datetime.date.fromisoformat(steps["timeline"]["reported_date"])
    proposed = reported + datetime.timedelta(days=14)
    assert f'name="target_date" value="{proposed.isoformat()}"' in page
    assert "Proposed: the Reported Date plus the !p1 deadline (14 days)" in page


def test_an_existing_issue_is_not_given_a_target(owner_client, owner):
    issue = make_issue(reporter=owner, priority="p0")
    owner_client.get(reverse("issue-edit", args=[issue.pk]))
    page = owner_client.get(step_url(issue, "timeline")).content.decode()
    assert 'name="target_date" value=' not in page and "Proposed" not in page


def test_list_issue_page_and_due_filter_show_the_state(owner_client, owner):
    today = datetime.date.today()
    late = make_issue(name="Late", priority="p1", reported_date=str(today - datetime.timedelta(30)))
    soon = make_issue(name="Soon", priority="p0", reported_date=str(today))
    fine = make_issue(name="Fine", priority="p2", reported_date=str(today))
    page = owner_client.get(reverse("issue-list")).content.decode()
    assert ">Deadline<" in page.split("</thead>")[0]
    for issue, label in [(late, "Overdue"), (soon, "Due soon"), (fine, "On track")]:
        row = page.split(f">{issue.name}</a>")[1].split("</tr>")[0]
        assert f">{label}</span>" in row
    soon_page = owner_client.get(reverse("issue-list") + "?due=soon").content.decode()
    assert (
        ">Soon</a>" in soon_page and ">Late</a>" not in soon_page and ">Fine</a>" not in soon_page
    )
    overdue_page = owner_client.get(reverse("issue-list") + "?due=overdue").content.decode()
    assert ">Late</a>" in overdue_page and ">Soon</a>" not in overdue_page

    detail = owner_client.get(reverse("issue-detail", args=[late.pk])).content.decode()
    due = today - datetime.timedelta(30) + datetime.timedelta(14)
    assert f"<strong>{due.isoformat()}</strong>" in detail
    assert "!p1: 14 days from the Reported Date" in detail and ">Overdue</span>" in detail
