"""Free-text search of the issue list, with an index on both databases.

PostgreSQL: English full-text search over ``search_document``, a stored tsvector column of
the same columns with a GIN index (migration 0007), so that no query computes to_tsvector,
and a second GIN index of the open and in-progress issues alone, the default list (0042).

SQLite: an FTS5 table over the same columns, kept in step with ``issues_issue`` by triggers.
It is made by ``ensure_sqlite_index`` after every ``migrate`` (post_migrate) rather than by a
migration, because SQLite drops a table's triggers whenever Django's schema editor rebuilds
the table; a rebuilt table gets its triggers back, the index is refilled and the issue tables
are analyzed again (the rebuild drops their statistics too).
"""

from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from issues.dbstats import analyze

# The match is a condition on the issue itself, so that the planner can take the GIN index
# that holds only the open and in-progress issues (migration 0042) for a search of the
# default list: its count then stops after 501 listed matches. Every word must match, as on
# SQLite: plainto_tsquery reads no operators ("or", "-", quotes), which websearch_to_tsquery
# would (English stop words such as "or" and "the" are left out).
PG_MATCH = '"issues_issue"."search_document" @@ plainto_tsquery(\'english\'::regconfig, %s)'

SQLITE_MATCH = (
    '"issues_issue"."id" IN (SELECT rowid FROM issues_issue_fts WHERE issues_issue_fts MATCH %s)'
)
# The search table and the triggers that keep it in step, by name (see the module docstring).
SQLITE_SCHEMA = {
    "issues_issue_fts": """
        CREATE VIRTUAL TABLE IF NOT EXISTS issues_issue_fts USING fts5(
            name, related_project, description, data_involved, frameworks,
            content='issues_issue', content_rowid='id', tokenize='porter unicode61')""",
    "issues_issue_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS issues_issue_fts_insert AFTER INSERT ON issues_issue BEGIN
            INSERT INTO issues_issue_fts(
                rowid, name, related_project, description, data_involved, frameworks)
            VALUES (new.id, new.name, new.related_project, new.description,
                new.data_involved, new.frameworks);
        END""",
    "issues_issue_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS issues_issue_fts_delete AFTER DELETE ON issues_issue BEGIN
            INSERT INTO issues_issue_fts(issues_issue_fts,
                rowid, name, related_project, description, data_involved, frameworks)
            VALUES ('delete', old.id, old.name, old.related_project, old.description,
                old.data_involved, old.frameworks);
        END""",
    "issues_issue_fts_update": """
        CREATE TRIGGER IF NOT EXISTS issues_issue_fts_update AFTER UPDATE OF
            name, related_project, description, data_involved, frameworks ON issues_issue BEGIN
            INSERT INTO issues_issue_fts(issues_issue_fts,
                rowid, name, related_project, description, data_involved, frameworks)
            VALUES ('delete', old.id, old.name, old.related_project, old.description,
                old.data_involved, old.frameworks);
            INSERT INTO issues_issue_fts(
                rowid, name, related_project, description, data_involved, frameworks)
            VALUES (new.id, new.name, new.related_project, new.description,
                new.data_involved, new.frameworks);
        END""",
}
SQLITE_REBUILD = "INSERT INTO issues_issue_fts(issues_issue_fts) VALUES ('rebuild')"


def sqlite_query(words):
    """Every word, as a prefix (``retrain`` finds "retraining"), quoted so nothing is syntax."""
    return " ".join('"{}"*'.format(word.replace('"', '""')) for word in words.split())


def matching(queryset, words):
    """The issues of ``queryset`` that contain every word of ``words``."""
    if connections[queryset.db].vendor == "postgresql":
        sql, params = PG_MATCH, (words,)
    else:
        sql, params = SQLITE_MATCH, (sqlite_query(words),)
    # Constant SQL; the words are a parameter.
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611


def ensure_sqlite_index(using="default", **kwargs):
    """Create the SQLite search table and triggers where missing; refill it if any was, and
    analyze the issue tables again when they hold issues."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "issues_issue" not in present or SQLITE_SCHEMA.keys() <= present:
            return
        for sql in SQLITE_SCHEMA.values():
            cursor.execute(sql)
        cursor.execute(SQLITE_REBUILD)
        # The rebuilt table lost its planner statistics too: without them the list's queries
        # take other plans, several times slower (README "Performance").
        cursor.execute("SELECT EXISTS (SELECT 1 FROM issues_issue)")
        rebuilt_with_rows = cursor.fetchone()[0]
    if rebuilt_with_rows:
        analyze(using=using)
