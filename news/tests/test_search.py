import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from news import search
from news.models import Article, SearchDocument
from news.tests import factories
from tags.models import Tag

pytestmark = pytest.mark.django_db
# DATABASE_URL naming PostgreSQL is enough: a run meant for PostgreSQL never skips these silently.
ON_POSTGRES = connection.vendor == "postgresql" or os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")


def test_runs_meant_for_postgresql_use_postgresql():
    assert (connection.vendor == "postgresql") == ON_POSTGRES


def search_page(client, query, language="en", **params):
    prefix = "zh" if language == "zh-hans" else language
    return client.get(f"/{prefix}/search/", {"q": query, **params})


def found_slugs(response):
    return [result["article"].slug for result in response.context["results"]]


# Cutting text into terms ----------------------------------------------------


def test_chinese_is_cut_into_character_pairs_and_latin_words_are_folded():
    assert search.tokenize("开源社区 openEuler 22.03") == ["开源", "源社", "社区", "openeuler", "22", "03"]


def test_mixed_words_split_where_the_script_changes():
    assert search.tokenize("欧拉OS发布") == ["欧拉", "os", "发布"]


def test_single_chinese_character_stays_a_term():
    assert search.tokenize("的 a") == ["的", "a"]


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_query_gets_a_message(raw):
    query = search.parse(raw)
    assert not query.ok
    assert "Type" in query.error


@pytest.mark.parametrize("raw", ["a", "中", " x "])
def test_one_character_query_gets_a_message(raw):
    query = search.parse(raw)
    assert not query.ok
    assert "at least 2" in query.error


def test_very_long_query_gets_a_message():
    query = search.parse("kernel " * 40)
    assert not query.ok
    assert "too long" in query.error


def test_too_many_words_get_a_message():
    query = search.parse(" ".join(f"w{n}" for n in range(search.MAX_TERMS + 1)))
    assert not query.ok


def test_query_terms_keep_chinese_runs_whole():
    assert search.parse("安装步骤 Kernel").terms == ("安装步骤", "kernel")


# Finding articles -------------------------------------------------------------


def test_two_chinese_characters_find_an_article_containing_them(client):
    wanted = factories.article(zh="社区新闻", body_zh="本次发布带来了全新的安装步骤说明。")
    factories.article(zh="其他文章", body_zh="与此无关的内容。")
    response = search_page(client, "安装", "zh-hans")
    assert found_slugs(response) == [wanted.slug]


def test_two_chinese_characters_apart_are_not_a_match(client):
    wanted = factories.article(zh="内核更新", body_zh="新的内核已经发布。")
    factories.article(zh="内存与核心", body_zh="内存很大，核心很多。")
    factories.article(zh="核内", body_zh="顺序相反：核内。")
    assert found_slugs(search_page(client, "内核", "zh-hans")) == [wanted.slug]
    assert found_slugs(search_page(client, "内核", "en")) == [wanted.slug]


def test_a_pair_across_a_space_or_punctuation_is_not_a_match(client):
    wanted = factories.article(zh="核心团队", body_zh="核心成员。")
    factories.article(zh="关于内核", body_zh="内核，心得与体会。")
    assert found_slugs(search_page(client, "核心", "zh-hans")) == [wanted.slug]


def test_a_one_character_query_finds_nothing_and_says_why(client):
    factories.article(zh="内核更新", body_zh="新的内核已经发布。")
    response = search_page(client, "核", "en")
    assert response.status_code == 200
    assert found_slugs(response) == []
    assert "at least 2" in response.context["query"].error
    assert found_slugs(search_page(client, "核", "zh-hans")) == []


def test_mixed_chinese_and_english_queries_need_both_parts(client):
    both = factories.article(zh="openEuler内核发布", body_zh="openEuler 的内核。")
    factories.article(zh="openEuler社区", body_zh="没有那个词。")
    factories.article(zh="内核新闻", body_zh="只有中文。")
    assert found_slugs(search_page(client, "openEuler内核", "zh-hans")) == [both.slug]
    assert found_slugs(search_page(client, "内核 openeuler", "en")) == [both.slug]
    assert sorted(found_slugs(search_page(client, "内核", "zh-hans"))) == sorted(
        [both.slug, *_slugs_titled("内核新闻")]
    )


