"""The profile page (email, GitHub login, notification preferences), ``assignee=me`` and My
work, with an owner, a teammate and a stranger."""

import datetime

import pytest
from django.urls import reverse

from issues.models import Issue, Profile
from tests.factories import make_issue
from tests.guided_support import logged_in

pytestmark = pytest.mark.django_db

PROFILE = {"email": "owner@example.org", "github_login": "@Owner-ML", "notify_assigned": "on"}


def test_profile_saves_email_login_without_at_and_preferences(owner_client, owner):
    page = owner_client.get(reverse("profile")).content.decode()
    for label in ["Email", "GitHub login", "A new !p0 or !p1 issue", "An issue is assigned to me"]:
        assert f">{label}</label>" in page
    response = owner_client.post(reverse("profile"), PROFILE)
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"
    assert (owner.profile.github_login, owner.profile.notify_assigned) == ("Owner-ML", True)
    assert (owner.profile.notify_new_urgent, owner.profile.notify_digest) == (False, False)


def test_a_login_is_one_persons_whatever_its_case(owner_client, teammate):
    Profile.objects.create(user=teammate, github_login="owner-ml")
    response = owner_client.post(reverse("profile"), PROFILE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The GitHub login “Owner-ML” is already someone&#x27;s." in page
    assert 'href="#id_github_login"' in page  # the error summary links to the field
    assert not Profile.objects.filter(user__username="owner").exists()


@pytest.mark.parametrize("login", ["-bad", "two--hyphens", "a" * 40, "sp ace"])
def test_an_invalid_login_is_refused_next_to_the_field(owner_client, login):
    response = owner_client.post(reverse("profile"), {**PROFILE, "github_login": login})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_github_login">GitHub login: ' in page
    assert "Not a valid GitHub login" in page or "at most 39 characters" in page


def test_a_bad_email_is_refused(owner_client):
    response = owner_client.post(reverse("profile"), {**PROFILE, "email": "not-an-address"})
    assert "Enter a valid email address." in response.content.decode()


def test_assignee_me_and_my_work(owner, teammate, stranger):
    Profile.objects.create(user=owner, github_login="maya-ml")
    today = datetime.date.today()
    mine_late = make_issue(
        name="Mine and late",
        priority="p1",
        assignees=["maya-ml"],
        reported_date=str(today - datetime.timedelta(days=20)),
    )
    mine_soon = make_issue(
        name="Mine and soon", priority="p0", assignees=["bob", "maya-ml"], reported_date=str(today)
    )
    reported = make_issue(name="Reported by me", priority="p3", reporter=owner)
    make_issue(name="Theirs", priority="p0", assignees=["bob"], reporter=teammate)
    make_issue(name="Mine but closed", priority="p0", assignees=["maya-ml"], status="closed")
    make_issue(name="My draft", reporter=owner, status=Issue.Status.DRAFT, priority="")

    client = logged_in(owner)
    listed = client.get(reverse("issue-list") + "?assignee=me").content.decode()
    assert "Issues 1–2 of 2" in listed and ">Theirs</a>" not in listed

    page = client.get(reverse("my-work")).content.decode()
    assigned = page.split('id="assigned-heading"')[1].split("</section>")[0]
    assert assigned.index("Mine and soon") < assigned.index("Mine and late")  # !p0 first
    overdue = page.split('id="overdue-heading"')[1].split("</section>")[0]
    assert "Mine and late" in overdue and "Mine and soon" not in overdue
    assert ">Due soon</span>" in page and ">Overdue</span>" in page
    assert "Reported by me" in page and "My draft" in page
    assert "Theirs" not in page and "Mine but closed" not in page
    assert f'href="{reverse("my-work")}"' in page  # in the header
    assert mine_late.pk and mine_soon.pk and reported.pk

    # Without a login: nothing is "assigned to me", and the page says where to set it.
    stranger_client = logged_in(stranger)
    assert (
        "No issues" in stranger_client.get(reverse("issue-list") + "?assignee=me").content.decode()
    )
    assert "Set your GitHub login" in stranger_client.get(reverse("my-work")).content.decode()
