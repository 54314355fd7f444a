from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlesource",
            name="front_matter",
            field=models.JSONField(blank=True, default=list, verbose_name="front matter as written"),
        ),
    ]
