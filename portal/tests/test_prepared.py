"""Prepared queries (``portal.prepared``): compiled once, they return what their querysets return."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from news import content, public_queries, search
from news.article_queries import TAGS_OF
from news.models import Article, Category
from news.tests import factories
from portal import prepared
from portal.prepared import Prepared
from tags.models import Tag

pytestmark = pytest.mark.django_db


def loaded(objects) -> list[dict]:
    """What was loaded into each instance: its fields, annotations and selected relations (without the home
    page's per-category ids, which its articles' shared categories carry)."""
    rows = []
    for obj in objects:
        row = {name: value for name, value in vars(obj).items() if not name.startswith(("_", "newest_"))}
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


def test_list_pages_match_their_querysets_for_every_filter(site):
    now = timezone.now()
    kernel = Tag.objects.get(name="kernel")
    blog = Category.objects.get(slug="blog")
    year = site["old"].publish_at.astimezone(content.site_zone()).year
    start, end = content.period(year)
    shown = public_queries.categories()
    cases = [{}, {"category_id": blog.pk}, {"tag_id": kernel.pk}, {"start": start, "end": end}]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for filters in cases:
                for language_only in (True, False):
                    expected = public_queries.filtered(Article.objects.published(now), **filters)
                    if language_only:
                        expected = expected.in_language(language)
                    for bottom, top in ((0, 2), (1, 3), (0, 0)):
                        rows = public_queries.list_page(
                            now, bottom=bottom, top=top, language_only=language_only, categories=shown, **filters
                        )
                        ids = public_queries.list_page(
                            now,
                            bottom=bottom,
                            top=top,
                            language_only=language_only,
                            categories=shown,
                            ids_only=True,
                            **filters,
                        )
                        wanted = list(expected.for_listing()[bottom:top])
                        assert loaded(rows) == loaded(wanted), (language, filters, language_only, bottom, top)
                        assert ids == [article.pk for article in wanted]
                        assert [list(a.tags.all()) for a in rows] == [list(a.tags.all()) for a in wanted]


def test_a_shape_may_leave_values_out_and_shapes_are_bounded(site, monkeypatch):
    def build(shape, slug=None):
        articles = Article.objects.all()
        return (articles.filter(slug=slug) if slug is not None else articles).values_list("pk", flat=True)[:shape]

    query = Prepared(build, slug="str")
    assert query.run(shape=1, slug=site["old"].slug) == [site["old"].pk]
    assert len(query.run(shape=3)) == 3
    assert query.run(shape=0) == []  # an empty slice: nothing to ask
    with pytest.raises(TypeError):
        query.run(slug="x")  # without a shape, every value is needed
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    assert len(query._compiled) == 3
    query.run(shape=2)
    assert len(query._compiled) == 1


def test_home_sections_match_their_queryset(site):
    now = timezone.now()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            got = public_queries.latest_per_category(now, 2)
            expected = (
                Article.objects.published(now)
                .in_language(language)
                .for_listing()
                .latest_per_category(2, Category.objects.all())
            )
            assert [(category.pk, loaded(articles)) for category, articles in got.items()] == [
                (category.pk, loaded(articles)) for category, articles in expected.items()
            ]
            assert got, language


def test_search_results_match_their_queryset(site):
    ids = [site["new"].pk, site["old"].pk]
    expected = Article.objects.filter(pk__in=ids).select_related("category").for_results().with_tags()
    found = public_queries.results(ids, public_queries.categories())
    assert sorted(loaded(found), key=lambda row: row["id"]) == sorted(loaded(expected), key=lambda row: row["id"])
    assert {article.pk: [tag.name for tag in article.tags.all()] for article in found} == {
        article.pk: [tag.name for tag in article.tags.all()] for article in expected
    }


def test_categories_and_tags_by_slug_match_their_querysets(site):
    assert loaded(public_queries.categories()) == loaded(Category.objects.all())
    assert public_queries.category("blog") == Category.objects.get(slug="blog")
    assert public_queries.category("no-such-category") is None
    kernel = Tag.objects.get(name="kernel")
    assert loaded([public_queries.tag(kernel.slug)]) == loaded([kernel])
    assert public_queries.tag("no-such-tag") is None


@pytest.mark.parametrize("text", ["内核", "kernel", "Old one", "内核 cloud", "文章", "nothing-like-this"])
def test_search_candidates_match_the_search_queryset(site, text):
    now = timezone.now()
    query = search.parse(text)
    blog = Category.objects.get(slug="blog")
    start, end = content.period(site["old"].publish_at.astimezone(content.site_zone()).year)
    cases = [{}, {"category_id": blog.pk}, {"start": start, "end": end}, {"language": "en"}, {"language": "zh-hans"}]
    for filters in cases:
        articles = public_queries.filtered(
            Article.objects.published(now), **{k: v for k, v in filters.items() if k != "language"}
        )
        if filters.get("language"):
            articles = articles.in_language(filters["language"])
        assert public_queries.search_candidates(now, query, **filters) == search.candidates(articles, query)
