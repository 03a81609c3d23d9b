"""The list's search index on each database: it is used, and it follows every write."""

import pytest
from django.db import connection

from issues import search
from issues.filters import IssueFilter
from issues.models import Issue
from tests.factories import bulk_issues, make_issue

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")


def found(words):
    return set(search.matching(Issue.objects.all(), words).values_list("name", flat=True))


def plan(sql, params):
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"{explain} SELECT id FROM issues_issue WHERE {sql}", params)  # noqa: S608
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_search_uses_its_index():
    bulk_issues(200)
    if connection.vendor == "postgresql":
        assert "issues_issue_search_gin" in plan(search.PG_MATCH, ["drift"])
    else:
        assert "VIRTUAL TABLE INDEX" in plan(search.SQLITE_MATCH, ['"drift"*'])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
@pytest.mark.parametrize(("status", "served"), [("", True), ("open", True), ("all", False)])
def test_a_search_of_the_default_list_can_read_the_index_of_open_issues(status, served):
    """The list's own query (its status condition as Django writes it, with parameters)
    implies the condition of the smaller index, whose entries are all listed issues. Which of
    the two GIN indexes the planner then takes depends on their sizes (at 100,000 issues, this
    one: README "Performance"); here the full one is dropped, inside the test's transaction."""
    bulk_issues(3000)
    bulk_issues(3, name="Drift in the embeddings")
    matches = IssueFilter({"q": "drift", "status": status}, Issue.objects.all()).qs
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX issues_issue_search_gin")
        # With statistics (3 matches in 3,003 open issues), and bitmap scans alone left, the
        # plan names the index that serves the match.
        cursor.execute("ANALYZE issues_issue")
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert ("issue_search_open_gin" in plan) == served


def test_the_index_follows_inserts_updates_and_deletes(owner):
    issue = make_issue(owner, name="Tokenizer truncates documents")
    bulk_issues(3, name="Bulk tokenizer issue")
    assert found("tokenizer") == {"Tokenizer truncates documents", "Bulk tokenizer issue"}
    issue.name = "Embedding drift"
    issue.save()
    Issue.objects.filter(name="Bulk tokenizer issue").update(data_involved="embedding vectors")
    assert found("tokenizer") == {"Bulk tokenizer issue"}
    assert found("embedding") == {"Embedding drift", "Bulk tokenizer issue"}
    Issue.objects.filter(name="Bulk tokenizer issue").delete()
    assert found("embedding") == {"Embedding drift"}


def test_every_word_must_match_and_words_match_their_forms(owner):
    make_issue(owner, name="Retraining broke the drift monitor")
    make_issue(owner, name="Drift in the label pipeline")
    assert found("drift monitor") == {"Retraining broke the drift monitor"}
    assert found("monitoring") == {"Retraining broke the drift monitor"}
    assert found("DRIFT") == {"Retraining broke the drift monitor", "Drift in the label pipeline"}


@pytest.mark.parametrize("words", ['"', '""', "drift'", "a OR b", "NEAR(a b)", "-x", "*", ":", "^"])
def test_search_syntax_in_the_words_is_just_text(owner, words):
    make_issue(owner, name="Drift monitor")
    found(words)  # no error, whatever the database's query syntax makes of it


@sqlite_only
def test_a_rebuilt_table_gets_its_triggers_back_and_the_index_refilled(owner):
    # What Django's SQLite schema editor does to a rebuilt table: its triggers are gone.
    with connection.cursor() as cursor:
        for name in search.SQLITE_SCHEMA:
            if name.endswith(("_insert", "_update", "_delete")):
                cursor.execute(f"DROP TRIGGER {name}")
    make_issue(owner, name="Written while the triggers were gone")
    assert found("gone") == set()
    search.ensure_sqlite_index(using=connection.alias)
    assert found("gone") == {"Written while the triggers were gone"}
    make_issue(owner, name="Written after they came back")
    assert found("written") == {
        "Written while the triggers were gone",
        "Written after they came back",
    }


@sqlite_only
def test_a_rebuilt_table_is_analyzed_again(owner):
    """A migration that rebuilds ``issues_issue`` (as 0041 does on SQLite) drops its planner
    statistics: ``migrate`` ends with them back, or the list takes plans several times slower."""
    make_issue(owner)
    with connection.cursor() as cursor:
        # The rebuild: the triggers and the table's statistics gone.
        for name in search.SQLITE_SCHEMA:
            if name.endswith(("_insert", "_update", "_delete")):
                cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("ANALYZE issues_issue")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'issues_issue'")
        search.ensure_sqlite_index(using=connection.alias)
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'issues_issue'")
        assert cursor.fetchone()[0] > 0
