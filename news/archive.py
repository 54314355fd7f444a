"""Ways to browse besides the newest-first list: by tag and by kinship (months are ``ArticleQuerySet.month_counts``)."""

from django.db.models import Count, Q
from django.utils import timezone

from news.models import Article
from tags.models import Tag

RELATED_LIMIT = 3


def tag_counts(now=None):
    """Tags with at least one published article, with how many, most used first (one query)."""
    published = Q(
        tagged_articles__content_object__status=Article.Status.PUBLISHED,
        tagged_articles__content_object__publish_at__lte=now or timezone.now(),
    )
    return (
        Tag.objects.annotate(count=Count("tagged_articles", filter=published))
        .filter(count__gt=0)
        .order_by("-count", "slug")
    )


def related(article: Article, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Published articles sharing the most tags with ``article`` (tags prefetched)."""
    return Article.objects.published().related_to(article, limit=limit)
