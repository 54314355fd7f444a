"""Synthetic articles for benchmarks (news.generating, generate_news)."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from news import generating, search
from news.models import Article, Category, SearchDocument, TaggedArticle
from portal import cache as page_cache
from tags.models import Tag
from translations import languages

pytestmark = pytest.mark.django_db

END = timezone.make_aware(datetime(2025, 6, 1))


def snapshot() -> list[tuple]:
    fields = ["slug", "title_zh_hans", "title_en", "body_en", "body_html_zh_hans", "publish_at", "category__slug"]
    return list(Article.objects.order_by("slug").values_list(*fields))


def test_counts_languages_tags_categories_and_dates():
    assert generating.generate(count=400, seed=3, end=END) == 400
    articles = Article.objects.all()
    assert articles.count() == 400
    zh_only = articles.filter(title_en="").count()
    en_only = articles.filter(title_zh_hans="").count()
    assert 20 <= zh_only <= 60 and 8 <= en_only <= 35  # 10 % and 5 %
    assert articles.exclude(title_en="").exclude(title_zh_hans="").count() == 400 - zh_only - en_only
    assert Tag.objects.count() == 50 and all(tag.label_zh_hans and tag.label_en for tag in Tag.objects.all())
    assert Category.objects.count() == 4
    assert TaggedArticle.objects.count() == 3 * 400
    assert {len(set(a.tags.all())) for a in articles[:20]} == {3}
    dates = articles.order_by("publish_at").values_list("publish_at", flat=True)
    assert dates[0] >= END - timedelta(days=6 * 365) and dates.last() <= END
    assert dates.last() - dates[0] > timedelta(days=5 * 365)
    assert set(articles.values_list("status", flat=True)) == {Article.Status.PUBLISHED}


def test_bodies_have_the_structure_of_real_articles():
    generating.generate(count=30, seed=4, end=END)
    article = Article.objects.exclude(title_en="").exclude(title_zh_hans="").first()
    for language in ("zh_hans", "en"):
        body, html = getattr(article, f"body_{language}"), getattr(article, f"body_html_{language}")
        assert len(body) > 1500 and "QZ" not in body and "QZ" not in html
        assert "\n## " in body and "\n- " in body and "| --- |" in body and "```bash" in body
        assert "<h2" in html and "<ul>" in html and "<table>" in html and 'class="highlight"' in html
        assert getattr(article, f"toc_html_{language}").count("<li>") >= 3


def test_the_same_seed_gives_the_same_articles_another_seed_others():
    generating.generate(count=50, seed=9, end=END)
    first = snapshot()
    Article.objects.all().delete()
    generating.generate(count=50, seed=9, end=END)
    assert snapshot() == first
    Article.objects.all().delete()
    generating.generate(count=50, seed=10, end=END)
    assert snapshot() != first


def test_generated_articles_render_and_appear_on_pages_and_in_search():
    generating.generate(count=60, seed=5, end=END)
    client = Client()
    newest = Article.objects.exclude(title_en="").order_by("-publish_at").first()
    for path in ["/en/", "/zh/", "/en/news/", "/zh/news/?page=2", "/en/news/rss/", "/sitemap.xml"]:
        assert client.get(path).status_code == 200, path
    assert newest.title_en in client.get("/en/news/").content.decode()
    page = client.get(f"/en/news/{newest.slug}/").content.decode()
    assert newest.title_en in page and "<table>" in page
    zh_only = Article.objects.filter(title_en="").first()
    fallback = client.get(f"/en/news/{zh_only.slug}/").content.decode()
    assert zh_only.title_zh_hans in fallback
    tag = newest.tags.first()
    assert newest.title_en in client.get(f"/en/news/tag/{tag.slug}/").content.decode()
    # The search documents written in bulk are those a save would write.
    stored = SearchDocument.objects.get(article=newest)
    expected = search.document_fields(newest, list(newest.tags.all()))
    assert (stored.title, stored.summary) == (expected["title"], expected["summary"])
    assert sorted(stored.body.split()) == sorted(expected["body"].split())
    word = newest.title_en.split()[0]
    assert f"/en/news/{newest.slug}/" in client.get("/en/search/", {"q": word}).content.decode()


def test_generating_bumps_the_page_cache_once(page_cache_on):
    before = page_cache.current_version()
    generating.generate(count=5, seed=1, end=END)
    assert page_cache.current_version() != before


def test_command_prints_the_rate_and_refuses_a_bad_count():
    out = io.StringIO()
    call_command("generate_news", "--count", "25", "--seed", "2", stdout=out)
    assert Article.objects.count() == 25
    assert "Wrote 25 articles in" in out.getvalue() and "articles/s" in out.getvalue()
    with pytest.raises(CommandError, match="--count 0"):
        call_command("generate_news", "--count", "0")


def test_translation_segments_and_records_are_those_a_save_makes():
    """The generator keeps no segments: an export cuts them, and finds the same translations a save records."""
    from translations.models import SegmentTranslation, SourceSegment
    from translations.po_export import export_po

    generating.generate(count=30, seed=4, end=END)
    article = Article.objects.exclude(title_en="").exclude(title_zh_hans="").order_by("pk").first()
    target = next(code for code in languages.codes() if code != article.source_language)
    assert not SourceSegment.objects.filter(article=article).exists()

    def entries():
        po = export_po(language=target, articles=[Article.objects.get(pk=article.pk)])
        return [(entry.msgctxt, entry.msgid, entry.msgstr, entry.fuzzy) for entry in po]

    exported = entries()
    segments = SourceSegment.objects.filter(article=article)
    assert segments.count() > 20 and {"h2", "li", "p"} <= set(segments.values_list("kind", flat=True))
    assert SegmentTranslation.objects.filter(segment__article=article, language=target).count() == segments.count()
    translated = [entry for entry in exported if entry[2]]
    assert len(translated) > 10 and not any(entry[3] for entry in translated)
    saved = Article.objects.get(pk=article.pk)
    saved.save()  # the ordinary path: segments and records kept by the save
    assert entries() == exported


def test_on_postgresql_a_large_write_rebuilds_the_search_index(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the search index is PostgreSQL's")
    monkeypatch.setattr(generating, "REBUILD_INDEX_FROM", 10)
    generating.generate(count=40, seed=6, end=END)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'news_searchdocument'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("USING gin (vector)" in definition for definition in definitions)
    newest = Article.objects.exclude(title_en="").order_by("-publish_at").first()
    word = newest.title_en.split()[0]
    assert newest in search.search(Article.objects.published(), search.parse(word))
    tagged = TaggedArticle.objects.filter(content_object_id=newest.pk).count()
    assert tagged == 3 and SearchDocument.objects.count() == Article.objects.count() == 40


def test_a_large_write_leaves_the_planner_statistics_of_the_tables_it_filled():
    generating.generate(count=generating.REBUILD_INDEX_FROM, seed=5)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Article._meta.db_table])
            assert cursor.fetchone()[0] >= generating.REBUILD_INDEX_FROM
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [Article._meta.db_table])
            assert cursor.fetchall(), "no statistics for the article table"


def test_on_postgresql_a_batch_that_fails_in_the_writing_thread_fails_the_whole_write(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("batches are sent by a second thread on PostgreSQL only")
    from news import bulk

    monkeypatch.setattr(generating, "BATCH", 10)
    sent = []
    send = bulk.send

    def failing(rows, conn):
        sent.append(rows.table)
        if len(sent) == 5:  # the second batch's tags
            raise RuntimeError("the database went away")
        send(rows, conn)

    monkeypatch.setattr(bulk, "send", failing)
    with pytest.raises(RuntimeError, match="went away"):
        generating.generate(count=50, seed=2, end=END)
    assert not Article.objects.exists() and not SearchDocument.objects.exists()


def test_on_postgresql_long_texts_are_compressed_with_lz4_when_the_server_has_it():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's compression")
    generating.generate(count=5, seed=2, end=END)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this server has no lz4")
        cursor.execute("SELECT DISTINCT pg_column_compression(body_html_zh_hans) FROM news_article")
        assert [row[0] for row in cursor.fetchall()] == ["lz4"]
        cursor.execute("SHOW default_toast_compression")
        assert cursor.fetchone()[0] == "pglz"  # for this write only
