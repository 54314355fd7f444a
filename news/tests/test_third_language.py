"""A third language switched on by settings alone (PORTAL_LANGUAGES=zh-hans,en,ja; `make test-third-language`).

Skipped in the two-language runs: there is no Japanese field to write to.
"""

import feedparser
import polib
import pytest
from django.core.management import call_command

from news.models import Article
from news.tests.pages import Page
from translations import languages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not languages.is_enabled("ja"), reason="Japanese is not enabled (PORTAL_LANGUAGES)"),
]

JA = """---
title: カーネルの新しいリリース
date: 2026-03-02
category: news
tags: [kernel]
---

新しいカーネルがリリースされました。詳しくはドキュメントをご覧ください。
"""
ZH = """---
title: 内核新版本发布
date: 2026-03-02
category: news
tags: [kernel]
---

新内核已经发布，详情请见文档。
"""


@pytest.fixture
def article(tmp_path):
    for folder, text in (("ja", JA), ("zh", ZH)):
        path = tmp_path / folder / "news" / "kernel-release.md"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    call_command("import_news", str(tmp_path), verbosity=0)
    return Article.objects.get()


def test_the_registry_knows_japanese_from_its_characters():
    assert languages.of_text("カーネルの新しいリリース") == "ja"
    assert languages.of_text("内核新版本发布") == "zh-hans"
    assert languages.of_text("Kernel release") == "en"
    assert languages.get("ja").prefix == "ja" and languages.from_folder("ja-JP") == "ja"


def test_articles_in_ja_folders_import_as_one_article_with_its_translation(article):
    assert article.title_ja == "カーネルの新しいリリース"
    assert article.title_zh_hans == "内核新版本发布"
    assert set(article.languages) == {"zh-hans", "ja"}


def test_ja_pages_show_the_japanese_text_with_its_language(client, article):
    page = Page(client.get(f"/ja/news/{article.slug}/").content)
    assert page.html_lang == "ja"
    assert page.h1s() == ["カーネルの新しいリリース"]
    switch = {link.attrs["hreflang"]: link.attrs["href"] for link in page.find_all("a") if link.attrs.get("hreflang")}
    assert switch["zh-Hans"] == f"/zh/news/{article.slug}/"
    assert switch["en"] == f"/en/news/{article.slug}/"
    listing = client.get("/ja/news/").content.decode()
    assert "カーネルの新しいリリース" in listing


def test_the_ja_feed_lists_japanese_articles(client, article):
    feed = feedparser.parse(client.get("/ja/news/rss/").content)
    assert [entry.title for entry in feed.entries] == ["カーネルの新しいリリース"]


def test_the_sitemap_names_the_japanese_alternate(client, article):
    xml = client.get("/sitemap.xml").content.decode()
    assert f'hreflang="ja" href="http://testserver/ja/news/{article.slug}/"' in xml


def test_po_export_for_japanese(tmp_path, article):
    Article.objects.filter(pk=article.pk).update(title_ja="")
    out = tmp_path / "ja.po"
    call_command("export_translations", "--lang", "ja", "-o", str(out), verbosity=0)
    po = polib.pofile(str(out))
    assert po.metadata["Language"] == "ja"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "内核新版本发布" in [entry.msgid for entry in po]
