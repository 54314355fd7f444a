"""Ways to browse besides the newest-first list: by month, by tag, by kinship."""

from collections import OrderedDict
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from news.models import Article
from tags.models import Tag

RELATED_LIMIT = 3


def months(articles=None) -> "OrderedDict[int, list[tuple[datetime, int]]]":
    """Published articles counted per month, newest first, grouped by year (one query)."""
    articles = Article.objects.published() if articles is None else articles
    rows = (
        articles.annotate(month=TruncMonth("publish_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    years = OrderedDict()
    for row in rows:
        years.setdefault(row["month"].year, []).append((row["month"], row["count"]))
    return years


def in_month(articles, year: int, month: int):
    """``articles`` published in that month of the site's time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(year, month, 1), zone)
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1), zone)
    return articles.filter(publish_at__gte=start, publish_at__lt=end)


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


def related(article: Article, *, limit: int = RELATED_LIMIT):
    """Published articles sharing the most tags with ``article`` (one query; tags prefetched)."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    return list(
        Article.objects.published()
        .filter(tags__in=tag_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("tags"))
        .order_by("-shared", "-publish_at", "-id")
        .for_listing()
        .prefetch_related(None)[:limit]
    )
