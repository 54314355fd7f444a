"""Publishing from the admin: bulk actions, "scheduled for" wording, and shareable preview links for drafts.

A preview link carries the article's id signed with the site's key and a
timestamp (django.core.signing): anyone holding it may read that one article,
as the public page shows it, until it expires; nobody can change anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from news import history, image_usage
from news.models import Article
from news.views import ArticleDetailView
from translations import languages

PREVIEW_SALT = "news.publishing.preview-link"
DEFAULT_PREVIEW_DAYS = 7


def preview_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "PREVIEW_LINK_DAYS", DEFAULT_PREVIEW_DAYS))


def preview_token(article: Article) -> str:
    return signing.dumps({"article": article.pk}, salt=PREVIEW_SALT, compress=True)


def preview_url(article: Article, language: str) -> str:
    with translation.override(language):
        return reverse("news:shared-preview", kwargs={"token": preview_token(article)})


def article_for_token(token: str) -> Article:
    """The article a preview link names; Http404 when the link is forged, expired, or the article gone."""
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=preview_max_age())
    except signing.BadSignature:
        raise Http404(gettext("This preview link is invalid or has expired.")) from None
    article = Article.objects.select_related("category").prefetch_related("tags").filter(pk=data.get("article"))
    found = article.first()
    if found is None:
        raise Http404(gettext("This article no longer exists."))
    return found


def state_text(article: Article, now=None) -> str:
    """Draft, Published, or "Scheduled for <local time>"."""
    now = now or timezone.now()
    if article.status == Article.Status.PUBLISHED and article.publish_at > now:
        when = date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT")
        return gettext("Scheduled for %(time)s") % {"time": when}
    return str(article.get_status_display())


def missing_images(article: Article) -> list[str]:
    """References some language's body uses that no image answers, as ``reference (language)``."""
    return [
        f"{ref} ({languages.get(code).name})"
        for code, refs in image_usage.missing_in_article(article).items()
        for ref in refs
    ]


@dataclass
class BulkResult:
    changed: list[Article]
    refused: dict[str, list[str]]  # article title → missing references


def publish(articles, *, user=None) -> BulkResult:
    """Publish each article that shows no missing image; the others stay as they are."""
    result = BulkResult(changed=[], refused={})
    for article in articles:
        missing = missing_images(article)
        if missing:
            result.refused[str(article)] = missing
            continue
        if article.status != Article.Status.PUBLISHED:
            article.status = Article.Status.PUBLISHED
            article.save()
            history.record(article, user=user, comment=gettext("Published from the list."))
            result.changed.append(article)
    return result


def unpublish(articles, *, user=None) -> BulkResult:
    result = BulkResult(changed=[], refused={})
    for article in articles:
        if article.status != Article.Status.DRAFT:
            article.status = Article.Status.DRAFT
            article.save()
            history.record(article, user=user, comment=gettext("Made a draft again from the list."))
            result.changed.append(article)
    return result


def set_category(articles, category, *, user=None) -> BulkResult:
    result = BulkResult(changed=[], refused={})
    for article in articles:
        if article.category_id != category.pk:
            article.category = category
            article.save()
            comment = gettext("Category set to %(category)s from the list.") % {"category": category}
            history.record(article, user=user, comment=comment)
            result.changed.append(article)
    return result


def _tag_names(tag) -> set[str]:
    values = (tag.name, *(getattr(tag, field) or "" for field in languages.fields("label")))
    return {value.casefold() for value in values if value}


def change_tags(articles, *, add=(), remove=(), user=None) -> BulkResult:
    """Add and remove tags (by name or label, as the tag field accepts them) on each article."""
    result = BulkResult(changed=[], refused={})
    for article in articles:
        before = set(article.tags.names())
        if add:
            article.tags.add(*add)
        if remove:
            wanted = {name.casefold() for name in remove}
            article.tags.remove(*[tag for tag in article.tags.all() if _tag_names(tag) & wanted])
        if set(article.tags.names()) != before:
            article.save()
            history.record(article, user=user, comment=gettext("Tags changed from the list."))
            result.changed.append(article)
    return result


class SharedPreviewView(ArticleDetailView):
    """The article page for whoever holds a valid preview link: no login, nothing to change, not indexed."""

    def get_object(self, queryset=None):
        return article_for_token(self.kwargs["token"])

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"  # the link is the key: keep it out of other sites' logs
        return response
