"""What helps a visitor find their way and read on: breadcrumbs, share links, suggestions."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from news import archive, page_markup
from news.models import Article
from news.templatetags.seo import json_ld
from translations import languages

register = template.Library()

SUGGESTED_TAGS = 10
SUGGESTED_ARTICLES = 5


def _crumb(name, url, lang=""):
    return {"name": str(name), "url": url, "lang": lang}


def trail(context) -> list[dict]:
    """The pages above this one, from the home page down to it (empty on the home page)."""
    request = context["request"]
    match = request.resolver_match
    name = match.url_name if match else ""
    crumbs = [_crumb(gettext("Home"), reverse("home"))]
    listing = _crumb(gettext("All articles"), reverse("news:list"))
    archive_page = _crumb(gettext("Archive and tags"), reverse("news:archive"))
    filters = context.get("filters") or {}
    article, text = context.get("article"), context.get("text")
    if name == "detail" and article is not None and text is not None:
        lang = languages.html_lang(text.language) if text.is_fallback else ""
        category = article.category
        crumbs += [
            _crumb(category.display_name, category.get_absolute_url()),
            _crumb(text.title, request.path, lang),
        ]
    elif name == "month" and context.get("month_start"):
        label = formats.date_format(context["month_start"], "YEAR_MONTH_FORMAT")
        crumbs += [archive_page, _crumb(label, request.path)]
    elif name in ("list", "category", "tag"):
        crumbs.append(listing)
        if filters.get("tag"):
            label = gettext("Tagged “%(tag)s”") % {"tag": filters["tag"].display_name}
            crumbs.append(_crumb(label, filters["tag"].get_absolute_url()))
        elif filters.get("category"):
            crumbs.append(_crumb(filters["category"].display_name, filters["category"].get_absolute_url()))
    elif name == "archive":
        crumbs.append(archive_page)
    elif name == "search":
        crumbs.append(_crumb(gettext("Search"), reverse("news:search")))
    else:
        return []
    return crumbs


def breadcrumb_data(request, crumbs: list[dict]) -> dict:
    """schema.org BreadcrumbList of a trail, with absolute URLs."""
    absolute = request.build_absolute_uri
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": crumb["name"], "item": absolute(crumb["url"])}
            for n, crumb in enumerate(crumbs, start=1)
        ],
    }


@register.simple_tag(takes_context=True)
def breadcrumbs(context):
    crumbs = trail(context)
    structured = json_ld(breadcrumb_data(context["request"], crumbs)) if crumbs else ""
    return page_markup.breadcrumbs(crumbs, structured)


@register.simple_tag(takes_context=True)
def share_links(context, text):
    """Copy the link, or share it on Weibo or X: plain links, no third-party script."""
    url = context["request"].build_absolute_uri(context["request"].path)
    title = text.title
    return page_markup.share_links(
        url,
        weibo="https://service.weibo.com/share/share.php?" + urlencode({"url": url, "title": title}),
        x="https://x.com/intent/post?" + urlencode({"url": url, "text": title}),
    )


@register.inclusion_tag("includes/suggestions.html")
def suggestions():
    """Popular tags and the latest articles in the page's language, for pages that found nothing (two queries)."""
    titles = [languages.field("title", code) for code, _name in settings.LANGUAGES]
    articles = Article.objects.published().in_language(translation.get_language())
    latest = articles.only("slug", "publish_at", "source_language", "language_states", *titles)[:SUGGESTED_ARTICLES]
    return {"tags": archive.tag_counts()[:SUGGESTED_TAGS], "latest": latest}
