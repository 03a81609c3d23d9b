"""An index on status alone, on PostgreSQL only: the count of the default list.

``SELECT COUNT(*) ... WHERE status IN ('open', 'in_progress')`` then reads the 60,000 entries of
those two statuses (5 ms at 100,000 issues) instead of all 100,000 of ``(id, status)`` (20 ms).
Not on SQLite: without statistics its planner would take this index for the list's pages too
and sort every open issue to find the newest 50.
"""

from django.db import migrations

CREATE = "CREATE INDEX issues_issue_status_pg ON issues_issue (status)"
DROP = "DROP INDEX IF EXISTS issues_issue_status_pg"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("issues", "0008_reporter_status_index")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
