import hashlib
import posixpath
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from news import markdown
from portal.i18n import url_prefix

LANGUAGE_CHOICES = settings.LANGUAGES
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def localized(field: str, language: str) -> str:
    """``localized("title", "zh-hans")`` → ``"title_zh_hans"``."""
    return build_localized_fieldname(field, language)


def ascii_slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug, or "" when the text has no ASCII letters or digits."""
    return slugify(text)[:max_length].strip("-")


def hashed_slug(prefix: str, text: str) -> str:
    """A stable ASCII slug for text that has none of its own (Chinese names)."""
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


class TranslatedName(models.Model):
    """A translated name that remembers, per target language, the source text its translation was made from.

    ``translated_from[language]`` is the source name when that language's name was
    last written; when the source moves on, the translation is outdated (translation
    files mark it fuzzy). A name with no record counts as made from the current source.
    """

    name_field = "name"
    translated_from = models.JSONField(_("translated from"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def name_source_language(self) -> str:
        """The language names are written in first, when no record says otherwise."""
        return LANGUAGE_CODES[0]

    def source_language_of_name(self) -> str:
        """The language the other names are translations of."""
        records = self.translated_from or {}
        if records:
            return next((code for code in LANGUAGE_CODES if code not in records), LANGUAGE_CODES[0])
        return self.name_source_language()

    def name_in(self, language: str) -> str:
        return (getattr(self, localized(self.name_field, language), "") or "").strip()

    def record_translated_from(self) -> None:
        """Compare with the stored names and record what each changed translation was made from."""
        fields = [localized(self.name_field, code) for code in LANGUAGE_CODES]
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first() if self.pk else None
        if stored is None:
            return
        old = {code: (stored[localized(self.name_field, code)] or "").strip() for code in LANGUAGE_CODES}
        source = self.source_language_of_name()
        records = {code: text for code, text in (self.translated_from or {}).items() if code != source}
        for target in LANGUAGE_CODES:
            if target == source:
                continue
            if not self.name_in(target) or not self.name_in(source):
                records.pop(target, None)
            elif self.name_in(target) != old[target]:
                records[target] = self.name_in(source)
            elif self.name_in(source) != old[source] and target not in records and old[source]:
                records[target] = old[source]
        self.translated_from = records


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


class Tag(TagBase, TranslatedName):
    """A tag with one ASCII slug and a label per language.

    ``name`` is the key taggit matches typed tags against; ``label`` is what
    visitors read, translated.
    """

    label = models.CharField(_("label"), max_length=100, blank=True)
    name_field = "label"

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return first_filled(self, "label") or self.name

    def slugify(self, tag, i=None):
        base = ascii_slug(tag, max_length=90) or hashed_slug("tag", tag)
        return f"{base}-{i}" if i is not None else base

    def save(self, *args, **kwargs):
        if not any(getattr(self, localized("label", code)) for code in LANGUAGE_CODES):
            setattr(self, localized("label", language_of_text(self.name)), self.name)
        self.record_translated_from()
        super().save(*args, **kwargs)

    def name_source_language(self) -> str:
        return language_of_text(self.name)

    def get_absolute_url(self):
        return reverse("news:tag", kwargs={"tag": self.slug})


class LabelledTagManager(_TaggableManager):
    """Article tags, where a typed tag that is no tag's name but another's label means that tag.

    An editor typing 内核 gets the tag ``kernel`` labelled 内核, not a second tag;
    names still win, and anything else becomes a new tag as usual.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        typed = {tag for tag in tags if isinstance(tag, str)}
        keys = {name.lower() for name in typed}
        named = set(Tag.objects.annotate(key=Lower("name")).filter(key__in=keys).values_list("key", flat=True))
        unnamed = {name for name in typed if name.lower() not in named}
        fields = [localized("label", code) for code in LANGUAGE_CODES]
        by_label = {}
        if unnamed:
            matches = Q()
            for field_name in fields:
                matches |= Q(**{f"{field_name}__in": unnamed})
            for tag in Tag.objects.filter(matches).order_by("pk"):
                for field_name in fields:
                    if getattr(tag, field_name) in unnamed:
                        by_label.setdefault(getattr(tag, field_name), tag)
        resolved = [by_label.get(tag, tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(resolved, tag_kwargs)


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
        return self.exclude(**{localized("title", language): ""}).exclude(
            **{f"{localized('title', language)}__isnull": True}
        )

    def missing_language(self, language: str):
        return self.filter(
            Q(**{localized("title", language): ""}) | Q(**{f"{localized('title', language)}__isnull": True})
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
        deferred = [localized(field, code) for field in ("body", "body_html", "toc_html") for code in LANGUAGE_CODES]
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
        return getattr(self.article, localized(name, self.language), "") or ""

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
        choices=LANGUAGE_CHOICES,
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

    objects = ArticleQuerySet.as_manager()

    # Fixed paths under /news/ (news/urls.py) that an article slug would shadow.
    RESERVED_SLUGS = frozenset({"archive", "rss", "atom", "category", "tag"})

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
        return bool(getattr(self, localized("title", language), ""))

    @property
    def languages(self) -> list[str]:
        return [code for code in LANGUAGE_CODES if self.has_language(code)]

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
        return f"/{url_prefix(language)}/news/{self.slug}/"

    # Saving ------------------------------------------------------------

    def clean(self):
        errors = {}
        if not self.has_language(self.source_language):
            errors[localized("title", self.source_language)] = _(
                "The source language (%(language)s) needs a title."
            ) % {"language": dict(LANGUAGE_CHOICES)[self.source_language]}
        for code in LANGUAGE_CODES:
            if getattr(self, localized("body", code), "") and not self.has_language(code):
                errors[localized("title", code)] = _("A text in this language needs a title too.")
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

    def save(self, *args, render: bool = True, **kwargs):
        """Save, rendering every language first; ``render=False`` when the caller just called ``render()``."""
        if not self.slug:
            self.slug = self.make_slug()
        if render:
            self.render(images=None if self.pk else {})
        super().save(*args, **kwargs)

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
        maps = self._image_maps(LANGUAGE_CODES) if images is None else dict.fromkeys(LANGUAGE_CODES, images)
        for code in LANGUAGE_CODES:
            rendered = markdown.render(
                getattr(self, localized("body", code), "") or "",
                images=maps[code],
                title=getattr(self, localized("title", code), "") or "",
            )
            setattr(self, localized("body_html", code), rendered.html)
            setattr(self, localized("toc_html", code), rendered.toc_html)

    def rerender(self) -> None:
        """Render again after images changed; touches only the stored HTML."""
        self.render()
        fields = [localized(name, code) for name in ("body_html", "toc_html") for code in LANGUAGE_CODES]
        Article.objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in fields})


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
        choices=LANGUAGE_CHOICES,
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


def first_filled(obj, field: str, *, prefer: str | None = None) -> str:
    """The value of a translated field in the active language, else the first language that has one."""
    order = [prefer or translation.get_language() or settings.LANGUAGE_CODE, *LANGUAGE_CODES]
    for code in order:
        if code in LANGUAGE_CODES:
            value = getattr(obj, localized(field, code), "")
            if value:
                return value
    return ""


def language_of_text(text: str) -> str:
    """zh-hans when the text contains Chinese characters, else English."""
    return "zh-hans" if any(markdown.is_cjk(ch) for ch in text) else "en"


class SourceSegment(models.Model):
    """One translatable piece of an article's source text.

    ``key`` names the piece in translation files and survives edits: of other
    pieces, and of the piece itself (then its translations become outdated).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="source_segments", verbose_name=_("article")
    )
    key = models.CharField(_("key"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("source segment")
        verbose_name_plural = _("source segments")
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="unique_source_segment_key")]

    def __str__(self):
        return self.key


class SegmentTranslation(models.Model):
    """A segment's translation, and the source text it was made from.

    When the source text moves on, ``translated_from`` no longer matches it:
    the translation is outdated, and translation files say what changed.
    """

    segment = models.ForeignKey(
        SourceSegment, on_delete=models.CASCADE, related_name="translations", verbose_name=_("segment")
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    translated_from = models.TextField(_("translated from"))
    translation = models.TextField(_("translation"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment translation")
        verbose_name_plural = _("segment translations")
        constraints = [
            models.UniqueConstraint(fields=["segment", "language"], name="unique_segment_translation_language")
        ]

    def __str__(self):
        return f"{self.segment.key} ({self.language})"


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
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
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
