import xml.etree.ElementTree as ET

import pytest

from news.models import Article
from news.tests import factories

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_articles_are_listed_in_each_language_they_exist_in(client):
    both = factories.article(zh="双语", en="Bilingual", source_language="zh-hans")
    english = factories.article(en="English only")
    factories.article(en="Draft", status=Article.Status.DRAFT)
    factories.article(en="Later", days_ago=-2)
    urls = sitemap(client)
    article_urls = {loc for loc in urls if "/news/" in loc and loc.count("/") > 5 and "/category/" not in loc}
    article_urls -= {loc for loc in urls if "/tag/" in loc or "/archive/" in loc}
    assert article_urls == {
        f"http://testserver/zh/news/{both.slug}/",
        f"http://testserver/en/news/{both.slug}/",
        f"http://testserver/en/news/{english.slug}/",
    }
    assert urls[f"http://testserver/en/news/{both.slug}/"] == {
        "zh-Hans": f"http://testserver/zh/news/{both.slug}/",
        "en": f"http://testserver/en/news/{both.slug}/",
        "x-default": f"http://testserver/zh/news/{both.slug}/",
    }
    assert urls[f"http://testserver/en/news/{english.slug}/"] == {"en": f"http://testserver/en/news/{english.slug}/"}


def test_list_pages_are_listed_in_both_languages(client):
    factories.article(en="Tagged", tags=("kernel",))
    factories.article(en="Hidden", tags=("secret",), status=Article.Status.DRAFT)
    urls = sitemap(client)
    for path in ["/", "/news/", "/news/archive/", "/news/category/news/", "/news/tag/kernel/"]:
        for lang in ("zh", "en"):
            assert f"http://testserver/{lang}{path}" in urls
        alternates = urls[f"http://testserver/zh{path}"]
        assert alternates["x-default"] == f"http://testserver/en{path}"
    assert not any("/tag/secret/" in loc for loc in urls)


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_query_budget(client, django_assert_num_queries):
    """Articles, categories, tags in use: three queries whatever the size of the site."""
    for n in range(5):
        factories.article(zh=f"文章{n}", en=f"Article {n}", tags=(f"tag{n}",))
    with django_assert_num_queries(3):
        client.get("/sitemap.xml")


def test_favicon_ico_leads_to_the_site_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg") and "logo" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
