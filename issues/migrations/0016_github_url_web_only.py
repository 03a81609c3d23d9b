"""Links to GitHub are http or https only: a stored URL of any other scheme (an import
before the schema's "format": "uri" was checked, e.g. ``javascript:``) is cleared."""

from django.db import migrations
from django.db.models import Q


def clear_non_web_urls(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    Issue.objects.exclude(github_url="").exclude(
        Q(github_url__istartswith="https://") | Q(github_url__istartswith="http://")
    ).update(github_url="")


class Migration(migrations.Migration):
    dependencies = [("issues", "0015_loginfailure")]

    operations = [migrations.RunPython(clear_non_web_urls, migrations.RunPython.noop)]
