"""Reads compiled once (issues/prepared.py): the same rows and values as the ORM's own reads,
with the people they name in place, on SQLite and on PostgreSQL."""

import pytest
from django.db import DataError, connection, transaction
from django.http import Http404

from issues import issuecache, prepared
from issues.models import ChecklistItem, Issue, IssueChange, Update
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

ROWS = {
    "todo": [{"text": "Ticked", "done": True}, {"text": "Open", "done": False}],
    "milestones": [
        {"title": "Data", "date": "2026-12-01"},
        {"title": "Ship", "date": "2027-01-15"},
    ],
    "updates": [{"date": "2026-11-20", "text": "First"}, {"date": "2026-11-21", "text": "Second"}],
    "metrics": [
        {
            "name": "PSI(age)",
            "value": 0.31,
            "threshold": 0.2,
            "direction": "above",
            "observed_at": "2026-11-30T08:15:00+00:00",
        }
    ],
    "links": [{"kind": "model", "target": "models:/fraud/12", "label": "v12"}],
    "assignees": ["maya-ml"],
    "frameworks": ["PyTorch"],
}


def values(row):
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def test_an_issue_and_its_rows_have_the_orms_values(owner):
    issue = make_issue(owner, **ROWS)
    expected = Issue.objects.listed().with_rows().get(pk=issue.pk)
    loaded = prepared.issue_with_rows(issue.pk)
    assert values(loaded) == values(expected)
    for name in prepared.ROWS:
        got = [values(row) for row in getattr(loaded, name).all()]
        assert got == [values(row) for row in getattr(expected, name).all()], name
        assert got, name
    done = [item.done for item in loaded.checklist_items.all()]
    assert all(type(flag) is bool for flag in done) and True in done


def test_the_rows_are_read_once(owner, django_assert_num_queries):
    issue = make_issue(owner, **ROWS)
    with django_assert_num_queries(1 + len(prepared.ROWS)):
        loaded = prepared.issue_with_rows(issue.pk)
    with django_assert_num_queries(0):
        for name in prepared.ROWS:
            list(getattr(loaded, name).all())


def test_a_filter_on_a_loaded_relation_stays_within_the_issue(owner):
    issue, other = make_issue(owner, **ROWS), make_issue(owner, **ROWS)
    loaded = prepared.issue_with_rows(issue.pk)
    assert {m.issue_id for m in loaded.milestones.filter(position=0)} == {issue.pk}
    assert loaded.updates.count() == 2 and other.pk != issue.pk


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, None])
def test_a_draft_or_a_missing_issue_is_404(owner, status):
    issue = make_issue(owner)
    if status:
        Issue.objects.filter(pk=issue.pk).update(status=status)
    else:
        issue.delete()
    with pytest.raises(Http404):
        prepared.issue_with_rows(issue.pk)


def test_the_page_names_its_people_without_more_queries(owner, teammate, django_assert_num_queries):
    issue = make_issue(owner, **ROWS)
    Update.objects.filter(issue=issue, text="Second").update(author=teammate)
    IssueChange.objects.create(issue=issue, user=teammate, field="priority", old="p2", new="p1")
    IssueChange.objects.create(issue=issue, user=None, field="name")
    loaded, history = prepared.issue_page_rows(issue.pk)
    with django_assert_num_queries(0):
        assert loaded.reporter.get_username() == owner.username
        authors = [u.author and u.author.get_username() for u in loaded.updates.all()]
        who = [change.user and change.user.get_username() for change in history]
    assert authors == [owner.username, teammate.username]
    assert who == [None, teammate.username]  # newest first


def test_the_history_is_the_latest_changes_newest_first(owner):
    issue = make_issue(owner)
    IssueChange.objects.bulk_create(
        IssueChange(issue=issue, user=owner, field=f"f{n}") for n in range(30)
    )
    _, history = prepared.issue_page_rows(issue.pk)
    expected = list(IssueChange.objects.filter(issue=issue)[: prepared.HISTORY_SIZE])
    assert [c.pk for c in history] == [c.pk for c in expected]
    assert len(history) == prepared.HISTORY_SIZE == 20


def test_a_read_is_compiled_once_and_runs_for_any_value(owner):
    first, second = make_issue(owner), make_issue(owner, name="Second issue")
    read = prepared.PreparedRead(lambda pk: ChecklistItem.objects.filter(issue_id=pk))
    assert {item.issue_id for item in read(first.pk)} == {first.pk}
    compiled = read.compiled
    assert {item.issue_id for item in read(second.pk)} == {second.pk}
    assert read.compiled is compiled
    assert list(read(-1)) == []