def _slugs_titled(title: str) -> list[str]:
    return list(Article.objects.filter(title_zh_hans=title).values_list("slug", flat=True))


def test_a_longer_chinese_phrase_must_appear_as_written(client):
    wanted = factories.article(zh="安装指南", body_zh="请按照安装步骤操作。")
    factories.article(zh="步骤与安装", body_zh="步骤很多。安装很慢。")
    response = search_page(client, "安装步骤", "zh-hans")
    assert found_slugs(response) == [wanted.slug]


def test_english_words_are_found_in_both_site_languages(client):
    wanted = factories.article(en="Kernel release notes", zh="内核发布说明")
    factories.article(en="Community meeting")
    assert found_slugs(search_page(client, "kernel", "en")) == [wanted.slug]
    assert found_slugs(search_page(client, "kernel", "zh-hans")) == [wanted.slug]


def test_chinese_text_is_found_from_the_english_site(client):
    wanted = factories.article(zh="容器镜像发布")
    assert found_slugs(search_page(client, "镜像", "en")) == [wanted.slug]


def test_summary_and_tag_names_are_searched(client):
    by_summary = factories.article(en="First", summary_en="A note about virtualization.")
    by_tag = factories.article(en="Second", tags=("virtualization",))
    assert set(found_slugs(search_page(client, "virtualization"))) == {by_summary.slug, by_tag.slug}


def test_all_words_must_match(client):
    both = factories.article(en="Kernel security update")
    factories.article(en="Kernel release")
    assert found_slugs(search_page(client, "kernel security")) == [both.slug]


def test_title_matches_rank_above_body_matches(client):
    in_body = factories.article(en="Weekly notes", body_en="This week the compiler got faster.", days_ago=1)
    in_title = factories.article(en="Compiler news", body_en="Some text.", days_ago=30)
    assert found_slugs(search_page(client, "compiler")) == [in_title.slug, in_body.slug]


def test_unpublished_articles_are_not_found(client):
    factories.article(en="Secret draft about compilers", status=Article.Status.DRAFT)
    factories.article(en="Scheduled compilers post", days_ago=-3)
    response = search_page(client, "compilers")
    assert found_slugs(response) == []
    assert "Nothing found" in response.content.decode()


def test_results_are_paginated(client):
    for n in range(12):
        factories.article(en=f"Release {n}", days_ago=n + 1)
    first = search_page(client, "release")
    second = search_page(client, "release", page=2)
    assert len(first.context["results"]) == 10
    assert len(second.context["results"]) == 2
    assert 'href="?q=release&amp;page=2"' in first.content.decode()


def test_bad_queries_answer_200_with_a_message(client):
    for query in ["", "x", "y" * 500]:
        response = search_page(client, query)
        assert response.status_code == 200
        assert 'class="notice search-message"' in response.content.decode()
        assert response.context["results"] == []


def test_snippets_highlight_terms_and_escape_text(client):
    factories.article(en="Markup", body_en="Use `<script>` tags with kernel modules, never alert(1).")
    html = search_page(client, "kernel").content.decode()
    assert "<mark>kernel</mark>" in html
    assert "<script>" not in html.split("<main", 1)[1]
    assert "&lt;script&gt;" in html


def test_highlight_marks_word_forms_and_chinese_runs():
    query = search.parse("install 安装")
    marked = search.highlight("Installing: 安装步骤 <b>", query)
    assert marked == "<mark>Installing</mark>: <mark>安装</mark>步骤 &lt;b&gt;"


def test_snippet_is_cut_around_the_first_match():
    text = "lorem " * 100 + "kernel" + " ipsum" * 100
    result = search.snippet(text, search.parse("kernel"))
    assert "<mark>kernel</mark>" in result
    assert result.startswith("…") and result.endswith("…")
    assert len(result) < search.SNIPPET_LENGTH + 40


# Keeping the index current -----------------------------------------------------


def test_document_follows_article_saves():
    article = factories.article(en="Old title")
    article.title_en = "Brand new heading"
    article.save()
    assert "brand new heading" in SearchDocument.objects.get(article=article).title


def test_document_follows_tag_changes(client):
    article = factories.article(en="Plain")
    article.tags.add("riscv")
    assert found_slugs(search_page(client, "riscv")) == [article.slug]
    article.tags.remove(Tag.objects.get(name="riscv"))
    assert found_slugs(search_page(client, "riscv")) == []


