"""Planner statistics after bulk writes.

Right after a bulk load the planners have no statistics for the new rows (PostgreSQL's
autovacuum analyzes them later, on its own schedule; SQLite never does by itself), and they
pick plans that make the list several times slower (README "The read path"). On PostgreSQL a
fresh table's pages are not yet marked all-visible either, so the list's count and a deep
page's ids read every issue row instead of the index alone (an index-only scan). Commands that write many rows
end with ``analyze`` of the tables they filled: ``VACUUM (ANALYZE)`` on PostgreSQL (plain
``ANALYZE`` inside a transaction, where VACUUM cannot run), ``ANALYZE`` on SQLite.
"""

from django.db import connections

from issues.models import ChecklistItem, Issue, IssueChange, Milestone, Update

ISSUE_TABLES = (Issue, Milestone, ChecklistItem, Update, IssueChange)


def analyze(models=ISSUE_TABLES, using="default"):
    connection = connections[using]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
