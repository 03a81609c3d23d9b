from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("issues", "0004_pending_edit")]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="github_unknown_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