def test_document_follows_tag_label_changes(client):
    article = factories.article(en="Plain", tags=("arm",))
    tag = Tag.objects.get(name="arm")
    tag.label_zh_hans = "鲲鹏架构"
    tag.save()
    assert found_slugs(search_page(client, "鲲鹏", "zh-hans")) == [article.slug]


def test_rebuild_writes_every_document():
    factories.article(en="One")
    factories.article(en="Two")
    SearchDocument.objects.all().delete()
    assert search.rebuild() == 2
    assert SearchDocument.objects.count() == 2


def test_search_page_query_budget(client, django_assert_num_queries):
    """The candidates with their rank (counted and ordered in Python), the page's articles by their
    ids, their tags: never a query per result; and the categories and the years for the filters (two
    more)."""
    for n in range(5):
        factories.article(en=f"Kernel note {n}", tags=("kernel", f"t{n}"))
    with django_assert_num_queries(5):
        response = search_page(client, "kernel")
    assert len(response.context["results"]) == 5


def test_search_url_is_per_language():
    with translation.override("zh-hans"):
        assert reverse("news:search") == "/zh/search/"


def test_english_word_forms_find_each_other_on_every_database(client):
    kernel = factories.article(en="Kernel release notes", body_en="What changed in this cycle.")
    installing = factories.article(en="Installing the toolchain")
    factories.article(en="Community meeting")
    assert found_slugs(search_page(client, "kernels")) == [kernel.slug]
    assert found_slugs(search_page(client, "installed")) == [installing.slug]
    assert found_slugs(search_page(client, "released kernels")) == [kernel.slug]


# PostgreSQL: stemming and the index ------------------------------------------------


@postgres_only
def test_english_words_are_stemmed_on_postgres(client):
    wanted = factories.article(en="Installing the toolchain")
    assert found_slugs(search_page(client, "installed")) == [wanted.slug]


