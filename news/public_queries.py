"""What article pages and lists read, as prepared queries (``portal.prepared``): built and compiled once per process.

Each is built by the same queryset methods as the rest of the code asks with,
so the rules stay defined once; tests check that each returns what its
queryset returns.
"""

from django.utils import translation

from news import search, search_index
from news.article_queries import attach_tags, newest_ids, rank_related, sections_of
from news.models import Article, Category
from portal.prepared import Prepared
from tags.models import Tag


def _article(now, slug):
    published = Article.objects.published(now).filter(slug=slug)
    return published.select_related("category").for_reading().with_neighbour_ids(now)


def _sharing_tags(now, article_id, tag_ids):
    return Article.objects.published(now).sharing_tags(article_id, tag_ids).values_list("pk", flat=True)


def _links(ids):
    return Article.objects.filter(pk__in=ids).for_links().select_related("category")


def filtered(articles, *, category_id=None, tag_id=None, start=None, end=None):
    """A list's filters: its category, its tag, its period (year or month)."""
    if category_id is not None:
        articles = articles.in_category(category_id)
    if tag_id is not None:
        articles = articles.tagged(tag_id)
    if start is not None:
        articles = articles.in_period(start, end)
    return articles


def _list_page(now, shape, **filters):
    language_only, bottom, top, ids_only = shape
    articles = filtered(Article.objects.published(now), **filters)
    if language_only:
        articles = articles.in_language(translation.get_language())
    if ids_only:
        return articles[bottom:top].values_list("pk", flat=True)
    return articles.for_listing(tags=False).select_related(None)[bottom:top]


def _listing(ids):
    return Article.objects.filter(pk__in=ids).for_listing(tags=False).select_related(None)


def _results(ids):
    return Article.objects.filter(pk__in=ids).for_results()


def _search_candidates(
    now, shape, category_id=None, start=None, end=None, tsquery=None, match=None, index_before=None, **needles
):
    language, limit = shape
    if index_before is not None:  # no filters: SQLite's full-text index alone, which holds published articles
        return search.matching_published(now, match=match, index_before=index_before, **needles)[:limit].values_list(
            "pk", "rank"
        )
    if match is None:
        articles = filtered(Article.objects.published(now), category_id=category_id, start=start, end=end)
    else:  # SQLite's full-text index finds the articles (search_queries.through_index)
        articles = Article.objects.published_checked(now, start=start, end=end, category_id=category_id)
    if language:
        articles = articles.in_language(language)
    found = search.matching(articles, tsquery=tsquery, match=match, **needles)  # newest first
    return found[:limit].values_list("pk", "rank")


def _newest_per_category(now, shape):
    articles = Article.objects.published(now).in_language(translation.get_language())
    return articles.newest_per_category(shape, Category.objects.all())


ARTICLE = Prepared(_article, now="datetime", slug="str")
SHARING_TAGS = Prepared(_sharing_tags, now="datetime", article_id="int", tag_ids="ids")
LINKS = Prepared(_links, ids="ids")
LIST_PAGE = Prepared(_list_page, now="datetime", category_id="int", tag_id="int", start="datetime", end="datetime")
LISTING = Prepared(_listing, ids="ids")
NEWEST_PER_CATEGORY = Prepared(_newest_per_category, now="datetime")
RESULTS = Prepared(_results, ids="ids")
CATEGORIES = Prepared(lambda: Category.objects.all())
TAG = Prepared(lambda slug: Tag.objects.filter(slug=slug), slug="str")
SEARCH_CANDIDATES = Prepared(
    _search_candidates,
    now="datetime",
    category_id="int",
    start="datetime",
    end="datetime",
    tsquery="str",
    match="str",
    index_since="int",
    index_until="int",
    index_before="int",
    **{f"{kind}_{index}": "contains" for kind in ("needle", "loose") for index in range(search.MAX_TERMS)},
)


def published_article(slug: str, now) -> Article | None:
    """The article a visitor opens at ``slug``, with its tags and neighbours' ids, or None."""
    found = ARTICLE.run(now=now, slug=slug)
    attach_tags(found)
    return found[0] if found else None


def related_ids(article: Article, now, *, limit: int) -> list[int]:
    """``ArticleQuerySet.related_ids`` among the articles published at ``now``."""
    tag_ids = sorted({tag.pk for tag in article.tags.all()})
    if not tag_ids:
        return []
    return rank_related(SHARING_TAGS.run(now=now, article_id=article.pk, tag_ids=tag_ids), limit)


def links(ids: list) -> dict[int, Article]:
    """``ArticleQuerySet.links``, by id."""
    return {linked.pk: linked for linked in LINKS.run(ids=ids)}


def with_categories_and_tags(articles: list[Article], categories) -> list[Article]:
    """``articles`` with their tags, and each with its category from ``categories`` (the page's own list of
    them, loaded anyway): not one category per row, as a join would make."""
    by_id = {category.pk: category for category in categories}
    field = Article._meta.get_field("category")
    for article in articles:
        if article.category_id in by_id:  # else asked when shown (a category made since the page's list)
            field.set_cached_value(article, by_id[article.category_id])
    attach_tags(articles)
    return articles


def list_page(now, *, bottom: int, top: int, language_only: bool, categories, ids_only: bool = False, **filters):
    """A page of a list (``filtered``) as its cards show it, or its articles' ids: newest first."""
    filters = {name: value for name, value in filters.items() if value is not None}
    found = LIST_PAGE.run(shape=(language_only, bottom, top, ids_only), now=now, **filters)
    return found if ids_only else with_categories_and_tags(found, categories)


def listing(ids: list, categories) -> list[Article]:
    """The articles ``ids`` as list cards show them (in no particular order)."""
    return with_categories_and_tags(LISTING.run(ids=ids), categories)


def latest_per_category(now, per_category: int):
    """``ArticleQuerySet.latest_per_category`` of the articles published at ``now`` in the page's language."""
    categories = NEWEST_PER_CATEGORY.run(shape=per_category, now=now)
    wanted = [pk for category in categories for pk in newest_ids(category, per_category)]
    return sections_of(categories, per_category, listing(wanted, categories))


def results(ids: list, categories) -> list[Article]:
    """The articles ``ids`` with everything a search result shows (their bodies too), in no particular order."""
    return with_categories_and_tags(RESULTS.run(ids=ids), categories)


def search_candidates(now, query, *, language: str | None = None, **filters) -> list[int]:
    """``search.candidates`` among the articles published at ``now``, narrowed by a search page's filters
    (``filtered``, and a language whose own text they must have)."""
    if not query.ok:
        return []
    filters = {name: value for name, value in filters.items() if value is not None}
    shape = (language, search.MAX_CANDIDATES)
    values = search.matching_values(query)
    if "match" in values:  # where SQLite's full-text index walks from and to
        values["index_until"] = search_index.key_bound(min(now, filters.get("end") or now))
        if "start" in filters:
            values["index_since"] = search_index.key_floor(filters["start"])
        if not filters and not language:  # up to where every article it holds is published by now
            values["index_before"] = search_index.key_floor(now) - 1
    rows = SEARCH_CANDIDATES.run(shape=shape, now=now, **filters, **values)
    return [pk for pk, _rank in sorted(rows, key=lambda row: -row[1])]


def categories() -> list[Category]:
    """Every category, in their order (the lists' and search's filters)."""
    return CATEGORIES.run()


def category(slug: str) -> Category | None:
    return next((found for found in categories() if found.slug == slug), None)


def tag(slug: str) -> Tag | None:
    found = TAG.run(slug=slug)
    return found[0] if found else None
