"""What an article page reads, as prepared queries (``portal.prepared``): built and compiled once per process.

Each is built by the same queryset methods as the rest of the code asks with,
so the rules stay defined once; tests check that each returns what its
queryset returns.
"""

from news.article_queries import RELATED_CANDIDATES, attach_tags, rank_related
from news.models import Article
from portal.prepared import Prepared


def _article(now, slug):
    published = Article.objects.published(now).filter(slug=slug)
    return published.select_related("category").for_reading().with_neighbour_ids(now)


def _sharing_tags(now, article_id, tag_ids):
    return Article.objects.published(now).sharing_tags(article_id, tag_ids).values_list("pk", flat=True)


def _links(ids):
    return Article.objects.filter(pk__in=ids).for_links().select_related("category")


ARTICLE = Prepared(_article, now="datetime", slug="str")
SHARING_TAGS = Prepared(_sharing_tags, now="datetime", article_id="int", tag_ids="ids")
LINKS = Prepared(_links, ids="ids")


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


__all__ = ["RELATED_CANDIDATES", "links", "published_article", "related_ids"]