def test_a_read_that_ignores_its_argument_is_refused():
    read = prepared.PreparedRead(lambda pk: Issue.objects.all())
    with pytest.raises(ValueError, match="argument"):
        read(1)


def test_a_read_of_more_than_its_models_own_columns_is_refused():
    joined = prepared.PreparedRead(lambda pk: Update.objects.select_related("author").filter(pk=pk))
    with pytest.raises(ValueError, match="own columns"):
        joined(1)


def test_what_a_read_gives_is_saved_as_the_row_it_was_read_from(owner):
    issue = make_issue(owner, **ROWS)
    item = prepared.ROWS["checklist_items"](issue.pk)[0]
    assert not item._state.adding and item._state.db == "default"
    item.text = "Renamed"
    item.save()
    assert ChecklistItem.objects.filter(issue=issue).count() == len(
        prepared.ROWS["checklist_items"](issue.pk)
    )
    assert ChecklistItem.objects.get(pk=item.pk).text == "Renamed"


def test_the_drafts_counted_are_the_users_own(owner, teammate):
    make_issue(owner)
    make_issue(owner, status=Issue.Status.DRAFT)
    make_issue(owner, status=Issue.Status.DRAFT, name="Second draft")
    make_issue(teammate, status=Issue.Status.DRAFT)
    drafts = Issue.objects.filter(status=Issue.Status.DRAFT)
    assert prepared.DRAFTS.count(owner.pk) == drafts.filter(reporter=owner).count() == 2
    assert prepared.DRAFTS.count(teammate.pk) == 1
    assert prepared.DRAFTS.count(-1) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's prepared statements")
def test_postgresql_prepares_the_reads_and_nothing_else(owner):
    """A prepared read is planned once per connection; other statements stay unprepared."""
    issue = make_issue(owner)
    assert prepared.ISSUE.first(issue.pk).pk == issue.pk
    assert prepared.ISSUE.first(issue.pk).pk == issue.pk
    assert prepared.DRAFTS.count(owner.pk) == 0
    assert issuecache.current_version(issue.pk) == issue.version
    for _ in range(6):
        assert Issue.objects.filter(name=issue.name).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert len([s for s in statements if s.startswith('SELECT "issues_issue"."id"')]) == 1
    assert len([s for s in statements if s.startswith("SELECT COUNT(*) FROM (")]) == 1
    assert len([s for s in statements if s.startswith("SELECT version FROM")]) == 1
    assert not [s for s in statements if '"issues_issue"."name" =' in s]
    assert connection.connection.prepare_threshold is None


def test_reads_together_give_what_each_gives_alone_in_order(owner, teammate):
    issue, other = make_issue(owner, **ROWS), make_issue(teammate)
    reads = [
        (prepared.ROWS["milestones"], issue.pk),
        (prepared.ISSUE, other.pk),
        (prepared.ROWS["links"], other.pk),  # none
        (prepared.ROWS["updates"], issue.pk),
    ]
    together = prepared.read_together(reads)
    assert [[values(row) for row in rows] for rows in together] == [
        [values(row) for row in read(value)] for read, value in reads
    ]
    assert [len(rows) for rows in together] == [2, 1, 0, 2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_postgresql_sends_the_issue_pages_reads_in_one_pipeline(owner):
    """Each of the page's eight reads is sent while the connection is in pipeline mode: the
    page waits for the server once, not once a read."""
    issue = make_issue(owner, **ROWS)
    modes = []

    def note_mode(execute, sql, params, many, context):
        modes.append(connection.connection.pgconn.pipeline_status)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_mode):
        loaded, _ = prepared.issue_page_rows(issue.pk)
        alone = prepared.ISSUE.first(issue.pk)
    assert loaded.pk == alone.pk == issue.pk
    assert len(modes) == 1 + len(prepared.ROWS) + 2 + 1
    assert all(modes[:-1]) and not modes[-1]  # the last, a read alone, is not pipelined


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_an_error_in_reads_together_is_djangos(owner):
    """What the server refuses comes out as Django's error class, wherever psycopg's pipeline
    reports it (a lost connection is then the 503 page's OperationalError). SQLite takes any
    value for an id."""
    issue = make_issue(owner)
    with pytest.raises(DataError), transaction.atomic():
        prepared.read_together([(prepared.ISSUE, issue.pk), (prepared.ROWS["links"], "not an id")])
