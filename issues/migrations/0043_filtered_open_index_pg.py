"""On PostgreSQL, the filtered list's index for open and in-progress issues alone.

The default list filtered and sorted (``?priority=p1&type=training&sort=target_date``) read
``issue_priority_type_idx``, whose entries hold every status: its count tested the status of
3,176 entries to find 1,891 listed ones. From this index, whose entries are all listed issues,
the statement (count and page) takes 0.37 ms instead of 0.60 ms at 100,000 issues. Not on
SQLite: its planner takes a partial index only for a condition written with constants, and
Django sends the statuses as parameters.
"""

from importlib import import_module

from django.db import migrations

# The PostgreSQL-only operation of 0009 (a landed migration, so it stays as it is).
on_postgresql = import_module("issues.migrations.0009_issue_status_pg").run_on_postgresql


class Migration(migrations.Migration):
    dependencies = [("issues", "0042_search_open_gin_pg")]

    operations = [
        migrations.RunPython(
            on_postgresql(
                "CREATE INDEX issue_open_priority_type_idx ON issues_issue "
                "(priority, type, target_date, id DESC) WHERE status IN ('open', 'in_progress')"
            ),
            on_postgresql("DROP INDEX IF EXISTS issue_open_priority_type_idx"),
            elidable=False,
        ),
    ]
