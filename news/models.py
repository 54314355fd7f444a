import posixpath
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from news import markdown
from tags.models import LabelledTagManager, Tag, ascii_slug
from translations import languages
from translations.models import TranslatedName, first_filled


class Category(TranslatedName):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language, else in any language that has one."""
        return first_filled(self, "name") or self.slug

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"category": self.slug})

    def save(self, *args, **kwargs):
        self.record_translated_from()
        super().save(*args, **kwargs)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")]
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Visible to visitors: published, and its publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def visible_to(self, user):
        """What a user may open: staff may preview drafts and scheduled articles."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def in_language(self, language: str):
        """Articles that have their own text in ``language`` (not a fallback)."""
        return self.exclude(**{languages.field("title", language): ""}).exclude(
            **{f"{languages.field('title', language)}__isnull": True}
        )

    def missing_language(self, language: str):
        return self.filter(
            Q(**{languages.field("title", language): ""}) | Q(**{f"{languages.field('title', language)}__isnull": True})
        )

    def in_category(self, category):
        return self.filter(category=category)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def in_year(self, year: int):
        start = timezone.make_aware(timezone.datetime(year, 1, 1))
        end = timezone.make_aware(timezone.datetime(year + 1, 1, 1))
        return self.filter(publish_at__gte=start, publish_at__lt=end)

    def for_listing(self):
        """Everything a list card shows, in a fixed number of queries."""
        deferred = [
            languages.field(field, code) for field in ("body", "body_html", "toc_html") for code in languages.codes()
        ]
        return self.select_related("category").prefetch_related("tags").defer("body", "metadata", *deferred)


@dataclass(frozen=True)
class Translation:
    """An article's text as shown in one language, perhaps a fallback.

    Fields are read from the article when asked for, so that list pages,
    which defer the bodies, never load them one article at a time.
    """

    language: str  # the language the text is written in
    requested: str  # the language the visitor asked for
    article: "Article" = field(repr=False, compare=False)

    def _field(self, name: str) -> str:
        return getattr(self.article, languages.field(name, self.language), "") or ""

    @property
    def title(self) -> str:
        return self._field("title")

    @property
    def summary(self) -> str:
        return self._field("summary")

    @property
    def body_html(self) -> str:
        return self._field("body_html")

    @property
    def toc_html(self) -> str:
        return self._field("toc_html")

    @property
    def banner_alt(self) -> str:
        return self._field("banner_alt") or self.title

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    banner_alt = models.CharField(_("banner alt text"), max_length=300, blank=True)

    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("ASCII, one for both languages. Left empty, it is made from the English title or the date."),
    )
    source_language = models.CharField(
        _("source language"),
        max_length=10,
        choices=languages.choices(),
        default=settings.MODELTRANSLATION_DEFAULT_LANGUAGE,
    )
    author = models.CharField(
        _("author"), max_length=300, blank=True, help_text=_("One or several names, separated by commas.")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"), manager=LabelledTagManager)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A published article with a future time stays hidden until then."),
    )
    banner = models.ImageField(_("banner"), upload_to="banners/%Y/%m/", blank=True)
    # WebP copies of the banner, made once when it changes (news.images).
    banner_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Front-matter keys this portal has no field for, kept to be exported again.
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Per language: how many source segments lack an up-to-date translation
    # (kept by news.translation_files whenever the article or its images change).
    outdated_segments = models.JSONField(_("outdated segments"), default=dict, blank=True, editable=False)
    # Raised by every save; the admin refuses a save based on an older one (news.locking).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    # Fixed paths under /news/ (news/urls.py) that an article slug would shadow.
    RESERVED_SLUGS = frozenset({"archive", "rss", "atom", "category", "tag", "preview"})

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_status_publish_idx"),
            models.Index(fields=["category", "status", "-publish_at"], name="article_cat_publish_idx"),
        ]
        permissions = [
            ("edit_article_source", _("Can edit source text, slug, category, tags, status and dates")),
        ]

    def __str__(self):
        return first_filled(self, "title", prefer=self.source_language) or self.slug

    # Text per language -------------------------------------------------

    def has_language(self, language: str) -> bool:
        return bool(getattr(self, languages.field("title", language), ""))

    @property
    def languages(self) -> list[str]:
        return [code for code in languages.codes() if self.has_language(code)]

    def text_language(self, requested: str) -> str:
        """The language to show a visitor asking for ``requested``."""
        if self.has_language(requested):
            return requested
        if self.has_language(self.source_language):
            return self.source_language
        return next(iter(self.languages), requested)

    def translation(self, requested: str | None = None) -> Translation:
        requested = requested or translation.get_language()
        return Translation(language=self.text_language(requested), requested=requested, article=self)

    @property
    def display(self) -> Translation:
        """The text for the active language (templates: ``article.display.title``)."""
        return self.translation()

    @property
    def authors(self) -> list[str]:
        return [name.strip() for name in self.author.replace("、", ",").split(",") if name.strip()]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    def get_absolute_url(self, language: str | None = None):
        if language:
            with translation.override(language):
                return reverse("news:detail", kwargs={"slug": self.slug})
        return reverse("news:detail", kwargs={"slug": self.slug})

    def url_for(self, language: str) -> str:
        return f"/{languages.url_prefix(language)}/news/{self.slug}/"

    # Saving ------------------------------------------------------------

    def clean(self):
        errors = {}
        if not self.has_language(self.source_language):
            errors[languages.field("title", self.source_language)] = _(
                "The source language (%(language)s) needs a title."
            ) % {"language": dict(languages.choices())[self.source_language]}
        for code in languages.codes():
            if getattr(self, languages.field("body", code), "") and not self.has_language(code):
                errors[languages.field("title", code)] = _("A text in this language needs a title too.")
        if self.slug:
            try:
                validate_slug(self.slug)
            except ValidationError:
                errors["slug"] = _("Use only ASCII letters, digits, hyphens and underscores.")
            if self.slug in self.RESERVED_SLUGS:
                errors["slug"] = _("“%(slug)s” is the address of a page of the site; choose another slug.") % {
                    "slug": self.slug
                }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The slug as stored, to notice a change on save (old URLs keep working: ArticleSlugRedirect).
        article._stored_slug = article.__dict__.get("slug")
        return article

    def save(self, *args, render: bool = True, **kwargs):
        """Save, rendering every language first; ``render=False`` when the caller just called ``render()``."""
        if not self.slug:
            self.slug = self.make_slug()
        previous_slug = getattr(self, "_stored_slug", None)
        if render:
            self.render(images=None if self.pk else {})
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)
        if previous_slug != self.slug:
            ArticleSlugRedirect.remember(self, old_slug=previous_slug)
        self._stored_slug = self.slug

    def make_slug(self) -> str:
        """From the English title if there is one, else the date and a short unique suffix."""
        base = ascii_slug(self.title_en or "")
        if not base:
            base = f"{timezone.localtime(self.publish_at):%Y%m%d}-{secrets.token_hex(3)}"
        slug, n = base, 2
        while slug in self.RESERVED_SLUGS or Article.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def image_map(self, language: str = "") -> dict[str, markdown.ImageRef]:
        """Body image references one language can resolve: the shared images overlaid by its own (none: shared only)."""
        return self._image_maps([language])[language]

    def _image_maps(self, languages) -> dict[str, dict[str, markdown.ImageRef]]:
        images = list(self.images.all())  # one query for every language
        return {code: {ref: image.as_ref() for ref, image in images_shown(images, code).items()} for code in languages}

    def render(self, *, images: dict[str, markdown.ImageRef] | None = None) -> None:
        """Render every language's body into the stored HTML fields.

        Each language with its own images (``image_map``), unless ``images`` gives one map for all.
        """
        maps = self._image_maps(languages.codes()) if images is None else dict.fromkeys(languages.codes(), images)
        for code in languages.codes():
            rendered = markdown.render(
                getattr(self, languages.field("body", code), "") or "",
                images=maps[code],
                title=getattr(self, languages.field("title", code), "") or "",
            )
            setattr(self, languages.field("body_html", code), rendered.html)
            setattr(self, languages.field("toc_html", code), rendered.toc_html)

    def rerender(self) -> None:
        """Render again after images changed; touches only the stored HTML."""
        self.render()
        fields = [languages.field(name, code) for name in ("body_html", "toc_html") for code in languages.codes()]
        Article.objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in fields})


