"""The public pages' queries use indexes: each query a page runs, explained by the database, scans no article table.

A site of a few thousand generated articles is written once for the module
(and analysed on PostgreSQL), so that the planner's choices are those of a
real archive; a page is requested, every query it ran is captured and given
to ``EXPLAIN``. A full scan of ``news_article`` would make the page's cost
grow with the archive.
"""

import re
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import generating
from news.models import Article

ARTICLES = 3000
END = timezone.make_aware(datetime(2025, 6, 1))
ARTICLE_TABLE = Article._meta.db_table


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A generated archive, committed for the module's tests and removed after them."""
    with django_db_blocker.unblock():
        generating.generate(count=ARTICLES, seed=11, end=END)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, as a live database has them
        article = Article.objects.exclude(title_en="").exclude(title_zh_hans="").order_by("-publish_at")[ARTICLES // 2]
        month = Article.objects.order_by("-publish_at").values_list("publish_at", flat=True)[ARTICLES // 3]
        month = timezone.localtime(month)
        yield {"article": article, "month": month}
        # Empties every table and makes again what migrations make (groups, the starting categories),
        # which the modules after this one expect.
        call_command("flush", interactive=False, verbosity=0)


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The generated archive is all published and its vocabulary small, so a count or a search
            # matches most rows, and reading the table in order is then the planner's right choice:
            # the question asked here is whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = on")
            return plan
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


def full_scans(plan: str) -> list[str]:
    """The lines of a plan that read every row of the article table."""
    if connection.vendor == "postgresql":
        pattern = rf"Seq Scan on {ARTICLE_TABLE}\b"
    else:  # SQLite: SCAN without USING ... INDEX reads the table itself
        pattern = rf"SCAN {ARTICLE_TABLE}\b(?!.*USING (COVERING )?INDEX)"
    return [line for line in plan.splitlines() if re.search(pattern, line)]


def page_plans(path: str) -> list[tuple[str, str]]:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    queries = [query["sql"] for query in captured.captured_queries if ARTICLE_TABLE in query["sql"]]
    assert queries, f"{path} read no article"
    return [(sql, explain(sql)) for sql in queries if sql.lstrip().upper().startswith("SELECT")]


def pages(site) -> dict[str, str]:
    article, month = site["article"], site["month"]
    return {
        "home": "/en/",
        "list page 1": "/en/news/",
        "list deep page": f"/en/news/?page={ARTICLES // 25}",
        "category": "/en/news/category/blog/",
        "tag": "/en/news/tag/kernel/",
        "archive month": f"/en/news/archive/{month.year}/{month.month}/",
        "article (related, previous and next)": f"/en/news/{article.slug}/",
        "search": "/en/search/?q=kernel",
        "rss": "/en/news/rss/",
    }


PAGES = [
    "home",
    "list page 1",
    "list deep page",
    "category",
    "tag",
    "archive month",
    "article (related, previous and next)",
    "search",
    "rss",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_no_page_scans_the_article_table(site, page):
    path = pages(site)[page]
    scanning = [(sql, plan) for sql, plan in page_plans(path) if full_scans(plan)]
    assert not scanning, "\n\n".join(f"{path}: {sql}\n{plan}" for sql, plan in scanning)


def _plans_of(path: str, marker: str) -> list[tuple[str, str]]:
    """The plans of the page's SELECTs whose SQL contains ``marker``."""
    return [(sql, plan) for sql, plan in page_plans(path) if marker in sql]


def _sorts_everything(plan: str) -> bool:
    """The plan sorts all the rows it found before the LIMIT (not just ties of an index's order)."""
    if connection.vendor == "postgresql":
        return any(re.match(r"\s*(->\s*)?Sort\b", line) for line in plan.splitlines())
    return "USE TEMP B-TREE FOR ORDER BY" in plan


@pytest.mark.django_db
def test_related_articles_walk_the_publication_index(site):
    """Related articles: the newest visible articles, walked through the (status, publish_at) index
    and checked against the (article, tag) index; never every article sharing a tag, sorted.

    PostgreSQL picks by its statistics: on this small archive it may read the three
    tags' rows and sort them, on a larger one (20,000 articles) it walks the index.
    """
    path = pages(site)["article (related, previous and next)"]
    (related,) = _plans_of(path, '"news_taggedarticle"."tag_id" IN')
    sql, plan = related
    if connection.vendor == "postgresql":
        assert "LIMIT" in sql and not full_scans(plan), f"{sql}\n{plan}"
        return
    assert "article_listing_idx" in plan, f"{sql}\n{plan}"
    assert not _sorts_everything(plan), f"{sql}\n{plan}"


@pytest.mark.django_db
def test_a_tag_page_walks_the_publication_index(site):
    """A tag's page: the newest visible articles walked through the (status, publish_at) index, each checked
    for the tag (EXISTS); never every article of the tag read and sorted for one page.

    SQLite with statistics (ANALYZE, as above) picked the sort for a join; PostgreSQL picks by its own.
    """
    (listed,) = _plans_of(pages(site)["tag"], "LIMIT 20")
    sql, plan = listed
    assert "EXISTS" in sql, sql
    if connection.vendor == "sqlite":
        assert "article_listing_idx" in plan and not _sorts_everything(plan), f"{sql}\n{plan}"
    else:
        assert not full_scans(plan), f"{sql}\n{plan}"


@pytest.mark.django_db
@pytest.mark.parametrize("filtered", [False, True])
def test_search_candidates_stop_at_the_cap(site, filtered):
    """Search: the candidates' query has a LIMIT and, on SQLite, reads the full-text index in its order.

    Without filters, the index (which holds published articles only) and the documents answer alone: an
    article is read only inside the check of the current second's. With a filter, each match's article
    is found in the publication index, which holds what the filters read.
    """
    from news import search

    path = pages(site)["search"] + ("&category=blog&language=en" if filtered else "")
    (walk, *_ranked) = _plans_of(path, "LIMIT")
    sql, plan = walk
    assert f"LIMIT {search.MAX_CANDIDATES}" in sql
    if connection.vendor == "sqlite":
        assert "VIRTUAL TABLE" in plan and "news_searchindex" in sql and not _sorts_everything(plan), f"{sql}\n{plan}"
        if filtered:
            assert "article_listing_idx" in plan, f"{sql}\n{plan}"
        else:
            before_subquery, _sep, subquery = plan.partition("CORRELATED SCALAR SUBQUERY")
            assert "news_article" not in sql.partition("EXISTS")[0] and " a " not in before_subquery, plan
            assert "SEARCH a USING INTEGER PRIMARY KEY" in subquery, plan
        # The documents' bodies are not read (only titles and summaries, for the ranks).
        assert '"news_searchdocument"."body"' not in sql, sql


@pytest.mark.django_db
def test_a_deep_list_page_skips_articles_in_the_index_alone(site):
    """A deep page's OFFSET runs over the ids alone, answered from the publication index without reading
    an article (SQLite: COVERING INDEX); only the page's own articles are read, by their ids.

    Before, ``OFFSET 980`` over the full rows made SQLite read every skipped article's bodies.
    """
    plans = page_plans(pages(site)["list deep page"])
    (skipping,) = [(sql, plan) for sql, plan in plans if "OFFSET" in sql]
    sql, plan = skipping
    assert re.match(r'SELECT "news_article"\."id"(?: AS "\w+")? FROM', sql), sql
    if connection.vendor == "sqlite":
        assert "COVERING INDEX article_listing_idx" in plan and not _sorts_everything(plan), f"{sql}\n{plan}"
    else:  # PostgreSQL picks by its statistics (an offset near the end may sort the index's matches)
        assert not full_scans(plan), f"{sql}\n{plan}"
    (page,) = [(sql, plan) for sql, plan in plans if "LIMIT" not in sql and '"news_article"."id" IN (' in sql]
    assert page[0].count(",") >= 19, page[0]  # the page's twenty ids
    if connection.vendor == "sqlite":  # looked up by key, not found by walking the index again
        assert "news_article USING INTEGER PRIMARY KEY" in page[1], page


@pytest.mark.django_db
def test_list_counts_are_read_once_per_content_version(site, settings, tmp_path):
    """The count over every matching article runs on the first request of a content version only."""
    settings.QUERY_CACHE = True
    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "version"
    for page in ("list page 1", "tag", "category"):
        path = pages(site)[page]
        assert _plans_of(path, "COUNT("), path  # first request: counted
        assert not _plans_of(path, "COUNT("), path  # then read from the cache
