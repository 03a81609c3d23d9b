"""Full-text search of the issue list on PostgreSQL: a GIN index over the searched text.

The index is on an expression, so the query in issues/filters.py (SEARCH_DOCUMENT) must
repeat it exactly for PostgreSQL to use the index (tests/test_list.py checks the plan).
SQLite has no such index: the list matches with icontains there.
"""

from django.db import migrations

CREATE = """
CREATE INDEX issues_issue_search_gin ON issues_issue USING GIN (
    to_tsvector('english'::regconfig,
        name || ' ' || related_project || ' ' || description || ' '
        || data_involved || ' ' || frameworks::text)
)
"""
DROP = "DROP INDEX IF EXISTS issues_issue_search_gin"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("issues", "0002_history")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
