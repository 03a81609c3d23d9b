"""Every published or draft issue has rows for the template's three checklists.

Issues created before this (from JSON that gave a checklist as an empty list) had none, and
the issue page used to add them while answering a GET. The items are the template's own,
unticked, exactly what the issue's JSON form and its Markdown already showed for them.
"""

from django.db import migrations

from issues import markdown

TEMPLATE_ITEMS = {
    "todo": markdown.TODO_ITEMS,
    "ready": markdown.READY_ITEMS,
    "done": markdown.DONE_ITEMS,
}
BATCH = 2000


def backfill(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    ChecklistItem = apps.get_model("issues", "ChecklistItem")
    for checklist, texts in TEMPLATE_ITEMS.items():
        with_rows = ChecklistItem.objects.filter(checklist=checklist).values("issue_id")
        missing = Issue.objects.exclude(pk__in=with_rows).values_list("pk", flat=True)
        rows = [
            ChecklistItem(
                issue_id=pk, checklist=checklist, position=position, text=text, from_template=True
            )
            for pk in missing.iterator()
            for position, text in enumerate(texts)
        ]
        ChecklistItem.objects.bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("issues", "0011_remove_page_stamp")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