@postgres_only
def test_postgres_search_uses_the_gin_index_not_a_table_scan():
    """With a realistic number of articles the planner finds matches through the GIN index."""
    factories.article(en="Kernel update", zh="内核更新")
    template = factories.article(en="Template")
    filler = [
        Article(
            slug=f"filler-{n}",
            title_en=f"Filler {n}",
            category=template.category,
            publish_at=template.publish_at,
            status=Article.Status.PUBLISHED,
        )
        for n in range(3000)
    ]
    created = Article.objects.bulk_create(filler)
    SearchDocument.objects.bulk_create(
        SearchDocument(article=article, title=f"filler {n}", body=search.document_text(f"社区 news number {n}"))
        for n, article in enumerate(created)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        cursor.execute("ANALYZE news_searchdocument")
    with CaptureQueriesContext(connection) as captured:
        queryset = search.search(Article.objects.published(), search.parse("kernel 内核"))
    # The candidates' query finds the matches; the ranked one then reads those by primary key.
    candidates = captured.captured_queries[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {candidates['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_searchdocument_vector_gin" in plan, plan
    assert "Seq Scan on news_searchdocument" not in plan, plan
    assert len(queryset) == 1


def test_queries_of_only_common_words_find_nothing_without_error(client):
    factories.article(en="The and of")
    response = search_page(client, "the and")
    assert response.status_code == 200


def test_document_forgets_a_deleted_tag(client):
    article = factories.article(en="Plain", tags=("loongarch",))
    Tag.objects.get(name="loongarch").delete()
    assert "loongarch" not in SearchDocument.objects.get(article=article).summary
    assert found_slugs(search_page(client, "loongarch")) == []


# The real corpus ----------------------------------------------------------------


def corpus_documents(language: str, limit: int) -> list[tuple[str, str]]:
    """(title, body) of the first Markdown files of the shared corpus in one language."""
    import os
    from pathlib import Path

    import yaml
    from django.conf import settings

    root = Path(os.environ.get("PORTAL_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared") / "corpus"
    if not root.is_dir():
        pytest.skip(f"no corpus at {root}")
    found = []
    for path in sorted(root.rglob(f"docs/{language}/**/*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("---"):
            continue
        _start, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
        if isinstance(meta, dict) and meta.get("title"):
            found.append((str(meta["title"]), body))
        if len(found) == limit:
            break
    if not found:
        pytest.skip(f"no {language} documents in the corpus")
    return found


def test_corpus_articles_are_found_by_words_of_their_titles(client):
    chinese = [factories.article(zh=title, body_zh=body) for title, body in corpus_documents("zh", 8)]
    english = [factories.article(en=title, body_en=body) for title, body in corpus_documents("en", 8)]
    for article in chinese:
        run = max(re.findall(r"[\u4e00-\u9fff]+", article.title_zh_hans) or [""], key=len)
        if len(run) >= 2:
            assert article.slug in found_slugs(search_page(client, run[:2], "zh-hans")), run[:2]
    for article in english:
        words = [w for w in re.findall(r"[A-Za-z]{5,}", article.title_en)]
        if words:
            assert article.slug in found_slugs(search_page(client, words[0])), words[0]


def test_snippet_comes_from_the_language_that_matched(client):
    factories.article(en="Release", zh="发布", body_en="English text.", body_zh="中文正文提到了内核模块。")
    response = search_page(client, "内核", "en")
    (result,) = response.context["results"]
    assert result["snippet_language"] == "zh-hans"
    assert "<mark>内核</mark>" in result["snippet"]
    assert 'class="snippet" lang="zh-Hans"' in response.content.decode()


def test_deferred_updates_write_each_document_once_at_the_end(client):
    with search.deferred_updates():
        wanted = factories.article(en="Deferred kernel notes", tags=("scheduler",))
        assert not SearchDocument.objects.filter(article=wanted).exists()
    document = SearchDocument.objects.get(article=wanted)
    assert "deferred" in document.title and "scheduler" in document.summary
    assert found_slugs(search_page(client, "scheduler")) == [wanted.slug]


# Filters and suggestions ---------------------------------------------------------


def filtered_search(client, **params):
    return client.get("/en/search/", {"q": "kernel", **params})


@pytest.fixture
def filterable():
    from datetime import datetime

    from django.utils import timezone

    def dated(year, **kwargs):
        obj = factories.article(**kwargs)
        Article.objects.filter(pk=obj.pk).update(publish_at=timezone.make_aware(datetime(year, 6, 1, 12)))
        return obj.slug

    return {
        "news-both-2024": dated(2024, zh="内核新闻", en="Kernel news"),
        "blog-en-2025": dated(2025, en="Kernel blog", category_slug="blog"),
        "blog-zh-2024": dated(2024, zh="内核博客 kernel", category_slug="blog"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"news-both-2024", "blog-en-2025", "blog-zh-2024"}),
        ({"category": "blog"}, {"blog-en-2025", "blog-zh-2024"}),
        ({"language": "en"}, {"news-both-2024", "blog-en-2025"}),
        ({"language": "zh-hans"}, {"news-both-2024", "blog-zh-2024"}),
        ({"year": "2024"}, {"news-both-2024", "blog-zh-2024"}),
        ({"category": "blog", "language": "en", "year": "2025"}, {"blog-en-2025"}),
        ({"category": "news", "year": "2025"}, set()),
    ],
)
def test_search_filters_by_category_language_and_year(client, filterable, params, expected):
    response = filtered_search(client, **params)
    assert set(found_slugs(response)) == {filterable[key] for key in expected}


def test_search_filter_form_offers_the_categories_languages_and_years(client, filterable):
    html = filtered_search(client, year="2024").content.decode()
    for option in ('value="blog"', 'value="news"', 'value="en"', 'value="zh-hans"', 'value="2025"'):
        assert option in html
    assert '<option value="2024" selected>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "nope"}, "Select a valid choice"),
        ({"year": "1850"}, "Select a valid choice"),
        ({"language": "fr"}, "Select a valid choice"),
    ],
)
def test_bad_filters_are_reported_and_left_out(client, filterable, params, message):
    response = filtered_search(client, **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "This filter was left out." in html
    assert len(found_slugs(response)) == 3


def test_no_results_with_filters_says_so(client, filterable):
    html = filtered_search(client, category="news", year="2025").content.decode()
    assert "with these filters" in html


def test_words_whose_stem_changes_a_letter_are_found_on_every_database(client):
    wanted = factories.article(en="Community weekly", body_en="Our communities grew.")
    for query in ("community", "communities"):
        assert found_slugs(search_page(client, query)) == [wanted.slug], query
