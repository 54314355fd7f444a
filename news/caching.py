"""What the page cache (portal.cache) needs to know about news content: when it changes, and when it will."""

from datetime import datetime

from django.db.models.signals import m2m_changed, post_delete, post_save

from news.models import Article, ArticleImage, Category, TaggedArticle
from portal import cache as page_cache
from tags.models import Tag

# Everything a public page shows comes from these rows.
MODELS = (Article, ArticleImage, Category, Tag, TaggedArticle)


def _changed(sender, **kwargs) -> None:
    page_cache.content_changed()


def _tags_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        page_cache.content_changed()


def connect_signals() -> None:
    """Every save and delete of content, and every change of an article's tags, bumps the content version."""
    for model in MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"page_cache_saved_{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page_cache_deleted_{model.__name__}")
    m2m_changed.connect(_tags_changed, sender=TaggedArticle, dispatch_uid="page_cache_tags_changed")


def next_publication() -> datetime | None:
    """When the next scheduled article becomes visible (one indexed query)."""
    return Article.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True).first()
