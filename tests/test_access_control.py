"""Access control, table-driven: every URL of the app × anonymous, an ordinary user, staff.

The table must have a row for every named URL pattern the resolver knows (outside Django's
admin, which is checked as a whole below), so a URL added without thinking about who may
use it fails here. For each row and role:

* anonymous users reach only the login and sign-up pages and /healthz; anything else
  redirects to the login page and changes nothing, whatever the method;
* GET changes nothing;
* POST without a CSRF token is refused (403, whoever asks) and changes nothing;
* POST with the token gives the row's expected status and changes the data only when the
  row says so (deleting an issue: staff only).

"Changes" compares every row of the issue tables and the user accounts before and after.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from issues.models import ChecklistItem, Issue, IssueChange, Milestone, Profile, Update
from tests.access_support import CSRF_TOKEN, PUBLIC, ROLES, SIGNED, TABLE, app_url_names

pytestmark = pytest.mark.django_db


def test_every_url_has_a_row():
    names = app_url_names()
    missing = names - TABLE.keys()
    assert not missing, f"no access-control row for {sorted(missing)}: add one to TABLE"
    assert not TABLE.keys() - names, "rows for URLs that no longer exist"


def snapshot():
    """Every row of the issue tables and the accounts, to see whether a request changed data."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Issue, ChecklistItem, Update, Milestone, IssueChange, Profile)
    ] + [list(get_user_model().objects.order_by("pk").values_list("username", "is_staff", "email"))]


def client_for(role, owner, staff):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_TOKEN
    if role != "anonymous":
        client.force_login(owner if role == "user" else staff)
    return client


def assert_status(response, expected, role, method):
    assert response.status_code == expected, (
        f"{method} as {role}: {response.status_code}, expected {expected}"
    )


def assert_to_login(response, url):
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(name, role, world, owner, staff):
    row = TABLE[name]
    url = reverse(name, kwargs=row.kwargs(world))
    client = client_for(role, owner, staff)
    before = snapshot()

    response = client.get(url)
    if role == "anonymous" and name not in PUBLIC:
        assert_to_login(response, url)
    else:
        assert_status(response, row.get[role], role, "GET")
    assert snapshot() == before, f"GET {url} as {role} changed data"

    response = client.post(url, row.data(world))
    if name in SIGNED:
        assert_status(response, 401, role, "POST without a signature")
    else:
        assert_status(response, 403, role, "POST without a CSRF token")
        assert "This form has expired" in response.text
    assert snapshot() == before, f"POST {url} without a CSRF token as {role} changed data"

    response = client.post(url, {"csrfmiddlewaretoken": CSRF_TOKEN, **row.data(world)})
    if role == "anonymous" and name not in PUBLIC:
        assert_to_login(response, url)
    else:
        assert_status(response, row.post[role], role, "POST")
    changed = snapshot() != before
    assert changed == (role in row.changes), (
        f"POST {url} as {role} {'changed' if changed else 'did not change'} data"
    )


def test_a_draft_is_its_authors_alone(world, staff):
    client = Client()
    client.force_login(staff)
    for url in [
        reverse("issue-detail", args=[world.draft.pk]),
        reverse("issue-step", args=[world.draft.pk, "overview"]),
        reverse("issue-export-md", args=[world.draft.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_only_staff_see_the_delete_button(world, owner, staff):
    delete_url = reverse("issue-delete", args=[world.issue.pk])
    for user, shown in [(owner, False), (staff, True)]:
        client = Client()
        client.force_login(user)
        page = client.get(reverse("issue-detail", args=[world.issue.pk])).text
        assert (f'href="{delete_url}"' in page) is shown


def test_staff_delete_removes_the_issue_and_its_rows(world, staff):
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("issue-delete", args=[world.issue.pk]))
    assert response.url == reverse("issue-list")
    assert not Issue.objects.filter(pk=world.issue.pk).exists()
    assert not ChecklistItem.objects.filter(issue_id=world.issue.pk).exists()
    assert not Update.objects.filter(issue_id=world.issue.pk).exists()
    assert Issue.objects.filter(pk=world.draft.pk).exists()


@pytest.mark.parametrize(
    ("role", "index", "changelist"),
    [("anonymous", 302, 302), ("user", 302, 302), ("staff", 200, 403)],
)
def test_admin_is_for_staff_and_needs_permissions(role, index, changelist, owner, staff):
    """Django's admin: its own login for staff; a model needs the staff member's permission."""
    client = client_for(role, owner, staff)
    for url, expected in [
        (reverse("admin:index"), index),
        (reverse("admin:issues_issue_changelist"), changelist),
    ]:
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response.url.startswith((reverse("admin:login"), reverse("login")))
