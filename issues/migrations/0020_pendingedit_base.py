from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("issues", "0018_github_both_ways")]

    operations = [
        migrations.AddField(
            model_name="pendingedit",
            name="base",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
