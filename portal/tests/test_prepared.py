"""Prepared queries (``portal.prepared``): compiled once, they return what their querysets return."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from news import public_queries
from news.article_queries import TAGS_OF
from news.models import Article
from news.tests import factories
from portal.prepared import Prepared

pytestmark = pytest.mark.django_db


def loaded(objects) -> list[dict]:
    """What was loaded into each instance: its fields, annotations and selected relations."""
    rows = []
    for obj in objects:
        row = {name: value for name, value in vars(obj).items() if not name.startswith("_")}
        cached = getattr(obj._state, "fields_cache", {})
        row.update({f"related {name}": loaded([value])[0] for name, value in cached.items() if value is not None})
        rows.append(row)
    return rows


@pytest.fixture
def site():
    made = {
        "old": factories.article(zh="旧文", en="Old one", days_ago=9, tags=("kernel", "cloud")),
        "mid": factories.article(zh="中文", en="", days_ago=5, tags=("kernel",), category_slug="blog"),
        "new": factories.article(zh="", en="New one", days_ago=1, tags=("cloud", "kernel", "ai")),
        "draft": factories.article(zh="草稿", en="Draft", status=Article.Status.DRAFT, tags=("kernel",)),
        "later": factories.article(zh="将来", en="Later", days_ago=-2, tags=("kernel",)),
    }
    return made


def test_the_article_query_returns_what_its_queryset_returns(site):
    now = timezone.now()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for article in site.values():
                prepared = public_queries.ARTICLE.run(now=now, slug=article.slug)
                expected = list(public_queries.ARTICLE.queryset(now=now, slug=article.slug))
                assert loaded(prepared) == loaded(expected)
                assert bool(prepared) == (article.slug not in (site["draft"].slug, site["later"].slug))


def test_neighbours_and_the_time_come_from_the_values_of_each_run(site):
    now = timezone.now()
    mid = public_queries.published_article(site["mid"].slug, now)
    assert (mid.previous_id, mid.next_id) == (site["old"].pk, site["new"].pk)
    # Three days on, the scheduled article is due: it opens, and the newest article points to it.
    later = now + timedelta(days=3)
    assert public_queries.published_article(site["later"].slug, now) is None
    assert public_queries.published_article(site["later"].slug, later).pk == site["later"].pk
    assert public_queries.published_article(site["new"].slug, later).next_id == site["later"].pk


def test_tags_related_and_links_match_their_querysets(site):
    now = timezone.now()
    old = public_queries.published_article(site["old"].slug, now)
    assert [tag.name for tag in old.tags.all()] == ["kernel", "cloud"]
    assert public_queries.related_ids(old, now, limit=5) == Article.objects.published(now).related_ids(old, limit=5)
    assert public_queries.related_ids(old, now, limit=5) == [site["new"].pk, site["mid"].pk]
    ids = [site["new"].pk, site["old"].pk, site["draft"].pk]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found = public_queries.links(ids)
            assert loaded(found[pk] for pk in ids) == loaded(Article.objects.links(ids))
            tags = TAGS_OF.run(ids=ids)
            assert loaded(tags) == loaded(TAGS_OF.queryset(ids=ids))
            assert [tag.tagged_article_id for tag in tags] == [site["old"].pk] * 2 + [site["new"].pk] * 3 + [
                site["draft"].pk
            ]


def test_one_query_per_run_and_one_compilation_per_shape(site):
    query = Prepared(lambda ids: Article.objects.filter(pk__in=ids).values_list("slug", flat=True), ids="ids")
    with CaptureQueriesContext(connection) as queries:
        assert query.run(ids=[site["old"].pk]) == [site["old"].slug]
        assert query.run(ids=[site["new"].pk]) == [site["new"].slug]
        assert sorted(query.run(ids=[site["new"].pk, None, site["old"].pk, site["new"].pk])) == sorted(
            [site["old"].slug, site["new"].slug]
        )
    assert len(queries) == 3
    assert len(query._compiled) == 2  # lengths 1 and 2 (repeats and None dropped, as the ORM does)
    assert query.run(ids=[]) == []


def test_each_language_has_its_own_compiled_query(site):
    # modeltranslation rewrites ``title`` to the active language's column.
    query = Prepared(lambda title: Article.objects.filter(title=title).values_list("pk", flat=True), title="str")
    with translation.override("en"):
        assert query.run(title="Old one") == [site["old"].pk]
        assert query.run(title="旧文") == []
    with translation.override("zh-hans"):
        assert query.run(title="旧文") == [site["old"].pk]
    assert len(query._compiled) == 2


def test_tuples_come_in_the_order_asked(site):
    query = Prepared(lambda ids: Article.objects.filter(pk__in=ids).values_list("slug", "pk"), ids="ids")
    assert query.run(ids=[site["old"].pk]) == [(site["old"].slug, site["old"].pk)]


def test_a_value_that_is_not_a_parameter_is_refused():
    query = Prepared(lambda slug, now: Article.objects.filter(slug=slug), slug="str", now="datetime")
    with pytest.raises(ImproperlyConfigured, match="'now' is not a parameter"):
        query.run(slug="x", now=timezone.now())


def test_wrong_values_and_kinds_are_refused():
    with pytest.raises(ImproperlyConfigured, match="unknown kinds"):
        Prepared(lambda slug: Article.objects.all(), slug="text")
    query = Prepared(lambda slug: Article.objects.filter(slug=slug), slug="str")
    with pytest.raises(TypeError, match="takes"):
        query.run(name="x")
    with pytest.raises(ImproperlyConfigured, match="instances or values_list"):
        Prepared(lambda slug: Article.objects.filter(slug=slug).values("pk"), slug="str").run(slug="x")
