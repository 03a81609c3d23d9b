"""No row that every write must lock (issue 12): on PostgreSQL, with real connections, a
transaction writing one issue (its checklist, updates, milestones, status) or logging one user
in never waits for another transaction writing another issue or user, held open meanwhile.

The second transaction runs with a short ``lock_timeout``: waiting for a lock at all fails it.
The control test shows that the method bites: two writers of one issue do wait.
"""

import datetime
import threading

import pytest
from django.contrib.auth.models import update_last_login
from django.db import OperationalError, connection, connections, transaction

from issues.models import Issue
from issues.serialization import apply_dict
from issues.tracking import add_item, add_update, change_status, set_ticks
from tests.factories import make_issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
]
LOCK_TIMEOUT = "300ms"


def tick(issue, user):
    first = [item for item in issue.checklist_items.all() if item.checklist == "todo"][0]
    set_ticks(issue, user, issue.version, "todo", {first.pk})


def item(issue, user):
    add_item(issue, user, issue.version, "todo", "Ask the data team")


def update(issue, user):
    add_update(issue, user, issue.version, datetime.date(2026, 11, 20), "Bisected.")


def milestones(issue, user):
    apply_dict(issue, {"milestones": [{"title": "Fix deployed", "date": "2026-12-01"}]})


def status(issue, user):
    change_status(issue, user, issue.version, "in_progress")


def login(issue, user):
    update_last_login(None, user)


WRITES = [tick, item, update, milestones, status, login]


def write_while_another_is_held(write, first, second):
    """``write`` on ``first`` in a transaction held open in a thread, then on ``second`` here
    under a short lock_timeout; returns when both are done (raises if the second waited)."""
    held, release, failures = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                write(Issue.objects.listed().with_rows().get(pk=first[0].pk), first[1])
                held.set()
                release.wait(10)
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)
            held.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            write(Issue.objects.listed().with_rows().get(pk=second[0].pk), second[1])
    finally:
        release.set()
        thread.join()
    assert not failures, failures


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_writers_of_different_issues_never_wait(write, owner, teammate):
    first, second = make_issue(owner), make_issue(teammate)
    write_while_another_is_held(write, (first, owner), (second, teammate))
    assert first.checklist_items.exists() and second.checklist_items.exists()


def test_the_control_two_writers_of_one_issue_do_wait(owner, teammate):
    issue = make_issue(owner)
    with pytest.raises(OperationalError, match="lock timeout"):
        write_while_another_is_held(update, (issue, owner), (issue, teammate))
