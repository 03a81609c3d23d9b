"""Planner statistics after bulk writes.

Right after a bulk load the planners have no statistics for the new rows (PostgreSQL's
autovacuum analyzes them later, on its own schedule; SQLite never does by itself), and they
pick plans that make the list several times slower (README "The read path"). Commands that write many rows end
with ``analyze`` of the tables they filled.
"""

from django.db import connections

from issues.models import ChecklistItem, Issue, IssueChange, Milestone, Update

ISSUE_TABLES = (Issue, Milestone, ChecklistItem, Update, IssueChange)


def analyze(models=ISSUE_TABLES, using="default"):
    connection = connections[using]
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {tables}")
        else:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
