"""Full-text search on PostgreSQL from a stored tsvector column instead of an expression index.

With the expression index of 0003, a list page that PostgreSQL reads in id order (newest first)
computed to_tsvector for every issue it passed: 35 ms for the first page of a common word at
100,000 issues. The stored column computes it once per write. It is not a model field: Django
never selects or writes it, PostgreSQL keeps it up to date. Changing the type of a column it
reads (name, related_project, description, data_involved, frameworks) needs this column dropped
first and added again. SQLite has neither: the list matches with icontains there.
"""

from django.db import migrations

DOCUMENT = (
    "to_tsvector('english'::regconfig, name || ' ' || related_project || ' ' || description"
    " || ' ' || data_involved || ' ' || frameworks::text)"
)
FORWARD = [
    "DROP INDEX IF EXISTS issues_issue_search_gin",
    f"ALTER TABLE issues_issue ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX issues_issue_search_gin ON issues_issue USING GIN (search_document)",
]
BACKWARD = [
    "ALTER TABLE issues_issue DROP COLUMN search_document",
    f"CREATE INDEX issues_issue_search_gin ON issues_issue USING GIN ({DOCUMENT})",
]


def run_on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("issues", "0006_list_indexes")]

    operations = [
        migrations.RunPython(
            run_on_postgresql(FORWARD), run_on_postgresql(BACKWARD), elidable=False
        ),
    ]
