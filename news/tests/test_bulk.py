"""Bulk writes (news.bulk): the rows bulk_create would write, and keys that are never given twice."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import lazy

from news import bulk
from news.models import Article, Category, SearchDocument
from news.tests.factories import article

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def new_articles(prefix: str, count: int = 3) -> list[Article]:
    category = Category.objects.get(slug="news")
    return [
        Article(
            slug=f"{prefix}-{n}",
            title_zh_hans=f"标题{n}",
            title_en=f"Title {n}" if n % 2 else "",
            body_en="Some *text*.",
            body_html_en="<p>Some <em>text</em>.</p>",
            body_text_en="Some text.",
            summary_zh_hans=None,
            status=Article.Status.PUBLISHED,
            publish_at=NOW - timedelta(days=n),
            category=category,
            language_states={"en": "in_progress"} if n == 2 else {},
        )
        for n in range(count)
    ]


def _timed(field) -> bool:
    """A field set to the time of the write (not the same in two writes)."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def rows(articles: list[Article]) -> list[dict]:
    kept = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in ("id", "slug") and not _timed(field)
    ]
    found = Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("publish_at").values(*kept)
    return list(found)


def test_the_rows_written_are_those_bulk_create_writes():
    mine, django = new_articles("mine"), new_articles("django")
    with transaction.atomic():
        bulk.write(Article, mine, with_ids=True)
    Article.objects.bulk_create(django)
    assert all(obj.pk for obj in mine) and not any(obj._state.adding for obj in mine)
    assert rows(mine) == rows(django)
    SearchDocument.objects.filter(article__in=mine).delete()
    bulk.write(SearchDocument, [SearchDocument(article=obj, title="t", summary="", body="b") for obj in mine])
    assert SearchDocument.objects.filter(article__in=mine).count() == 3


def test_each_value_is_read_as_its_field_would_give_it():
    text = lazy(lambda: "lazy title", str)()  # not a str: through the field's own conversion
    obj = new_articles("one", 1)[0]
    obj.title_en = text
    for field in [field for field in Article._meta.concrete_fields if not _timed(field)]:
        expected = field.get_db_prep_save(field.pre_save(obj, True), connection)
        read = bulk._reader(field, connection)(obj)
        assert getattr(read, "obj", read) == getattr(expected, "obj", expected), field.name  # psycopg's Jsonb


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite numbers the keys itself here")
def test_keys_go_on_past_the_highest_the_table_has_had():
    first = article(en="First")
    last = article(en="Last")
    highest = last.pk
    last.delete()  # its key is not given again (AUTOINCREMENT)
    fresh = new_articles("fresh", 2)
    with transaction.atomic():
        bulk.write(Article, fresh, with_ids=True)
    assert [obj.pk for obj in fresh] == [highest + 1, highest + 2] and first.pk < highest
    assert set(Article.objects.values_list("slug", flat=True)) == {first.slug, "fresh-0", "fresh-1"}
