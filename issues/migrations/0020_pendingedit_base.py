from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("issues", "0010_page_stamp")]

    operations = [
        migrations.AddField(
            model_name="pendingedit",
            name="base",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
