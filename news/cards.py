"""The markup lists repeat per article (cards, tag lists), written in Python.

A list page shows twenty cards; as an included template each card cost about
0.4 ms of variable lookups, filters and nested tags, two thirds of the page.
These functions write the same markup directly: every value escaped, every
string translated as the templates did.
"""

import unicodedata

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from news.templatetags.images import banner_img
from news.templatetags.news import lang_attr, language_name
from portal.reversing import slug_reverser

SUMMARY_CHARACTERS = 140


def local_dates(moment) -> tuple[str, str]:
    """``moment`` as the templates' ``date:'c'`` and ``date:'Y-m-d'`` write it (in the active time zone)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(), f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def shortened(text: str, length: int) -> str:
    """``Truncator(text).chars(length)``, without its work for a text already short and normalized."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def prefetched_tags(article) -> list:
    """The article's tags, from its prefetched list when the query loaded them."""
    cached = getattr(article, "_prefetched_objects_cache", {}).get("tags")
    return list(cached if cached is not None else article.tags.all())


class Links:
    """What every card of one list writes the same way: the language, the addresses' templates (each looked up
    once, when first needed)."""

    def __init__(self):
        self.language = get_language()

    @cached_property
    def tag_url(self):
        return slug_reverser("news:tag", "tag")

    @cached_property
    def category_url(self):
        return slug_reverser("news:category", "category")

    @cached_property
    def article_url(self):
        return slug_reverser("news:detail", "slug")

    def tag_item(self, tag) -> str:
        name = tag.display_name_in(self.language)
        return f'<li><a href="{escape(self.tag_url(tag.slug))}">{escape(name)}</a></li>'


def tag_list(tags, *, lang: str = "", links: Links | None = None) -> SafeString:
    """``<ul class="tags">`` of links to the tags' pages, or "" without tags."""
    if not tags:
        return mark_safe("")
    links = links or Links()
    items = "".join(links.tag_item(tag) for tag in tags)
    lang_attribute = f' lang="{escape(lang)}"' if lang else ""
    label = escape(gettext("Tags"))  # (gettext outside f-strings, where makemessages finds it)
    return mark_safe(f'<ul class="tags" aria-label="{label}"{lang_attribute}>{items}</ul>')  # escaped above


def fallback_badge(language: str) -> str:
    """ "Original in …", for a text shown in another language than the page's."""
    # As {% blocktranslate %} does: the translation as written, the value escaped.
    return gettext("Original in %(language)s") % {"language": escape(language_name(language))}


def cards(articles, *, heading_level: int = 2, eager_first: bool = False) -> SafeString:
    """The cards of a list's articles, the first one's image loaded at once if ``eager_first``."""
    links = Links()
    return mark_safe(  # each card escapes its values
        "".join(
            card(article, heading_level=heading_level, eager=eager_first and not index, links=links)
            for index, article in enumerate(articles)
        )
    )


def card(article, *, heading_level: int = 2, eager: bool = False, links: Links | None = None) -> SafeString:
    """One article's card on a list or the home page."""
    links = links or Links()
    text = article.display
    url = escape(links.article_url(article.slug))
    category = article.category
    category_name = category.display_name_in(links.language)
    iso, day = local_dates(article.publish_at)
    fallback_lang = f' lang="{escape(lang_attr(text.language))}"' if text.is_fallback else ""
    parts = [f'<article class="card{" has-media" if article.banner else ""}">\n  ']
    if article.banner:
        image = banner_img(article, "card", css_class="card-banner", lazy=not eager)
        parts.append(f'<a class="card-media" href="{url}" tabindex="-1" aria-hidden="true">{image}</a>')
    parts.append(
        '\n  <div class="card-body">\n    <p class="meta">\n'
        f'      <a class="category-label" href="{escape(links.category_url(category.slug))}">'
        f"{escape(category_name)}</a>\n"
        f'      <time datetime="{iso}">{day}</time>\n    </p>\n'
        f'    <h{heading_level} class="card-title"><a href="{url}"{fallback_lang}>{escape(text.title)}</a>'
        f"</h{heading_level}>\n    "
    )
    if text.is_fallback:
        title = gettext("Not yet translated; shown in the original language")
        parts.append(
            f'<p class="fallback-badge"><span class="badge" title="{title}">{fallback_badge(text.language)}</span></p>'
        )
    parts.append("\n    ")
    if summary := text.summary:
        summary = escape(shortened(summary, SUMMARY_CHARACTERS))
        parts.append(f'<p class="summary"{fallback_lang}>{summary}</p>')
    parts.append(f"\n    {tag_list(prefetched_tags(article), links=links)}\n  </div>\n</article>\n")
    return mark_safe("".join(parts))  # every value above is escaped


