import posixpath
import secrets
from collections import Counter, OrderedDict
from collections.abc import Iterable
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from news import markdown, saving
from news.content import LanguageState, Publishable, PublishableQuerySet, TranslatedContent
from portal.reversing import reverse_slug
from tags.models import LabelledTagManager, Tag, ascii_slug
from translations import languages
from translations.models import TranslatedName, first_filled

# Related articles are ranked among the newest articles sharing each tag, this many per tag: the walk
# behind them costs in proportion (60 per tag took 0.6 ms of an article page's 8 on SQLite).
RELATED_CANDIDATES = 30


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


class ArticleTags(models.QuerySet):
    """One article's tags as loaded with its list (``ArticleQuerySet.with_tags``).

    Iterating, counting and testing it read the loaded tags; anything derived from it
    (``filter``, ``values_list``, ``names()``…) asks the database for this article's tags.
    """

    def _clone(self):
        return Tag.objects.filter(tagged_articles__content_object_id=self.article_id)


class ArticleQuerySet(PublishableQuerySet):
    _with_tags = False
    # What a link to an article shows: its title in each language, its date and address.
    LINK_FIELDS = ("slug", "publish_at", "category", "language_states", "source_language", *languages.fields("title"))

    def with_tags(self):
        """Each article's tags loaded by one query for the whole result; ``article.tags.all()`` reads them.

        Not ``prefetch_related("tags")``: Django's prefetch builds a filtered tag query per
        article to hold its result, a quarter of a list page's time.
        """
        clone = self._chain()
        clone._with_tags = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_tags = self._with_tags
        return clone

    def _fetch_all(self):
        loaded = self._result_cache is not None
        super()._fetch_all()
        if self._with_tags and not loaded:
            attach_tags([item for item in self._result_cache if isinstance(item, Article)])

    def in_category(self, category):
        return self.filter(category=category)

    def tagged(self, tag):
        """Articles carrying ``tag``, as a condition checked per article (EXISTS on the (article, tag) index).

        Not a join: with statistics, SQLite would read every article of the tag and sort them
        for one page; the condition lets it walk the newest articles and stop after the page.
        """
        return self.filter(Exists(TaggedArticle.objects.filter(tag=tag, content_object_id=OuterRef("pk"))))

    def latest_per_category(self, per_category: int, categories) -> "OrderedDict[Category, list[Article]]":
        """The newest ``per_category`` articles of each category, in the categories' order (two queries + tags).

        Each category row carries the ids of its newest articles as scalar subqueries
        that walk the (category, status, publish_at) index and stop after one row, so
        the cost does not grow with the archive as a window over every article would.
        """
        newest = self.filter(category=OuterRef("pk")).newest_first().values("pk")
        picks = {f"newest_{i}": Subquery(newest[i : i + 1]) for i in range(per_category)}
        rows = [(category, [getattr(category, name) for name in picks]) for category in categories.annotate(**picks)]
        wanted = {pk for _category, ids in rows for pk in ids if pk is not None}
        # By primary key alone (the subqueries applied the rules): with them too, SQLite walked the index.
        chosen = self.model._default_manager.filter(pk__in=wanted).for_listing() if wanted else []
        found = {article.pk: article for article in chosen}
        sections = OrderedDict()
        for category, ids in rows:
            articles = [found[pk] for pk in ids if pk in found]
            if articles:
                sections[category] = articles
        return sections

    def related_to(self, article: "Article", *, limit: int, candidates: int = RELATED_CANDIDATES) -> list["Article"]:
        """Articles sharing the most tags with ``article``, among the newest that share any (``related_ids``)."""
        return self.model._default_manager.links(self.related_ids(article, limit=limit, candidates=candidates))

    def related_ids(self, article: "Article", *, limit: int, candidates: int = RELATED_CANDIDATES) -> list[int]:
        """The ids of the articles sharing the most tags with ``article``, among the newest that share any.

        Bounded work: the newest visible articles are walked through the
        (status, publish_at) index, each checked against the (article, tag)
        index of the through table, until ``candidates`` rows per tag are found;
        no query reads or sorts every article sharing a tag. Candidates are
        then ranked by shared tags in Python; ``article.tags`` is expected to be
        prefetched.
        """
        tag_ids = {tag.pk for tag in article.tags.all()}
        if not tag_ids:
            return []
        # One row per shared tag, so an article sharing two tags comes twice. Ids only: the walk reads the
        # publication index alone, and only the few best are loaded (as models, all candidates cost 5 ms).
        sharing = (
            self.exclude(pk=article.pk)
            .filter(taggedarticle__tag_id__in=tag_ids)
            .order_by("-publish_at", "-id")[: candidates * len(tag_ids)]
            .plain_ids()
        )
        shared = Counter(sharing)
        recency = {pk: index for index, pk in reversed(list(enumerate(sharing)))}
        return sorted(shared, key=lambda pk: (-shared[pk], recency[pk]))[:limit]

    def links(self, ids: list[int]) -> list["Article"]:
        """The articles ``ids``, in that order, with what a link to each shows and its category (one query).

        By primary key alone: the caller found the ids under the visibility rules (with the rules
        again, SQLite walked the publication index from the newest article to find these few).
        """
        if not ids:
            return []
        found = {found.pk: found for found in self.filter(pk__in=ids).for_links().select_related("category")}
        return [found[pk] for pk in ids if pk in found]

    def with_neighbour_ids(self):
        """Each article with the ids of the published articles before and after it in the lists' order
        (``previous_id``, ``next_id``), as scalar subqueries of its own query.

        Meant for public articles: everything older than a public article is due, so "until now"
        bounds only the newer one (with two upper bounds SQLite may walk the index from the
        newest article instead of from this one). A draft's neighbours are asked apart.
        """
        here = SimpleNamespace(publish_at=OuterRef("publish_at"), id=OuterRef("id"))
        published = self.model._default_manager.filter(status=self.model.Status.PUBLISHED)
        return self.annotate(
            previous_id=Subquery(published.before(here).values("pk")[:1]),
            next_id=Subquery(self.model._default_manager.published().after(here).values("pk")[:1]),
        )

    def for_reading(self):
        """Everything a reader sees, without the Markdown sources (half of a bilingual row)."""
        return self.defer("body", *languages.fields("body"))

    def for_links(self):
        """What a link to an article shows (title in each language, date): previous/next, related."""
        return self.only(*self.LINK_FIELDS)

    def for_listing(self, *, tags: bool = True):
        """Everything a list card shows, in a fixed number of queries."""
        # Only what a card shows: every column more costs the query's compilation and each row's loading.
        fields = (
            *self.LINK_FIELDS,
            "status",
            "banner",
            "banner_renditions",
            *languages.fields("summary"),
        )
        listing = self.select_related("category").only(*fields)
        return listing.with_tags() if tags else listing


def attach_tags(articles: list["Article"]) -> None:
    """Load the tags of ``articles`` with one query, where ``article.tags.all()`` finds them."""
    if not articles:
        return
    by_article = {article.pk: [] for article in articles}
    rows = (
        Tag.objects.filter(tagged_articles__content_object_id__in=list(by_article))
        .annotate(tagged_article_id=models.F("tagged_articles__content_object_id"))
        .order_by("tagged_articles__pk")
    )
    for tag in rows:
        by_article[tag.tagged_article_id].append(tag)
    # Copies of one holder: its query is never run or changed (anything derived is a new query), and a
    # queryset's own construction cost more than the rest of loading a card's tags.
    holder = ArticleTags(model=Tag)
    holder._prefetch_done = True
    for article in articles:
        tags = ArticleTags.__new__(ArticleTags)  # not copy.copy: pickling support would run the query
        tags.__dict__.update(holder.__dict__)
        tags.article_id = article.pk
        tags._result_cache = by_article[article.pk]
        article.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = tags


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
        fields = [languages.field(name, code) for name in ("body_html", "toc_html") for code in languages.codes()]
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
