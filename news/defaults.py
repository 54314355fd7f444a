"""What every site starts with: the Editors and Translators groups, and three categories.

Run after every ``migrate`` (and after a test database is built without
migrations), so the groups' permissions follow the models as they change.
Translators may view and change articles, but the admin lets them change only
the text of languages other than the source (they lack edit_article_source).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from translations import languages

# Names are interface strings: each language's catalogue translates them.
STARTING_CATEGORIES = [
    ("news", gettext_noop("News")),
    ("blog", gettext_noop("Blog")),
    ("events", gettext_noop("Events")),
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
TRANSLATORS = "Translators"
GROUPS = {"Editors": EDITOR_PERMISSIONS, TRANSLATORS: TRANSLATOR_PERMISSIONS}


def ensure_groups() -> None:
    """Create the groups if missing and give them at least their permissions."""
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        condition = Q(pk__in=[])
        for label, codenames in wanted.items():
            condition |= Q(content_type__app_label=label, codename__in=codenames)
        group.permissions.add(*Permission.objects.filter(condition))


def ensure_starting_categories() -> None:
    """On a site with no category yet, the three every site starts with, named in each language."""
    from news.models import Category

    if Category.objects.exists():
        return
    for position, (slug, name) in enumerate(STARTING_CATEGORIES):
        names = {}
        for code in languages.codes():
            with translation.override(code):
                names[languages.field("name", code)] = gettext(name)
        Category.objects.create(slug=slug, position=position, **names)


def after_migrate(sender, using="default", **kwargs) -> None:
    if using != "default":
        return
    ensure_groups()
    ensure_starting_categories()


def remove_starting_data() -> None:
    """Remove what ``after_migrate`` creates, on an otherwise empty database (before loading a backup)."""
    from news.models import Category

    Group.objects.filter(name__in=GROUPS).delete()
    Category.objects.filter(articles__isnull=True).delete()
