"""Per-issue caching under Issue.version (issues/issuecache.py): conditional GETs, rows and
documents kept per version, and every write that changes what those pages show bumps it."""

import re
import warnings

import pytest
from django.core.cache import cache, caches

from issues.models import ChecklistItem, Issue, Update
from tests.factories import make_issue
from tests.guided_support import FULL, full_steps, post_step

pytestmark = pytest.mark.django_db

# session + user + the issue's version: all a 304, or a page whose rows are cached, reads
PAGE_FROM_CACHE_QUERIES = 3


def version_of(issue):
    return Issue.objects.get(pk=issue.pk).version


def post(client, issue, url, data=None):
    return client.post(f"/issues/{issue.pk}/{url}", {"version": version_of(issue), **(data or {})})


@pytest.mark.parametrize("name", ["", "export.md", "body.md"])
def test_an_unchanged_issue_answers_304(owner_client, owner, django_assert_num_queries, name):
    issue = make_issue(owner)
    url = f"/issues/{issue.pk}/{name}"
    first = owner_client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(PAGE_FROM_CACHE_QUERIES):
        again = owner_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    with django_assert_num_queries(PAGE_FROM_CACHE_QUERIES):  # rows or document kept
        again = owner_client.get(url)
    assert again.status_code == 200 and issue.name in again.text
    if name:  # a page's forms carry tokens masked anew each time; a document is the same bytes
        assert again.content == first.content


def test_after_my_write_the_next_page_shows_it(owner_client, owner):
    issue = make_issue(owner)
    page = f"/issues/{issue.pk}/"
    etag = owner_client.get(page)["ETag"]
    export = owner_client.get(f"{page}export.md").content
    post(owner_client, issue, "updates/", {"update-date": "2026-11-20", "update-text": "Bisected."})
    response = owner_client.get(page, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Bisected." in response.text
    assert "Update added." in response.text  # no ETag while a message is shown
    assert owner_client.get(page)["ETag"] != etag
    assert b"Bisected." in owner_client.get(f"{page}export.md").content != export


def test_the_page_etag_differs_by_who_asks(owner_client, owner, teammate, client):
    issue = make_issue(owner)
    etag = owner_client.get(f"/issues/{issue.pk}/")["ETag"]
    client.force_login(teammate)
    response = client.get(f"/issues/{issue.pk}/", headers={"If-None-Match": etag})
    assert response.status_code == 200  # their page, their forms' tokens
    # The exports are the same bytes for everyone.
    etag = owner_client.get(f"/issues/{issue.pk}/export.md")["ETag"]
    assert (
        client.get(f"/issues/{issue.pk}/export.md", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_a_waiting_message_is_never_lost_behind_a_304(owner_client, owner):
    issue = make_issue(owner)
    etag = owner_client.get(f"/issues/{issue.pk}/")["ETag"]
    # A stale form: refused, nothing changes (same version), a message waits for the page.
    stale = {"version": 999, "update-date": "2026-11-20", "update-text": "Too late."}
    owner_client.post(f"/issues/{issue.pk}/updates/", stale)
    response = owner_client.get(f"/issues/{issue.pk}/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "changed by someone else" in response.text


def test_drafts_and_missing_issues_are_404(owner_client, owner):
    draft = make_issue(owner, status="draft", priority="")
    for url in [f"/issues/{draft.pk}/", f"/issues/{draft.pk}/export.md", "/issues/999999/body.md"]:
        assert owner_client.get(url).status_code == 404, url


def test_only_per_issue_keys_are_cached(owner_client, owner):
    issue = make_issue(owner)
    owner_client.get("/")
    owner_client.get(f"/issues/{issue.pk}/")
    owner_client.get(f"/issues/{issue.pk}/body.md")
    keys = [key.split(":", 2)[-1] for key in cache._cache]  # LocMemCache: ":1:<key>"
    assert keys and all(re.fullmatch(rf"issue:{issue.pk}:1:\w+", key) for key in keys), keys


def tick(client, issue):
    items = issue.checklist_items.filter(checklist="todo")
    ticked = {item.pk for item in items if item.done} ^ {items[0].pk}  # the first one toggled
    post(client, issue, "checklists/todo/", {"done": sorted(ticked)})


def add_item(client, issue):
    post(client, issue, "checklists/todo/add/", {"todo-text": "Ask the data team"})


def remove_item(client, issue):
    mine = ChecklistItem.objects.create(issue=issue, checklist="todo", position=9, text="Mine")
    post(client, issue, f"items/{mine.pk}/remove/")


def add_update(client, issue):
    post(client, issue, "updates/", {"update-date": "2026-11-20", "update-text": "Found it."})


def correct_update(client, issue):
    update = Update.objects.create(issue=issue, text="Old", author=issue.reporter)
    post(client, issue, f"updates/{update.pk}/edit/", {"date": "2026-11-21", "text": "New"})


def move(client, issue):
    post(client, issue, "status/", {"status": "in_progress", "confirm": "on"})


def edit(client, issue):
    client.get(f"/issues/{issue.pk}/edit/")
    post_step(client, issue, "overview", {**full_steps()["overview"], "name": "Renamed"})
    post_step(client, issue, "review", {"ready": ["0", "1", "2"]}, action="finish")


WRITES = [tick, add_item, remove_item, add_update, correct_update, move, edit]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_the_pages_show_changes_the_version(owner_client, owner, write):
    issue = make_issue(owner, **FULL)
    before = {
        url: owner_client.get(url)
        for url in (f"/issues/{issue.pk}/", f"/issues/{issue.pk}/export.md")
    }
    write(owner_client, issue)
    assert version_of(issue) > 1, write
    for url, response in before.items():
        again = owner_client.get(url, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 200, (write, url)


def test_filing_on_github_changes_the_version(owner_client, owner, github):
    issue = make_issue(owner)
    etag = owner_client.get(f"/issues/{issue.pk}/export.md")["ETag"]
    owner_client.post(f"/issues/{issue.pk}/github/")
    assert Issue.objects.get(pk=issue.pk).github_number
    assert version_of(issue) == 2
    response = owner_client.get(f"/issues/{issue.pk}/export.md", headers={"If-None-Match": etag})
    assert response.status_code == 200


@pytest.mark.parametrize("alias", ["default", "rows"])
def test_the_caches_do_not_check_keys_for_memcached(alias):
    """issuecache.KeptInMemory: Django's check of every key against memcached's rules (a
    loop over its characters) is left out; a key memcached would refuse is kept as it is."""
    kept = caches[alias]
    key = "issue: " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django's check warns (CacheKeyWarning)
        kept.set(key, "row", timeout=None)
        assert kept.get_many([key]) == {key: "row"}
    kept.delete(key)
