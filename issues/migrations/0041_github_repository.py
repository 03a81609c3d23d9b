"""Each filed issue remembers its GitHub repository, and one dskit issue is linked to one GitHub
issue of one repository: ``(github_repository, github_number)`` is unique where the number is
set. Before this, a changed GITHUB_REPOSITORY sent "Update on GitHub" to the issue of the same
number in the new repository, and applied that repository's webhooks to the old one's issues.

The repository of an issue filed before is read from its link
(``https://HOST/OWNER/NAME/issues/NUMBER``); a link of another form is taken to be of the
GITHUB_REPOSITORY this migration runs with, the only repository dskit filed in until now.
"""

import urllib.parse

from django.conf import settings
from django.db import migrations, models


def repository_of(url):
    """This migration's own copy of ``serialization.github_repository`` (frozen with it)."""
    parts = urllib.parse.urlsplit(url).path.strip("/").split("/")[-4:]
    if len(parts) == 4 and parts[2] == "issues" and all(parts[:2]):
        return f"{parts[0]}/{parts[1]}".lower()
    return ""


def fill_repository(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    configured = settings.GITHUB_REPOSITORY.lower()
    filed = Issue.objects.exclude(github_number=None).only("github_url")
    for issue in filed.iterator():
        issue.github_repository = repository_of(issue.github_url) or configured
        issue.save(update_fields=["github_repository"])


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0040_insights_by_day"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="issue",
            name="issue_github_number_unique",
        ),
        migrations.AddField(
            model_name="issue",
            name="github_repository",
            field=models.CharField(blank=True, max_length=140),
        ),
        migrations.RunPython(fill_repository, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("github_number__isnull", False)),
                fields=("github_repository", "github_number"),
                name="issue_github_issue_unique",
            ),
        ),
    ]
