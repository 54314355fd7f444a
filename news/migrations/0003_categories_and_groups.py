"""The categories every site starts with, and the Editors and Translators groups.

Translators may view and change articles, but the admin lets them change only
the text of languages other than the source (they lack edit_article_source).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    ("news", "新闻", "News", 0),
    ("blog", "博客", "Blog", 1),
    ("events", "活动", "Events", 2),
]

EDITOR_PERMISSIONS = {
    "news": [
        f"{action}_{model}"
        for model in ("article", "articleimage", "category", "taggedarticle")
        for action in ("add", "change", "delete", "view")
    ]
    + ["edit_article_source"],
    "tags": [f"{action}_tag" for action in ("add", "change", "delete", "view")],
}
TRANSLATOR_PERMISSIONS = {
    "news": ["view_article", "change_article", "view_articleimage", "change_articleimage", "view_category"],
    "tags": ["view_tag"],
}


def forwards(apps, schema_editor):
    for label in ("news", "tags"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Category = apps.get_model("news", "Category")
    for slug, zh, en, position in CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": zh, "name_zh_hans": zh, "name_en": en, "position": position}
        )

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Editors", EDITOR_PERMISSIONS), ("Translators", TRANSLATOR_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        for label, codenames in wanted.items():
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
            )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Translators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_search_vector"),
        ("tags", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
