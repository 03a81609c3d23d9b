"""The page stamp (issues/pagecache.py): its table and row, and PostgreSQL's triggers.

PostgreSQL's triggers are per statement, and write the stamp once a transaction
(issues.pagecache.stamp explains why that is enough); DROP FUNCTION ... CASCADE drops them. SQLite's triggers are made after every
migrate (issues.pagecache.ensure_stamp), as its search triggers are.
"""

from django.conf import settings
from django.db import migrations, models

CREATE = [
    "CREATE SEQUENCE issues_page_stamp_seq",
    """
    CREATE FUNCTION issues_page_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Once a transaction: a second update of the row in one transaction would have to
        -- walk past the first's version, and thousands of statements take quadratic time.
        UPDATE issues_pagestamp SET value = nextval('issues_page_stamp_seq')
        WHERE id = 1 AND xmin <> pg_current_xact_id()::xid;
        RETURN NULL;
    END $$""",
]
# issues.pagecache.WATCHED as of this migration, and the user table.
WATCHED = [
    "issues_issue",
    "issues_checklistitem",
    "issues_milestone",
    "issues_update",
    "issues_issuechange",
]
TRIGGER = """CREATE TRIGGER issues_page_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {table} FOR EACH STATEMENT EXECUTE FUNCTION issues_page_stamp()"""
DROP = [
    "DROP FUNCTION IF EXISTS issues_page_stamp() CASCADE",
    "DROP SEQUENCE IF EXISTS issues_page_stamp_seq",
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
        for sql in CREATE:
            schema_editor.execute(sql)
        for table in [*WATCHED, user_table]:
            schema_editor.execute(TRIGGER.format(table=schema_editor.quote_name(table)))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


def create_row(apps, schema_editor):
    apps.get_model("issues", "PageStamp").objects.create(id=1, value=0)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0009_issue_status_pg"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PageStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
