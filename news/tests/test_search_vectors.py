"""PostgreSQL search vectors computed outside the database (news.search_vectors) and the trigger that keeps them."""

import os
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from news import generating, search
from news.models import Article, SearchDocument
from news.search_vectors import MAX_POSITIONS_PER_LEXEME, Vectors
from news.tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (connection.vendor == "postgresql" or os.environ.get("DATABASE_URL", "").startswith("postgres")),
        reason="needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]

END = timezone.make_aware(datetime(2025, 6, 1))
QUERIES = ["kernel", "community release", "performance", "benchmarks", "the work", "社区", "开源社区", "x86", "12"]


def stored_vectors() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id, vector::text FROM news_searchdocument")
        return dict(cursor.fetchall())


def computed_by_database() -> None:
    """Every document's vector computed again by the database from its text (an update does that)."""
    SearchDocument.objects.update(title=F("title"))


def results(query: str) -> list[tuple[int, float]]:
    found = search.search(Article.objects.published(), search.parse(query))
    return [(article.pk, article.rank) for article in found]


def vector_of(cursor, title: str, summary: str, body: str) -> str:
    cursor.execute("SELECT news_search_vector(%s, %s, %s)::text", [title, summary, body])
    return cursor.fetchone()[0]


def test_generated_vectors_are_those_the_database_computes_and_search_finds_and_ranks_the_same():
    generating.generate(count=120, seed=7, end=END)
    written = stored_vectors()
    before = {query: results(query) for query in QUERIES}
    assert all(before[query] for query in ["kernel", "社区", "community release"])
    computed_by_database()
    assert stored_vectors() == written
    assert {query: results(query) for query in QUERIES} == before


@pytest.mark.parametrize(
    ("title", "summary", "body"),
    [
        ("the kernel of the", "and it is", "a release of the"),  # stopwords at the ends of fields
        ("", "", "kernels released"),
        ("开源 源社 社区", "", ""),
        ("x86 12 1e5 v2", "社区 and", "the"),
        ("", "", ""),
        # Terms PostgreSQL cuts into several positions (not from search.document_text, which cuts them first).
        ("self-contained x-ray co-op", "state-of-the-art o'neil", "see example.com/path and user@example.org"),
        ("running runs ran", "community communities", "run " * 40 + "compiler " * 45 + "the " * 3),
    ],
)
def test_a_vector_is_assembled_as_the_database_computes_it(title, summary, body):
    body = body.strip()
    with connection.cursor() as cursor:
        vectors = Vectors(cursor)
        pieces = body.split(" ")
        pieces = [" ".join(pieces[: len(pieces) // 2]), " ".join(pieces[len(pieces) // 2 :])] if body else [""]
        vectors.learn([title, summary, *pieces])
        assembled = vectors.vector(title, summary, pieces)
        cursor.execute("SELECT tsvectorsend(news_search_vector(%s, %s, %s))", [title, summary, body])
        assert assembled == bytes(cursor.fetchone()[0])


def test_a_lexeme_with_more_positions_than_a_vector_keeps_is_left_to_the_database():
    body = " ".join(["kernel"] * (MAX_POSITIONS_PER_LEXEME + 20))
    with connection.cursor() as cursor:
        vectors = Vectors(cursor)
        vectors.learn(["kernel", "kernel release", body])
        assert vectors.vector("kernel", "", [body]) is None
        assert vectors.vector("kernel", "", ["kernel release"]) is not None


def test_the_trigger_computes_a_vector_missing_and_after_each_change():
    article = factories.article(en="Kernel release notes", body_en="The scheduler got faster.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector::text FROM news_searchdocument WHERE article_id = %s", [article.pk])
        saved = cursor.fetchone()[0]
        assert "'kernel':1A" in saved and "'schedul'" in saved
        article.title_en = "Compiler release notes"
        article.save()
        cursor.execute("SELECT vector::text FROM news_searchdocument WHERE article_id = %s", [article.pk])
        changed = cursor.fetchone()[0]
        assert "'compil':1A" in changed and "'kernel'" not in changed
        document = SearchDocument.objects.get(article=article)
        assert changed == vector_of(cursor, document.title, document.summary, document.body)
