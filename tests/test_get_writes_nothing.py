"""No GET changes data: every GET URL of the app, walked from the resolver, as an anonymous
visitor, a user and staff, leaves every row of every table as it was (issues 11 and 12).

The URLs come from tests/test_access_control.py's table, which must name every URL pattern
(its test_every_url_has_a_row fails for a new one). Unlike that test's snapshot, this one
compares every table of every installed app: sessions, login records, pending edits too.
"""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.access_support import ROLES, TABLE, app_url_names

pytestmark = pytest.mark.django_db


def every_row():
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def test_the_walk_covers_every_url():
    assert app_url_names() == TABLE.keys()


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_a_row(role, world, owner, staff):  # noqa: F811 (the fixture)
    client = Client()
    if role != "anonymous":
        client.force_login(owner if role == "user" else staff)
    urls = [reverse(name, kwargs=row.kwargs(world)) for name, row in sorted(TABLE.items())]
    urls += [reverse("issue-list") + "?status=all&sort=-priority&q=recall&page=2"]
    urls += [reverse("issue-step", args=[world.issue.pk, step]) for step in ("details", "review")]
    urls += [reverse("issue-step", args=[world.draft.pk, "overview"])]
    before = every_row()
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        changed = [label for label, rows in every_row().items() if rows != before[label]]
        assert not changed, f"GET {url} as {role} changed {changed}"