def related_list(articles, *, links: Links | None = None) -> SafeString:
    """The related articles' section of an article page, or "" without any."""
    if not articles:
        return mark_safe("")
    links = links or Links()
    items = []
    for other in articles:
        text = other.display
        lang = f' lang="{escape(lang_attr(text.language))}"' if text.is_fallback else ""
        iso, day = local_dates(other.publish_at)
        items.append(
            f'<li>\n      <a href="{escape(links.article_url(other.slug))}"{lang}>{escape(text.title)}</a>\n'
            f'      <span class="meta"><time datetime="{iso}">{day}</time> · '
            f"{escape(other.category.display_name_in(links.language))}</span>\n    </li>"
        )
    heading = escape(gettext("Related articles"))
    return mark_safe(  # every value above is escaped
        '<section class="related" aria-labelledby="related-title">\n'
        f'  <h2 id="related-title">{heading}</h2>\n'
        f'  <ul class="related-list">\n    {"".join(items)}\n  </ul>\n</section>\n'
    )


def neighbour_links(previous, following, *, links: Links | None = None) -> SafeString:
    """The links to the previous and next articles of an article page."""
    links = links or Links()
    parts = []
    for article, css, label in (
        (previous, "prev", gettext("Previous article")),
        (following, "next", gettext("Next article")),
    ):
        if article is None:
            parts.append("")
            continue
        text = article.display
        lang = f' lang="{escape(lang_attr(text.language))}"' if text.is_fallback else ""
        url = escape(links.article_url(article.slug))
        parts.append(
            f'<a class="{css}" rel="{css}" href="{url}"><span>{escape(label)}</span> '
            f"<strong{lang}>{escape(text.title)}</strong></a>"
        )
    label = escape(gettext("More articles"))
    return mark_safe(  # every value above is escaped
        f'<nav class="prev-next" aria-label="{label}">\n  {parts[0]}\n  {parts[1]}\n</nav>'
    )


def search_results(results: list[dict]) -> SafeString:
    """The items of a search page's result list (``SearchView``'s ``results``)."""
    links = Links()
    items = []
    for result in results:
        article, text = result["article"], result["text"]
        lang = f' lang="{escape(lang_attr(text.language))}"' if text.is_fallback else ""
        badge = f' <span class="badge">{fallback_badge(text.language)}</span>' if text.is_fallback else ""
        snippet_lang = result["snippet_language"]
        snippet_attribute = f' lang="{escape(lang_attr(snippet_lang))}"' if snippet_lang != links.language else ""
        iso, day = local_dates(article.publish_at)
        category = escape(article.category.display_name_in(links.language))
        items.append(
            '<li class="search-result">\n'
            f'    <h2 class="result-title"><a href="{escape(links.article_url(article.slug))}"{lang}>'
            f"{conditional_escape(result['title'])}</a></h2>\n"
            f'    <p class="meta"><span class="category-label">{category}</span> '
            f'<time datetime="{iso}">{day}</time>{badge}</p>\n'
            f'    <p class="snippet"{snippet_attribute}>{conditional_escape(result["snippet"])}</p>\n'
            f"    {tag_list(prefetched_tags(article), links=links)}\n  </li>"
        )
    return mark_safe("".join(items))  # every value above is escaped
