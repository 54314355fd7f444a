"""The machinery a translated, publishable content type is made of.

``Article`` is built from these pieces; a second content type (events, SIG
pages) subclasses ``TranslatedContent`` and ``Publishable``, attaches a
``PublishableQuerySet`` and registers its text fields with modeltranslation,
and gets per-language text with fallback, rendering at save, visibility and
the date rules that lists, feeds, sitemaps and the archive use.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.db.models.query import ValuesListIterable
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from news import markdown, markdown_html
from translations import languages


@cache
def site_zone() -> ZoneInfo:
    """The site's time zone: months and years are counted in it everywhere."""
    return ZoneInfo(settings.TIME_ZONE)


def local_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=site_zone())


def period(year: int, month: int | None = None) -> tuple[datetime, datetime]:
    """The start of a year, or of one of its months, in the site's time zone, and the start of the next."""
    if month is None:
        return local_start(year, 1), local_start(year + 1, 1)
    return local_start(year, month), local_start(year + month // 12, month % 12 + 1)


class Publishable(models.Model):
    """A status and a publication time: public once published and its time has come."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A published article with a future time stays hidden until then."),
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()


def _unindexed(column: str, output_field) -> models.Func:
    """``column`` as SQLite's unary "+" writes it: the same value, but not an index's bound."""
    return models.Func(models.F(column), template="+%(expressions)s", output_field=output_field)


class PublishableQuerySet(models.QuerySet):
    """Visibility, language and date rules, each defined once for every content type."""

    def plain_rows(self, *fields: str) -> list[tuple]:
        """The rows of ``values_list(*fields)`` through Django's iterable alone.

        modeltranslation wraps each row in three more iterables, which cost more than the
        query itself for a few hundred rows; these fields are never translated ones.
        """
        values = self.values_list(*fields)
        if not set(fields) <= set(values._fields):
            return list(values)
        # Django's iterable yields the fields in the order modeltranslation left them in (annotations first).
        positions = [values._fields.index(name) for name in fields]
        return [tuple(row[i] for i in positions) for row in ValuesListIterable(values)]

    def plain_ids(self) -> list:
        """The primary keys this query selects (``plain_rows``)."""
        return [row[0] for row in self.plain_rows("pk")]

    def published(self, now=None):
        """Visible to visitors: published, and its publication time has come."""
        return self.filter(status=Publishable.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def published_checked(
        self, now=None, *, start: datetime | None = None, end: datetime | None = None, category_id=None
    ):
        """``published`` (and ``in_period(start, end)``, ``in_category`` when given), checked on each row rather
        than offered to the database as index bounds.

        For a query whose rows are found another way (SQLite's full-text index, ``news.search``), which
        looks each article up in the publication index by its own bounds: SQLite uses one upper bound
        of a column for an index, and given "now" too would read from now down for every article; and
        given a category, it would use the category's index, which lacks what the other filters read.
        """
        checked = self.alias(
            checked_publish_at=_unindexed("publish_at", models.DateTimeField()),
            checked_category_id=_unindexed("category_id", models.BigIntegerField()),
        ).filter(status=Publishable.Status.PUBLISHED, checked_publish_at__lte=now or timezone.now())
        if start is not None:
            checked = checked.filter(checked_publish_at__gte=start, checked_publish_at__lt=end)
        if category_id is not None:
            checked = checked.filter(checked_category_id=category_id)
        return checked

    def scheduled(self, now=None):
        return self.filter(status=Publishable.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(status=Publishable.Status.DRAFT)

    def visible_to(self, user):
        """What a user may open: staff may preview drafts and scheduled articles."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def in_language(self, language: str):
        """Articles that show visitors their own text in ``language`` (not a fallback)."""
        return self.exclude(missing_condition(language))

    def missing_language(self, language: str):
        """Articles without a text in ``language`` that visitors may see: none, or one still in progress."""
        return self.filter(missing_condition(language))

    def in_progress(self, language: str):
        """Articles whose ``language`` translation is written but not ready yet."""
        return self.filter(**{f"{STATES_FIELD}__has_key": language})

    def in_year(self, year: int):
        """Published in that year of the site's time zone (``TIME_ZONE``), whatever zone is active."""
        return self.in_period(*period(year))

    def in_month(self, year: int, month: int):
        """Published in that month of the site's time zone."""
        return self.in_period(*period(year, month))

    def in_period(self, start: datetime, end: datetime):
        """Published from ``start`` until before ``end``."""
        return self.filter(publish_at__gte=start, publish_at__lt=end)

    def month_counts(self) -> "OrderedDict[int, list[tuple[datetime, int]]]":
        """Articles counted per month of the site's time zone, newest first, grouped by year (one query)."""
        rows = (
            self.annotate(month=TruncMonth("publish_at", tzinfo=site_zone()))
            .order_by()
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
        years = OrderedDict()
        for row in rows:
            years.setdefault(row["month"].year, []).append((row["month"], row["count"]))
        return years

    def newest_first(self):
        return self.order_by("-publish_at", "-id")

    def before(self, article: "Publishable"):
        """Older than ``article`` in the list's order (ties on the time broken by id), nearest first."""
        older = Q(publish_at__lt=article.publish_at) | Q(publish_at=article.publish_at, id__lt=article.id)
        # The plain bound lets the planner walk the publication index from the article (the OR alone does not).
        return self.filter(older, publish_at__lte=article.publish_at).order_by("-publish_at", "-id")

    def after(self, article: "Publishable"):
        """Newer than ``article``, nearest first."""
        newer = Q(publish_at__gt=article.publish_at) | Q(publish_at=article.publish_at, id__gt=article.id)
        return self.filter(newer, publish_at__gte=article.publish_at).order_by("publish_at", "id")


# Per target language, the state of its translation; a code not in it is ready.
STATES_FIELD = "language_states"


class LanguageState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    READY = "ready", _("Ready")


def missing_condition(language: str) -> Q:
    """No text in ``language`` that visitors may see, as a condition (to filter, or count in an aggregate)."""
    title = languages.field("title", language)
    return Q(**{title: ""}) | Q(**{f"{title}__isnull": True}) | Q(**{f"{STATES_FIELD}__has_key": language})


@dataclass(frozen=True)
class Translation:
    """A content item's text as shown in one language, perhaps a fallback.

    Fields are read from the article when asked for, so that list pages,
    which defer the bodies, never load them one article at a time.
    """

    language: str  # the language the text is written in
    requested: str  # the language the visitor asked for
    article: "TranslatedContent" = field(repr=False, compare=False)

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
    def body_text(self) -> str:
        return self._field("body_text")

    @property
    def banner_alt(self) -> str:
        return self._field("banner_alt") or self.title

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested


class TranslatedContent(models.Model):
    """Title, summary and Markdown body per language (modeltranslation fields), rendered once at save.

    Subclasses register ``TEXT_FIELDS`` (and their own) in their app's translation.py.
    """

    # What ``render`` makes of a body: its HTML, its table of contents, and its plain text by blocks (what
    # search snippets are cut from, stored so that a results page converts no HTML).
    RENDERED_FIELDS = ("body_html", "toc_html", "body_text")
    TEXT_FIELDS = ("title", "summary", "body", *RENDERED_FIELDS)

    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    source_language = models.CharField(
        _("source language"), max_length=10, choices=languages.choices, default=languages.default_code
    )
    # {code: "in_progress"} for each target language whose translation visitors may not see yet;
    # an absent code is ready, so the source language and older texts stay visible.
    language_states = models.JSONField(_("translation states"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def has_text(self, language: str) -> bool:
        """Whether ``language`` has a title at all, ready or not (what editors and translators work on)."""
        return bool(getattr(self, languages.field("title", language), ""))

    def language_state(self, language: str) -> str:
        if language != self.source_language and language in (self.language_states or {}):
            return LanguageState.IN_PROGRESS
        return LanguageState.READY

    def is_ready(self, language: str) -> bool:
        return self.language_state(language) == LanguageState.READY

    def set_language_state(self, language: str, state: str) -> None:
        """Record ``language``'s state on the instance (saving it is the caller's; the source is always ready)."""
        states = {code: value for code, value in (self.language_states or {}).items() if code != language}
        if state == LanguageState.IN_PROGRESS and language != self.source_language:
            states[language] = LanguageState.IN_PROGRESS.value
        self.language_states = states

    def has_language(self, language: str) -> bool:
        """Whether visitors see a text of its own in ``language``: written, and ready."""
        return self.has_text(language) and self.is_ready(language)

    @property
    def languages(self) -> list[str]:
        """The languages visitors see it in (the sitemap's and the page's alternates)."""
        return [code for code in languages.codes() if self.has_language(code)]

    @property
    def written_languages(self) -> list[str]:
        """Every language with a text, ready or not (exports keep them all)."""
        return [code for code in languages.codes() if self.has_text(code)]

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

    def image_maps(self, codes) -> dict[str, dict[str, markdown.ImageRef]]:
        """Per language, the images its body may reference; none unless a content type has images."""
        return {code: {} for code in codes}

    def render(self, *, images: dict[str, markdown.ImageRef] | None = None) -> None:
        """Render every language's body into the stored HTML fields.

        Each language with its own images (``image_maps``), unless ``images`` gives one map for all.
        """
        codes = languages.codes()
        maps = self.image_maps(codes) if images is None else dict.fromkeys(codes, images)
        for code in codes:
            body = getattr(self, languages.field("body", code), "") or ""
            # A language with no body (not written yet) has nothing to render.
            rendered = (
                markdown.render(body, images=maps[code], title=getattr(self, languages.field("title", code), "") or "")
                if body.strip()
                else markdown.Rendered(html="", toc_html="", headings=())
            )
            setattr(self, languages.field("body_html", code), rendered.html)
            setattr(self, languages.field("toc_html", code), rendered.toc_html)
            setattr(self, languages.field("body_text", code), markdown_html.block_text(rendered.html))


def fill_body_texts(model, *, batch_size: int = 500) -> int:
    """Every row's ``body_text`` made again from its ``body_html``, in each language ``model`` has (also a
    migration's model): after the field is added, and after a backup's rows are loaded. Returns the rows."""
    # Each language's column (body_html_en → body_text_en); the untranslated one is never read.
    pairs = [
        (field.name, "body_text" + field.name.removeprefix("body_html"))
        for field in model._meta.concrete_fields
        if field.name.startswith("body_html_")
    ]
    rows = model._default_manager.only("pk", *(html for html, _text in pairs)).order_by("pk")
    batch, count = [], 0
    for row in rows.iterator(chunk_size=batch_size):
        for html, text in pairs:
            setattr(row, text, markdown_html.block_text(getattr(row, html) or ""))
        batch.append(row)
        if len(batch) == batch_size:
            model._default_manager.bulk_update(batch, [text for _html, text in pairs])
            count, batch = count + len(batch), []
    if batch:
        model._default_manager.bulk_update(batch, [text for _html, text in pairs])
    return count + len(batch)
