"""A second search index on PostgreSQL: the matches among open and in-progress issues alone.

A search of the default list (``?q=drift``) then counts its first 501 matches from this
index, whose entries are all listed issues, instead of taking every match from
``issues_issue_search_gin`` and testing each one's status: 0.8 ms instead of 2.5 ms at
100,000 issues. A rare word is found at once, where PostgreSQL's planner used to walk the
whole list in id order (28 ms). Not on SQLite: its search is an FTS5 table.
"""

from importlib import import_module

from django.db import migrations

# The PostgreSQL-only operation of 0009 (a landed migration, so it stays as it is).
run_on_postgresql = import_module("issues.migrations.0009_issue_status_pg").run_on_postgresql

CREATE = (
    "CREATE INDEX issue_search_open_gin ON issues_issue USING GIN (search_document) "
    "WHERE status IN ('open', 'in_progress')"
)
DROP = "DROP INDEX IF EXISTS issue_search_open_gin"


class Migration(migrations.Migration):
    dependencies = [("issues", "0041_github_repository")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
