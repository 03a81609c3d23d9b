"""The list stamp (issues/listcache.py): its table and row, and PostgreSQL's triggers.

PostgreSQL's triggers are per statement, so that a bulk insert of 1,000 issues writes the
stamp once. SQLite's triggers are made after every migrate (issues.listcache.ensure_stamp), as
its search triggers are.
"""

from django.db import migrations, models

CREATE = [
    "CREATE SEQUENCE issues_list_stamp_seq",
    """
    CREATE FUNCTION issues_list_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE issues_liststamp SET value = nextval('issues_list_stamp_seq') WHERE id = 1;
        RETURN NULL;
    END $$""",
    *(
        f"""CREATE TRIGGER issues_list_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON {table} FOR EACH STATEMENT EXECUTE FUNCTION issues_list_stamp()"""
        for table in ("issues_issue", "issues_checklistitem")
    ),
]
DROP = [
    "DROP FUNCTION IF EXISTS issues_list_stamp() CASCADE",
    "DROP SEQUENCE IF EXISTS issues_list_stamp_seq",
]


def run_on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


def create_row(apps, schema_editor):
    apps.get_model("issues", "ListStamp").objects.create(id=1, value=0)


class Migration(migrations.Migration):
    dependencies = [("issues", "0009_issue_status_pg")]

    operations = [
        migrations.CreateModel(
            name="ListStamp",
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
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
