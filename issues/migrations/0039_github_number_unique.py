"""One dskit issue a GitHub issue: ``github_number`` is unique where it is set.

Two import_github runs at once could import the same GitHub issue twice. A database that
holds such copies stops here and names them: delete the extra copy (or clear its GitHub
link) by hand, then migrate again; which copy to keep is not the migration's to guess.
"""

from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    twice = (
        Issue.objects.exclude(github_number=None)
        .values("github_number")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .order_by("github_number")
    )
    if not twice:
        return
    lines = []
    for row in twice:
        ids = Issue.objects.filter(github_number=row["github_number"]).order_by("id")
        numbers = ", ".join(str(pk) for pk in ids.values_list("id", flat=True))
        lines.append(f"GitHub issue #{row['github_number']}: dskit issues {numbers}")
    raise RuntimeError(
        "These GitHub issues are linked to more than one dskit issue; keep one of each "
        "(delete the others or clear their GitHub link), then migrate again:\n"
        + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [("issues", "0038_listed_newest_index")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.UniqueConstraint(
                condition=models.Q(github_number__isnull=False),
                fields=("github_number",),
                name="issue_github_number_unique",
            ),
        ),
    ]