class ArticleSlugRedirect(models.Model):
    """An address an article had: its old slug leads to it, in every language, with a permanent redirect.

    Redirects point at the article, not at a slug, so renaming twice never makes
    a chain; an article taking a slug that is some redirect's old slug removes
    that redirect, so no slug can lead in a loop.
    """

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("article")
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


class ArticleImage(models.Model):
    """An image used in an article's body, matched by its reference name."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("article"))
    image = models.ImageField(_("image"), upload_to="articles/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    reference = models.CharField(
        _("reference"),
        max_length=300,
        help_text=_("The path the Markdown uses, e.g. media/image1.jpeg. Empty: the file name."),
        blank=True,
    )
    alt = models.CharField(_("alt text"), max_length=300, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=languages.choices(),
        blank=True,
        help_text=_("Empty: shown in every language. Else only in this one, in place of a shared image of that name."),
    )
    # WebP copies at a few widths, made once when the file changes (news.images).
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reference", "language"], name="unique_article_image_reference_language"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def normalized_reference(self) -> str:
        return markdown.normalize_reference(self.reference)

    def as_ref(self) -> markdown.ImageRef:
        from news.images import image_ref

        return image_ref(self)

    def save(self, *args, **kwargs):
        if not self.reference and self.image:
            self.reference = posixpath.basename(self.image.name)
        super().save(*args, **kwargs)
        self.article.rerender()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.rerender()
        return result


def images_shown(images: Iterable[ArticleImage], language: str) -> dict[str, ArticleImage]:
    """The images a language shows, by normalised reference: the shared ones overlaid by its own."""
    shown = {}
    for image in sorted(images, key=lambda image: bool(image.language)):
        if image.language in ("", language):
            shown[image.normalized_reference] = image
    return shown


class SearchDocument(models.Model):
    """The searchable text of one article, both languages, kept current on save (news.search).

    On PostgreSQL the migration adds a weighted ``tsvector`` column with a GIN
    index, filled from the same text; it is not a model field because SQLite
    has no such type.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources", verbose_name=_("article"))
    language = models.CharField(_("language"), max_length=10, choices=languages.choices())
    path = models.CharField(_("source path"), max_length=500, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    fingerprint = models.CharField(_("fingerprint at import"), max_length=64)
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
