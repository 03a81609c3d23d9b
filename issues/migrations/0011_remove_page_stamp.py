"""Remove the page stamp of migration 0010: its PostgreSQL triggers, function and sequence,
SQLite's triggers (made after migrate by the code this removes) and the table.

Every write in every transaction locked its single row, so writers to different issues took
turns. Pages are now computed per request and cached only per issue under Issue.version
(README "Performance").
"""

from django.conf import settings
from django.db import migrations

# The tables 0010 and the SQLite post_migrate hook put triggers on, besides the user table.
WATCHED = [
    "issues_issue",
    "issues_checklistitem",
    "issues_milestone",
    "issues_update",
    "issues_issuechange",
]


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # CASCADE drops the trigger on each table too.
        schema_editor.execute("DROP FUNCTION IF EXISTS issues_page_stamp() CASCADE")
        schema_editor.execute("DROP SEQUENCE IF EXISTS issues_page_stamp_seq")
    elif connection.vendor == "sqlite":
        user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
        for table in [*WATCHED, user_table]:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS issues_page_stamp_{table}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0010_page_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Not reversible: 0010's triggers would lock one row in every write again.
        migrations.RunPython(drop_triggers, elidable=False),
        migrations.DeleteModel(name="PageStamp"),
    ]
