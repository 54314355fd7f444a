"""What a page tells search engines and link previews: canonical URL, languages, cards, JSON-LD."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from news import images, page_markup
from news.markdown_html import markup_text
from news.templatetags.news import local_path, switch_url
from translations import languages

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
DESCRIPTION_LENGTH = 200
# Shown by link previews of pages without a banner: PNG, because social sites ignore SVG.
DEFAULT_IMAGE = "img/social-card.png"
DEFAULT_IMAGE_SIZE = (1200, 630)


def json_ld(data: dict) -> str:
    """A JSON-LD ``<script>`` block, escaped like ``json_script``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _article_data(request, article, text, banner_url, description):
    authors = [{"@type": "Person", "name": name} for name in article.authors]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting" if article.category.slug == "blog" else "NewsArticle",
        "headline": Truncator(text.title).chars(110),
        "description": description,
        "inLanguage": languages.html_lang(text.language),
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": request.build_absolute_uri(article.url_for(text.language)),
        "articleSection": article.category.display_name,
        "keywords": [tag.display_name for tag in article.tags.all()],
        "publisher": {"@type": "Organization", "name": str(settings.SITE_NAME)},
    }
    if authors:
        data["author"] = authors
    if banner_url:
        data["image"] = [banner_url]
    return data


def _website_data(request):
    """The site, and how to search it (for search engines' site search box)."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": str(settings.SITE_NAME),
        "url": request.build_absolute_uri(reverse("home")),
        "inLanguage": languages.html_lang(translation.get_language()),
        "potentialAction": {
            "@type": "SearchAction",
            "target": request.build_absolute_uri(reverse("news:search")) + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


@register.simple_tag(takes_context=True)
def seo_head(context):
    """The head's metadata for this page (``page_markup.seo_head``)."""
    return page_markup.seo_head(seo_data(context))


def seo_data(context) -> dict:
    """Canonical and alternate links, description, Open Graph, Twitter card and JSON-LD."""
    request = context["request"]
    current = translation.get_language()
    article, text = context.get("article"), context.get("text")
    absolute = request.build_absolute_uri
    page = context.get("page_obj")
    if article is not None and text is not None:
        canonical = absolute(article.url_for(text.language))
        alternates = [(languages.html_lang(code), absolute(article.url_for(code))) for code in article.languages]
        default = article.text_language(article.source_language)
        x_default = absolute(article.url_for(default)) if len(alternates) > 1 else ""
        picture = images.banner(article)
        banner_url = absolute(picture["src"]) if picture else ""
        description = text.summary or Truncator(markup_text(text.body_html)).chars(DESCRIPTION_LENGTH)
        title = text.title
        og_type = "article"
        structured = json_ld(_article_data(request, article, text, banner_url, description))
    else:
        path = local_path(request.path) + (f"?page={page.number}" if page is not None and page.number > 1 else "")
        canonical = absolute(path)
        alternates = [
            (languages.html_lang(code), absolute(switch_url(path, code))) for code, _name in settings.LANGUAGES
        ]
        x_default = absolute(switch_url(path, settings.LANGUAGE_CODE))
        banner_url = ""
        description = gettext("News and blog posts of our open source community, in Chinese and English.")
        title = str(settings.SITE_NAME)
        og_type = "website"
        structured = ""
        if request.resolver_match and request.resolver_match.url_name == "home":
            structured = json_ld(_website_data(request))
    banner_alt = text.banner_alt if text is not None and banner_url else ""
    default_image = not banner_url
    if default_image:
        banner_url = absolute(static(DEFAULT_IMAGE))
        banner_alt = gettext("The logo of %(site)s") % {"site": settings.SITE_NAME}
    return {
        "canonical": canonical,
        "alternates": alternates,
        "x_default": x_default,
        "og_type": og_type,
        "og_locale": languages.get(current).og_locale if languages.is_enabled(current) else current,
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(DESCRIPTION_LENGTH),
        "banner_url": banner_url,
        "banner_alt": banner_alt,
        "default_image": default_image,
        "default_image_size": DEFAULT_IMAGE_SIZE,
        "structured": structured,
        "SITE_NAME": settings.SITE_NAME,
    }
