"""RSS 2.0 and Atom feeds per language: all articles, one category or one tag.

A feed in a language lists the articles written or translated into it, so a
reader subscribed in English never receives Chinese text. Links and image
URLs are absolute.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from news import images
from news.models import Article, Category
from portal.text import clean_nested
from tags.models import Tag

FEED_LENGTH = 20


def _clean(values: dict) -> dict:
    return {key: clean_nested(value) for key, value in values.items()}


class _ControlCharactersFree:
    """XML cannot hold control characters (Django refuses to write them): a feed drops them instead of failing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **_clean(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **_clean(kwargs))


class RssFeed(_ControlCharactersFree, Rss201rev2Feed):
    pass


class AtomFeed(_ControlCharactersFree, Atom1Feed):
    pass


class LatestRss(Feed):
    feed_type = RssFeed
    description_template = "news/feed_item.html"

    def get_object(self, request, category=None, tag=None):
        if category:
            return get_object_or_404(Category, slug=category)
        if tag:
            return get_object_or_404(Tag, slug=tag)
        return None

    def title(self, obj):
        if isinstance(obj, Category):
            return f"{obj.display_name} · {settings.SITE_NAME}"
        if isinstance(obj, Tag):
            return _("Tagged “%(tag)s”") % {"tag": obj.display_name} + f" · {settings.SITE_NAME}"
        return str(settings.SITE_NAME)

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("news:list")

    def description(self, obj):
        return _("News and blog posts of our open source community, in Chinese and English.")

    def items(self, obj):
        articles = Article.objects.published().in_language(translation.get_language())
        if isinstance(obj, Category):
            articles = articles.in_category(obj)
        elif isinstance(obj, Tag):
            articles = articles.tagged(obj)
        return articles.select_related("category").with_tags()[:FEED_LENGTH]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, request = kwargs["item"], kwargs["request"]
        picture = images.banner(item)
        context["text"] = item.translation(translation.get_language())
        context["banner_url"] = request.build_absolute_uri(picture["src"]) if picture else ""
        return context

    def item_title(self, item):
        return item.translation(translation.get_language()).title

    def item_link(self, item):
        return item.url_for(translation.get_language())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(item.authors) or None

    def item_categories(self, item):
        return [item.category.display_name, *(tag.display_name for tag in item.tags.all())]


class LatestAtom(LatestRss):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)
