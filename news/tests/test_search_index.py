"""SQLite's full-text index (news.search_index): always the documents' terms, whatever wrote them."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate, pre_migrate

from news import search, search_index
from news.models import Article, SearchDocument
from news.tests import factories
from tags.models import Tag

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's index; PostgreSQL has its GIN index"),
]


def found(query: str) -> list[str]:
    return sorted(article.slug for article in search.search(Article.objects.published(), search.parse(query)))


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [search_index.DOCUMENTS]
        )
        return {name for (name,) in cursor.fetchall()}


def test_the_index_follows_saves_tags_and_deletions():
    kernel = factories.article(en="Kernel notes", body_en="Scheduler work.", tags=("riscv",))
    other = factories.article(en="Community meeting", body_en="Minutes.")
    search_index.check()
    assert found("scheduler") == [kernel.slug]
    kernel.body_en = "Memory work."
    kernel.render()
    kernel.save()
    search_index.check()
    assert found("scheduler") == [] and found("memory") == [kernel.slug]
    tag = Tag.objects.get(name="riscv")
    tag.label_en = "Open hardware"
    tag.save()
    search_index.check()
    assert found("hardware") == [kernel.slug]
    tag.delete()
    search_index.check()
    assert found("hardware") == []
    kernel.delete()
    search_index.check()
    assert found("memory") == [] and found("minutes") == [other.slug]
    SearchDocument.objects.all().delete()  # as a flush deletes every row
    search_index.check()
    assert found("minutes") == []


def test_check_notices_an_index_that_differs_from_the_documents():
    factories.article(en="Kernel notes")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_update")
    SearchDocument.objects.update(title="something else")
    with pytest.raises(DatabaseError):
        search_index.check()


def test_a_missing_index_is_made_and_filled_after_migrate():
    article = factories.article(en="Kernel notes")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {search_index.TABLE}")
        for name in triggers():
            cursor.execute(f"DROP TRIGGER {name}")
    news = apps.get_app_config("news")
    post_migrate.send(sender=news, app_config=news, using="default", verbosity=0, interactive=False, plan=[])
    assert search_index.install() is False  # there already, nothing to do
    assert triggers() == {f"{search_index.TABLE}_{event}" for event in ("insert", "update", "delete")}
    search_index.check()
    assert found("kernel") == [article.slug]


def test_rebuild_command_mends_the_index():
    article = factories.article(en="Kernel notes")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search_index.TABLE}({search_index.TABLE}) VALUES ('delete-all')")
    assert found("kernel") == []
    call_command("rebuild_search_index", verbosity=0)
    search_index.check()
    assert found("kernel") == [article.slug]


def test_documents_written_in_bulk_are_indexed_at_the_end():
    template = factories.article(en="Template")
    search_index.check()
    with search_index.indexed_at_end():
        created = Article.objects.bulk_create(
            Article(
                slug=f"bulk-{n}",
                title_en=f"Bulk {n}",
                category=template.category,
                publish_at=template.publish_at,
                status=Article.Status.PUBLISHED,
            )
            for n in range(3)
        )
        SearchDocument.objects.bulk_create(
            SearchDocument(article=article, title=f"bulk {n}", body="scheduler") for n, article in enumerate(created)
        )
        assert found("scheduler") == []  # not yet
    search_index.check()
    assert f"{search_index.TABLE}_insert" in triggers()
    assert found("scheduler") == sorted(article.slug for article in created)


def test_a_word_is_matched_whole_and_by_its_stem():
    article = factories.article(en="Kernel notes", body_en="Installing the toolchain.")
    assert found("kernels") == [article.slug]
    assert found("installed") == [article.slug]
    assert found("kern") == []  # as PostgreSQL: a word's beginning is not a word


def test_lone_chinese_characters_are_found_inside_pairs():
    wanted = factories.article(zh="内核心得", body_zh="笔记。")
    factories.article(zh="内核", body_zh="笔记。")
    assert found("核 心") == [wanted.slug]
    assert found("心 笔记") == [wanted.slug]


def test_an_article_moved_in_time_is_found_from_its_new_time():
    from datetime import timedelta

    from django.utils import timezone

    from news import public_queries

    article = factories.article(en="Kernel notes")
    now = timezone.now()
    query = search.parse("kernel")
    assert public_queries.search_candidates(now, query) == [article.pk]
    Article.objects.filter(pk=article.pk).update(publish_at=now + timedelta(hours=1))  # SQL only: the trigger
    search_index.check()
    assert public_queries.search_candidates(now, query) == []
    assert public_queries.search_candidates(now + timedelta(hours=2), query) == [article.pk]
    year_ago = now - timedelta(days=365)
    Article.objects.filter(pk=article.pk).update(publish_at=year_ago)
    search_index.check()
    assert public_queries.search_candidates(now, query) == [article.pk]
    start, end = year_ago - timedelta(days=1), year_ago + timedelta(days=1)
    assert public_queries.search_candidates(now, query, start=start, end=end) == [article.pk]
    assert public_queries.search_candidates(now, query, start=end, end=now) == []


def test_an_article_deleted_before_its_document_takes_its_row_along():
    gone = factories.article(en="Kernel notes")
    kept = factories.article(en="Kernel news")
    with transaction.atomic(), connection.cursor() as cursor:  # the order a flush may take: the article first
        cursor.execute("DELETE FROM news_article WHERE id = %s", [gone.pk])
        search_index.check()
        cursor.execute("DELETE FROM news_searchdocument WHERE article_id = %s", [gone.pk])
        search_index.check()
        assert found("kernel") == [kept.slug]
        transaction.set_rollback(True)  # the rows that still name the article go back with it


def test_articles_published_in_the_same_second_are_all_found():
    first = factories.article(en="Kernel one")
    second = factories.article(en="Kernel two")
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(publish_at=first.publish_at)
    search_index.check()
    assert found("kernel") == sorted([first.slug, second.slug])


def indexed() -> set[int]:
    """The articles the index holds a row for."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid & {search_index.ID_MASK} FROM {search_index.TABLE}_docsize")
        return {pk for (pk,) in cursor.fetchall()}


