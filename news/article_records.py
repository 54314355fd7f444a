"""What the site keeps beside each article: its old addresses, its search text and the files it came from.

Imported by ``news.models``, so Django registers these models with the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from translations import languages

if TYPE_CHECKING:
    from news.models import Article


class ArticleSlugRedirect(models.Model):
    """An address an article had: its old slug leads to it, in every language, with a permanent redirect.

    Redirects point at the article, not at a slug, so renaming twice never makes
    a chain; an article taking a slug that is some redirect's old slug removes
    that redirect, so no slug can lead in a loop.
    """

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("slug redirect")
        verbose_name_plural = _("slug redirects")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"

    @classmethod
    def remember(cls, article: Article, *, old_slug: str | None) -> None:
        """After ``article`` changed its slug from ``old_slug`` (None: it is new)."""
        cls.objects.filter(old_slug=article.slug).delete()
        if old_slug:
            cls.objects.update_or_create(old_slug=old_slug, defaults={"article": article})

    @classmethod
    def target(cls, slug: str) -> Article | None:
        found = cls.objects.filter(old_slug=slug).select_related("article").first()
        return found.article if found else None


class SearchDocument(models.Model):
    """The searchable text of one article, both languages, kept current on save (news.search).

    On PostgreSQL the migrations add a weighted ``tsvector`` column with a GIN
    index, computed from the same text by a trigger when a row is written
    without one and on every update; it is not a model field because SQLite
    has no such type.
    """

    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="Summaries and tag names.")
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return self.title[:80]


class ArticleSource(models.Model):
    """A file an article was imported from, one per language.

    Re-import finds the article again by ``path``; ``content_hash`` tells
    whether the file changed, ``fingerprint`` whether the article was edited
    since (see ``news.importing``).
    """

    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="sources", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=10, choices=languages.choices)
    path = models.CharField(_("source path"), max_length=500, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    fingerprint = models.CharField(_("fingerprint at import"), max_length=64)
    # The file's front matter as it was read, so that an export writes back what the file said:
    # [key, value] pairs, because PostgreSQL's jsonb does not keep the order of an object's keys.
    front_matter = models.JSONField(_("front matter as written"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("article source")
        verbose_name_plural = _("article sources")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="unique_article_source_language"),
        ]

    def __str__(self):
        return self.path


class RevisionRelations(models.Model):
    """Marks a revision recorded with its articles' tags and images (news.history).

    Revisions recorded before tags and images were part of history hold
    neither; without this mark a restore could not tell "had no tags" from
    "was recorded without them".
    """

    revision = models.OneToOneField("reversion.Revision", on_delete=models.CASCADE, related_name="article_relations")

    class Meta:
        verbose_name = _("revision with tags and images")
        verbose_name_plural = _("revisions with tags and images")

    def __str__(self):
        return str(self.revision_id)
