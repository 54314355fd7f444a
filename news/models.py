import posixpath
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from news import markdown, saving
from news.article_queries import ArticleQuerySet
from news.content import LanguageState, Publishable, TranslatedContent
from portal.reversing import reverse_slug
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
        return self.display_name_in(None)

    def display_name_in(self, language: str | None) -> str:
        """The name in ``language`` (the active one if None), else in any language that has one."""
        return first_filled(self, "name", prefer=language) or self.slug

    def get_absolute_url(self):
        return reverse_slug("news:category", "category", self.slug)

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


# The metadata key where an import keeps the authors as its file listed them.
AUTHORS_KEY = "_authors"


class Article(TranslatedContent, Publishable):
    banner_alt = models.CharField(_("banner alt text"), max_length=300, blank=True)

    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("ASCII, one for both languages. Left empty, it is made from the English title or the date."),
    )
    author = models.CharField(
        _("author"), max_length=300, blank=True, help_text=_("One or several names, separated by commas.")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"), manager=LabelledTagManager)
    banner = models.ImageField(_("banner"), upload_to="banners/%Y/%m/", blank=True)
    # WebP copies of the banner, made once when it changes (news.images).
    banner_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Front-matter keys this portal has no field for, kept to be exported again.
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Per language: how many source segments lack an up-to-date translation
    # (kept by the translations app's hook in news.saving whenever the article or its images change).
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
            models.Index(fields=["category", "status", "-publish_at"], name="article_cat_publish_idx"),
            # The publication index: the (status, publish_at) walk of lists, related articles and search,
            # with everything a list's conditions read, so that a deep page skips the articles before it in
            # the index alone (reading.ListPaginator). SQLite stores the bodies before these columns and
            # would otherwise read every skipped article's overflow pages (9 ms for page 50 of 2,000).
            models.Index(
                fields=["status", "-publish_at", "-id", "category", *languages.fields("title"), "language_states"],
                name="article_listing_idx",
            ),
        ]
        permissions = [
            ("edit_article_source", _("Can edit source text, slug, category, tags, status and dates")),
        ]

    def __str__(self):
        return first_filled(self, "title", prefer=self.source_language) or self.slug

    @property
    def authors(self) -> list[str]:
        # An import keeps the names as the file listed them ("WangXun, Technical Committee" is one author).
        listed = (self.metadata or {}).get(AUTHORS_KEY)
        if isinstance(listed, list) and ", ".join(map(str, listed)) == self.author:
            return listed
        return [name.strip() for name in self.author.replace("、", ",").split(",") if name.strip()]

    def get_absolute_url(self, language: str | None = None):
        if language:
            with translation.override(language):
                return reverse_slug("news:detail", "slug", self.slug)
        return reverse_slug("news:detail", "slug", self.slug)

    def url_for(self, language: str) -> str:
        return f"/{languages.url_prefix(language)}/news/{self.slug}/"

    # Saving ------------------------------------------------------------

    def clean(self):
        errors = {}
        if not self.has_text(self.source_language):
            errors[languages.field("title", self.source_language)] = _(
                "The source language (%(language)s) needs a title."
            ) % {"language": dict(languages.choices())[self.source_language]}
        for code in languages.codes():
            if getattr(self, languages.field("body", code), "") and not self.has_text(code):
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

    # What editors write in each language; a save that changes one of these wrote that language.
    WRITTEN_FIELDS = ("title", "summary", "body", "banner_alt")

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_texts = article._texts()
        # The slug as stored, to notice a change on save (old URLs keep working: ArticleSlugRedirect).
        article._stored_slug = article.__dict__.get("slug")
        return article

    def _texts(self) -> dict[str, tuple]:
        return {
            code: tuple(self.__dict__.get(languages.field(name, code)) for name in self.WRITTEN_FIELDS)
            for code in languages.codes()
        }

    def languages_written(self, *, created: bool) -> frozenset[str]:
        """The languages whose text differs from what was loaded (every language with text when new)."""
        loaded = getattr(self, "_loaded_texts", None)
        current = self._texts()
        if created or loaded is None:
            return frozenset(code for code, values in current.items() if any(values))
        return frozenset(code for code in current if current[code] != loaded.get(code))

    def save(self, *args, render: bool = True, **kwargs):
        """Save, rendering every language first; ``render=False`` when the caller just called ``render()``.

        Then the ``news.saving`` hooks run once, told which languages this save wrote.
        """
        if not self.slug:
            self.slug = self.make_slug()
        previous_slug = getattr(self, "_stored_slug", None)
        pending = saving.held(self)
        if render and pending is None:
            self.render(images=None if self.pk else {})
        # The source language is always ready: a state left from before a change of source would hide it in lists.
        self.set_language_state(self.source_language, LanguageState.READY)
        created = self._state.adding
        written = self.languages_written(created=created)
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)
        if previous_slug != self.slug:
            ArticleSlugRedirect.remember(self, old_slug=previous_slug)
        self._stored_slug = self.slug
        self._loaded_texts = self._texts()
        if pending is not None:
            # one_save renders and runs the hooks once, when the images are saved too.
            pending.created, pending.written = pending.created or created, pending.written | written
        elif not kwargs.get("raw"):
            saving.article_saved(self, created=created, languages_written=written)

    def make_slug(self) -> str:
        """From a title in Latin letters if there is one, else the date and a short unique suffix."""
        titles = (getattr(self, languages.field("title", code), "") or "" for code in languages.latin_first())
        base = next((slug for slug in map(ascii_slug, titles) if slug), "")
        if not base:
            base = f"{timezone.localtime(self.publish_at):%Y%m%d}-{secrets.token_hex(3)}"
        slug, n = base, 2
        while slug in self.RESERVED_SLUGS or Article.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def image_map(self, language: str = "") -> dict[str, markdown.ImageRef]:
        """Body image references one language can resolve: the shared images overlaid by its own (none: shared only)."""
        return self.image_maps([language])[language]

    def image_maps(self, codes) -> dict[str, dict[str, markdown.ImageRef]]:
        images = list(self.images.all())  # one query for every language
        return {code: {ref: image.as_ref() for ref, image in images_shown(images, code).items()} for code in codes}

    def rerender(self) -> None:
        """Render again after images changed; touches only the stored HTML."""
        self.render()
        fields = [languages.field(name, code) for name in self.RENDERED_FIELDS for code in languages.codes()]
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
        choices=languages.choices,
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
        if saving.held(self.article) is None:
            self.article.rerender()
            saving.article_saved(self.article, created=False, languages_written=frozenset())

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        if saving.held(self.article) is None:
            self.article.rerender()
            saving.article_saved(self.article, created=False, languages_written=frozenset())
        return result


def images_shown(images: Iterable[ArticleImage], language: str) -> dict[str, ArticleImage]:
    """The images a language shows, by normalised reference: the shared ones overlaid by its own."""
    shown = {}
    for image in sorted(images, key=lambda image: bool(image.language)):
        if image.language in ("", language):
            shown[image.normalized_reference] = image
    return shown


# Registered with the app through this module.
from news.article_records import ArticleSlugRedirect, ArticleSource, RevisionRelations, SearchDocument  # noqa: E402

__all__ = ["ArticleSlugRedirect", "ArticleSource", "RevisionRelations", "SearchDocument"]