def test_the_index_holds_published_articles_only():
    from django.utils import timezone

    from news import public_queries

    draft = factories.article(en="Kernel draft", status=Article.Status.DRAFT)
    public = factories.article(en="Kernel notes")
    query = search.parse("kernel")
    assert indexed() == {public.pk} and SearchDocument.objects.filter(article=draft).exists()
    search_index.check()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    search_index.check()
    assert indexed() == {draft.pk, public.pk}
    assert sorted(public_queries.search_candidates(timezone.now(), query)) == sorted([draft.pk, public.pk])
    Article.objects.filter(pk=public.pk).update(status=Article.Status.DRAFT)  # SQL only: the trigger
    search_index.check()
    assert indexed() == {draft.pk}
    assert public_queries.search_candidates(timezone.now(), query) == [draft.pk]
    Article.objects.filter(pk=public.pk).update(status=Article.Status.PUBLISHED, publish_at=public.publish_at)
    search_index.check()
    assert indexed() == {draft.pk, public.pk}
    with transaction.atomic(), connection.cursor() as cursor:  # a draft deleted before its document
        Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
        cursor.execute("DELETE FROM news_article WHERE id = %s", [draft.pk])
        cursor.execute("DELETE FROM news_searchdocument WHERE article_id = %s", [draft.pk])
        search_index.check()
        transaction.set_rollback(True)


def test_a_search_without_filters_compares_the_current_seconds_articles_with_now():
    """Keys up to the second before now are published by now; those of now's own second are checked."""
    from datetime import UTC, datetime, timedelta

    from news import public_queries

    second = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
    times = {
        "earlier": second - timedelta(microseconds=100_000),
        "first": second + timedelta(microseconds=200_000),
        "last": second + timedelta(microseconds=800_000),
    }
    earlier, first, last = (factories.article(en=f"Kernel {name}") for name in times)
    for article, moment in zip((earlier, first, last), times.values(), strict=True):
        Article.objects.filter(pk=article.pk).update(publish_at=moment)
    search_index.check()
    query = search.parse("kernel")

    def at(microseconds: int) -> list[int]:
        return public_queries.search_candidates(second + timedelta(microseconds=microseconds), query)

    assert at(100_000) == [earlier.pk]
    assert at(200_000) == [first.pk, earlier.pk]
    assert at(500_000) == [first.pk, earlier.pk]
    assert at(900_000) == [last.pk, first.pk, earlier.pk]
    # The same answers through the articles, as a filtered search reads them.
    in_language = dict(language="en")
    assert public_queries.search_candidates(second + timedelta(microseconds=500_000), query, **in_language) == [
        first.pk,
        earlier.pk,
    ]


def test_an_index_written_by_an_earlier_version_is_made_again():
    draft = factories.article(en="Kernel draft", status=Article.Status.DRAFT)
    public = factories.article(en="Kernel notes")
    with connection.cursor() as cursor:  # a view and a trigger as written before drafts were left out
        cursor.execute(f"DROP VIEW {search_index.SOURCE}")
        cursor.execute(search_index.SOURCE_SQL.replace(f" WHERE a.status = '{search_index.PUBLISHED}'", ""))
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_insert")
        cursor.execute(
            f"CREATE TRIGGER {search_index.TABLE}_insert AFTER INSERT ON news_searchdocument BEGIN SELECT 1; END"
        )
        cursor.execute(f"INSERT INTO {search_index.TABLE}({search_index.TABLE}) VALUES ('rebuild')")
    assert indexed() == {draft.pk, public.pk}
    assert search_index.install() is False
    search_index.check()
    assert indexed() == {public.pk}
    added = factories.article(en="Kernel news")
    assert indexed() == {public.pk, added.pk}
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        search_index.install()
    assert len(statements) == 1 and statements[0].startswith("SELECT"), statements  # nothing to make again


def _altered(model, name: str, field) -> None:
    """Alter a column as a migration would (SQLite copies the table and renames the copy)."""
    field.set_attributes_from_name(name)
    field.model = model
    with connection.schema_editor() as editor:
        editor.alter_field(model, model._meta.get_field(name), field, strict=True)


@pytest.mark.django_db(transaction=True)
def test_migrations_may_alter_the_tables_the_index_reads():
    """SQLite checks every view and trigger when Django renames an altered table's copy: without them
    dropped first, altering the articles' table failed ("error in view …: no such table")."""
    from django.db import models

    article = factories.article(en="Kernel notes")
    news = apps.get_app_config("news")
    signal = {"sender": news, "app_config": news, "using": "default", "verbosity": 0, "interactive": False}
    pre_migrate.send(plan=[("a migration", False)], **signal)
    _altered(Article, "author", models.CharField(max_length=400, blank=True))
    _altered(SearchDocument, "body", models.TextField(blank=True, null=True))
    post_migrate.send(plan=[("a migration", False)], **signal)
    search_index.check()
    assert found("kernel") == [article.slug]
    pre_migrate.send(plan=[("a migration", True)], **signal)  # as they were
    _altered(Article, "author", Article._meta.get_field("author").clone())
    _altered(SearchDocument, "body", SearchDocument._meta.get_field("body").clone())
    post_migrate.send(plan=[("a migration", True)], **signal)
    search_index.check()
