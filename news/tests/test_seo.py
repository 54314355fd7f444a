import json
import re
from html.parser import HTMLParser

import pytest

from news.tests import factories
from translations import languages

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """Collects what search engines read from a page."""

    def __init__(self):
        super().__init__()
        self.links, self.meta, self.h1, self.html_lang, self.scripts = [], {}, 0, None, []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def alternates(self):
        return {link["hreflang"]: link["href"] for link in self.links if link.get("hreflang")}

    def canonical(self):
        return next(link["href"] for link in self.links if link.get("rel") == "canonical")


def read(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    head = Head()
    head.feed(response.content.decode())
    return head


@pytest.fixture
def article():
    return factories.article(
        zh="双语文章",
        en="A bilingual article",
        summary_en="What the English summary says.",
        summary_zh_hans="中文摘要。",
        tags=("kernel",),
        banner=factories.png_file("seo.png", (1200, 630)),
        author="Li Lei, Han Meimei",
    )


PAGES = ["/{lang}/", "/{lang}/news/", "/{lang}/news/tag/kernel/", "/{lang}/news/archive/", "/{lang}/search/?q=kernel"]


@pytest.mark.parametrize("lang,html_lang", [("zh", "zh-Hans"), ("en", "en")])
def test_every_page_has_one_h1_and_the_right_lang(client, article, lang, html_lang):
    for url in [*PAGES, f"/{{lang}}/news/{article.slug}/", "/{lang}/news/category/news/"]:
        head = read(client, url.format(lang=lang))
        assert head.h1 == 1, url
        assert head.html_lang == html_lang, url
    not_found = read(client, f"/{lang}/no-such-page/", status=404)
    assert not_found.h1 == 1
    assert not_found.html_lang == html_lang


def test_article_page_tags(client, article):
    head = read(client, f"/en/news/{article.slug}/")
    url = f"http://testserver/en/news/{article.slug}/"
    assert head.canonical() == url
    assert head.alternates() == {
        "zh-Hans": f"http://testserver/zh/news/{article.slug}/",
        "en": url,
        "x-default": f"http://testserver/zh/news/{article.slug}/",
    }
    assert head.meta["description"] == "What the English summary says."
    assert head.meta["og:title"] == "A bilingual article"
    assert head.meta["og:type"] == "article"
    assert head.meta["og:url"] == url
    assert head.meta["og:image"].startswith("http://testserver/media/renditions/")
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == head.meta["og:image"]


def test_json_ld_describes_the_article(client, article):
    head = read(client, f"/zh/news/{article.slug}/")
    (data,) = [json.loads(script) for script in head.scripts if "Article" in script or "Posting" in script]
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "双语文章"
    assert data["inLanguage"] == "zh-Hans"
    assert data["description"] == "中文摘要。"
    assert [a["name"] for a in data["author"]] == ["Li Lei", "Han Meimei"]
    assert data["image"][0].startswith("http://testserver/media/renditions/")
    assert data["datePublished"].startswith(article.publish_at.isoformat()[:10])


def test_blog_posts_are_blog_postings(client):
    post = factories.article(en="Post", category_slug="blog")
    types = [json.loads(script)["@type"] for script in read(client, f"/en/news/{post.slug}/").scripts]
    assert types == ["BlogPosting", "BreadcrumbList"]


def test_json_ld_cannot_close_its_script_element(client):
    evil = factories.article(en="</script><script>alert(1)</script> & more")
    html = client.get(f"/en/news/{evil.slug}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"].startswith("</script><script>")


def test_fallback_page_points_at_the_original_as_canonical(client):
    only_zh = factories.article(zh="只有中文")
    head = read(client, f"/en/news/{only_zh.slug}/")
    assert head.canonical() == f"http://testserver/zh/news/{only_zh.slug}/"
    assert head.alternates() == {"zh-Hans": f"http://testserver/zh/news/{only_zh.slug}/"}


@pytest.mark.parametrize(
    "prefix,alt", [("en", "The logo of Open Source Community Portal"), ("zh", "开源社区门户的标志")]
)
def test_pages_without_a_banner_show_the_default_social_card(client, prefix, alt):
    plain = factories.article(zh="没有横幅", en="No banner")
    for url in (f"/{prefix}/news/{plain.slug}/", f"/{prefix}/news/", f"/{prefix}/"):
        head = read(client, url)
        assert head.meta["og:image"] == "http://testserver/static/img/social-card.png", url
        assert head.meta["twitter:image"] == head.meta["og:image"]
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.meta["og:image:alt"] == alt
        assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")


def test_default_social_card_is_a_png_of_the_size_social_sites_want(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("img/social-card.png")) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_a_banner_replaces_the_default_social_card(client, article):
    head = read(client, f"/en/news/{article.slug}/")
    assert "social-card" not in head.meta["og:image"]
    assert "og:image:width" not in head.meta


def test_list_pages_have_canonical_and_every_language(client, article):
    head = read(client, "/zh/news/tag/kernel/?page=1")
    assert head.canonical() == "http://testserver/zh/news/tag/kernel/"
    assert head.alternates() == {
        **{
            languages.html_lang(code): f"http://testserver/{languages.url_prefix(code)}/news/tag/kernel/"
            for code in languages.codes()
        },
        "x-default": "http://testserver/en/news/tag/kernel/",
    }
    assert head.meta["og:type"] == "website"


def test_search_and_missing_pages_are_not_indexed(client, article):
    assert read(client, "/en/search/?q=kernel").meta["robots"] == "noindex"
    assert read(client, "/en/missing/", status=404).meta["robots"] == "noindex"


def test_home_describes_the_site_and_its_search(client, article):
    (script,) = read(client, "/zh/").scripts
    data = json.loads(script)
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"] == "http://testserver/zh/search/?q={search_term_string}"


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.inline.append(attrs)
        self.handlers += [(tag, name) for name in attrs if name.startswith("on")]


def test_pages_have_no_inline_scripts_or_event_handlers(client, article):
    """A Content-Security-Policy without 'unsafe-inline' must not break any page."""
    for url in [*PAGES, f"/{{lang}}/news/{article.slug}/", "/{lang}/nothing-here/"]:
        response = client.get(url.format(lang="en"))
        scripts = Scripts()
        scripts.feed(response.content.decode())
        assert scripts.inline == [], url
        assert scripts.handlers == [], url
