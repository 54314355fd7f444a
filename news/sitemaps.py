"""``/sitemap.xml``: every published article in each language it exists in, and the list pages.

Each URL names its other languages (``xhtml:link`` hreflang alternates) and
an ``x-default``: an article's source language, a list page's English one.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from news import archive
from news.models import Article, Category
from translations import languages


class _BilingualSitemap(Sitemap):
    """Items are ``(thing, language)`` pairs; alternates come from ``languages_of(thing)``."""

    def languages_of(self, thing) -> list[str]:
        return languages.codes()

    def default_language_of(self, thing) -> str:
        return settings.LANGUAGE_CODE

    def path(self, thing, language: str) -> str:
        raise NotImplementedError

    def items(self):
        return [(thing, language) for thing in self.things() for language in self.languages_of(thing)]

    def location(self, item):
        thing, language = item
        return self.path(thing, language)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for info in urls:
            thing, _language = info["item"]
            codes = self.languages_of(thing)
            info["alternates"] = [
                {"location": f"{protocol}://{domain}{self.path(thing, code)}", "lang_code": languages.html_lang(code)}
                for code in codes
            ]
            default = self.default_language_of(thing)
            if len(codes) > 1 and default in codes:
                info["alternates"].append(
                    {"location": f"{protocol}://{domain}{self.path(thing, default)}", "lang_code": "x-default"}
                )
        return urls


class ArticleSitemap(_BilingualSitemap):
    changefreq = "monthly"
    priority = 0.8

    def things(self):
        titles = [languages.field("title", code) for code in languages.codes()]
        return Article.objects.published().only("slug", "source_language", "language_states", "updated_at", *titles)

    def languages_of(self, article):
        return article.languages

    def default_language_of(self, article):
        return article.text_language(article.source_language)

    def path(self, article, language):
        return article.url_for(language)

    def lastmod(self, item):
        return item[0].updated_at


class ListPageSitemap(_BilingualSitemap):
    """Home, the article list, the archive, each category and each tag in use."""

    changefreq = "daily"
    priority = 0.5

    def things(self):
        pages = [("home", {}), ("news:list", {}), ("news:archive", {})]
        pages += [("news:category", {"category": slug}) for slug in Category.objects.values_list("slug", flat=True)]
        pages += [("news:tag", {"tag": tag.slug}) for tag in archive.tag_counts().only("slug")]
        return pages

    def path(self, page, language):
        name, kwargs = page
        with translation.override(language):
            return reverse(name, kwargs=kwargs)


SITEMAPS = {"articles": ArticleSitemap, "pages": ListPageSitemap}


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
