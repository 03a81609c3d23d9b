"""List pages and issue pages' rows are cached until what they show changes (issues/pagecache.py).

Every kind of write the app (or anyone) makes shows on the next page: saves, bulk inserts,
QuerySet updates, deletes, raw SQL, ticks, updates, milestones, history, a user's new name.
Both databases: SQLite's triggers are made after migrate, PostgreSQL's by migration 0010.
The tests commit, as requests do: on PostgreSQL a transaction that wrote reads no cache.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from issues import pagecache
from issues.models import ChecklistItem, Issue, PageStamp
from tests.factories import bulk_issues, make_issue
from tests.test_list import names

pytestmark = pytest.mark.django_db(transaction=True)

# session + user, the page stamp, the user's drafts: no count, no ids, no rows
CACHED_LIST_QUERIES = 4
# session + user, the page stamp
CACHED_DETAIL_QUERIES = 3


def total(response):
    match = re.search(r"Issues 1–\d+ of (\d+)", response.text)
    return int(match.group(1)) if match else 0


def test_a_page_asked_again_is_served_from_the_cache(
    owner_client, owner, django_assert_num_queries
):
    make_issue(owner, name="Cached one")
    first = owner_client.get("/?sort=name")
    with django_assert_num_queries(CACHED_LIST_QUERIES):
        again = owner_client.get("/?sort=name")
    assert names(again) == names(first) == ["Cached one"]
    table = re.compile(r"<table.*</table>", re.S)
    assert table.search(again.text).group() == table.search(first.text).group()


def test_saves_bulk_inserts_updates_deletes_and_raw_sql_all_show(owner_client, owner):
    issue = make_issue(owner, name="Saved")
    assert names(owner_client.get("/")) == ["Saved"]

    issue.name = "Renamed by save"
    issue.save()
    assert names(owner_client.get("/")) == ["Renamed by save"]

    bulk_issues(3)
    assert total(owner_client.get("/")) == 4

    Issue.objects.filter(name__startswith="Issue").update(status=Issue.CLOSED)
    assert names(owner_client.get("/")) == ["Renamed by save"]

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE issues_issue SET name = %s WHERE id = %s", ["Renamed in SQL", issue.pk]
        )
    assert names(owner_client.get("/")) == ["Renamed in SQL"]

    issue.delete()
    assert "No issues yet" in owner_client.get("/").text


def test_a_tick_shows_in_the_progress_column(owner_client, owner):
    issue = make_issue(owner)
    assert '<abbr title="To-Do List">To-Do</abbr> 0/6' in owner_client.get("/").text
    first = issue.checklist_items.filter(checklist=ChecklistItem.TODO).first()
    owner_client.post(f"/issues/{issue.pk}/checklists/todo/", {"version": 1, "done": [first.pk]})
    assert '<abbr title="To-Do List">To-Do</abbr> 1/6' in owner_client.get("/").text


def test_my_issues_are_cached_for_me_alone(client, owner, teammate):
    make_issue(owner, name="Mine")
    make_issue(teammate, name="Theirs")
    client.force_login(owner)
    assert names(client.get("/?reporter=mine")) == ["Mine"]
    client.force_login(teammate)
    assert names(client.get("/?reporter=mine")) == ["Theirs"]


def test_a_new_day_is_a_new_page(owner_client, owner, monkeypatch):
    today = datetime.date.today()
    make_issue(owner, reported_date=today.isoformat(), target_date=today.isoformat())
    assert "Overdue</span>" not in owner_client.get("/").text
    monkeypatch.setattr(
        "issues.views.browse.timezone.localdate", lambda: today + datetime.timedelta(days=1)
    )
    assert "Overdue</span>" in owner_client.get("/").text


def stamp_value():
    return PageStamp.objects.get().value


def test_a_rolled_back_change_never_lends_its_stamp_to_another():
    before = stamp_value()
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk_issues(1)
        inside = stamp_value()
        assert pagecache.stamp() in (inside, None)  # None: PostgreSQL, written here
        raise RuntimeError
    assert pagecache.stamp() == stamp_value() == before
    bulk_issues(1)
    after = pagecache.stamp()
    assert len({before, inside, after}) == 3


def test_a_transaction_of_many_statements_writes_the_stamp_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes a new stamp with every row")

    def stamps_handed_out():
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM issues_page_stamp_seq")
            return cursor.fetchone()[0]

    before = stamps_handed_out()
    with transaction.atomic():
        for number in range(3):
            bulk_issues(1, name=f"One of three {number}")
        assert pagecache.stamp() is None  # this transaction reads no cache
    assert stamps_handed_out() == before + 1
    assert pagecache.stamp() == stamp_value()


def test_without_its_row_nothing_is_cached(owner_client, owner):
    PageStamp.objects.all().delete()
    make_issue(owner, name="Uncached")
    assert names(owner_client.get("/")) == ["Uncached"]
    Issue.objects.update(name="Still fresh")
    assert names(owner_client.get("/")) == ["Still fresh"]


def test_flush_keeps_the_stamp_and_its_triggers(owner):
    call_command("flush", interactive=False, verbosity=0)
    before = pagecache.stamp()
    assert before is not None
    bulk_issues(1)
    assert pagecache.stamp() != before


def test_an_issue_page_asked_again_reads_only_the_stamp(
    owner_client, owner, django_assert_num_queries
):
    issue = make_issue(
        owner, name="Cached page", milestones=[{"title": "M1", "date": "2026-12-01"}]
    )
    first = owner_client.get(f"/issues/{issue.pk}/")
    with django_assert_num_queries(CACHED_DETAIL_QUERIES):
        again = owner_client.get(f"/issues/{issue.pk}/")
    for response in (first, again):
        assert "Cached page" in response.text and "M1: 2026-12-01" in response.text


def test_the_issue_page_shows_every_kind_of_change(owner_client, owner, teammate):
    issue = make_issue(owner)
    url = f"/issues/{issue.pk}/"
    assert "No updates yet." in owner_client.get(url).text

    owner_client.post(
        f"/issues/{issue.pk}/updates/",
        {"version": 1, "update-date": "2026-11-20", "update-text": "Found it"},
    )
    text = owner_client.get(url).text
    assert "Found it" in text and "No changes since the issue was created." not in text

    issue.milestones.create(title="Shipped", date="2026-12-01", position=9)
    assert "Shipped: 2026-12-01" in owner_client.get(url).text

    owner.username = "owner-renamed"
    owner.save()
    assert "Reported by owner-renamed" in owner_client.get(url).text


@pytest.mark.parametrize("export", ["export.md", "body.md"])
def test_an_export_asked_again_reads_only_the_stamp(
    owner_client, owner, django_assert_num_queries, export
):
    issue = make_issue(owner, name="Exported once")
    url = f"/issues/{issue.pk}/{export}"
    first = owner_client.get(url)
    with django_assert_num_queries(CACHED_DETAIL_QUERIES):
        again = owner_client.get(url)
    assert again.content == first.content and b"Exported once" in again.content
    assert again.get("Content-Disposition") == first.get("Content-Disposition")

    Issue.objects.filter(pk=issue.pk).update(name="Exported twice")
    assert b"Exported twice" in owner_client.get(url).content
