"""Article text to a gettext PO file, for translation into one language.

One entry per source segment (title, summary, alt texts, body segments) and
per category and tag name. Body entries show targets as placeholders; an
entry whose source changed since its translation is ``#, fuzzy`` with the
old source as ``#| msgid``, read from ``translations.records``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polib
from django.utils import timezone

from news.models import Article, Category
from tags.models import Tag
from translations import languages, memory
from translations.models import SegmentTranslation, SourceSegment
from translations.placeholders import placeholder_value, protect, protect_like
from translations.records import current_translations, records_for, refresh
from translations.segments import KIND_LABELS, assign_keys, is_body, source_units

PROJECT_ID = "portal-content"


def po_language(language: str) -> str:
    """The ``Language`` header value for a site language (``zh_Hans``)."""
    return languages.get(language).gettext


def language_from_header(value: str) -> str | None:
    """The site language a ``Language`` header names (``zh_Hans``, ``zh_CN``, ``en_US``…), or None."""
    return languages.from_header(value)


def new_po_file(*, language: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    now = timezone.now().strftime("%Y-%m-%d %H:%M%z")
    po.metadata = {
        "Project-Id-Version": PROJECT_ID,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": po_language(language),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": languages.get(language).plural_forms,
        # Its translations as they were at this time: an import refuses to undo later ones (po_conflicts).
        "X-Exported-At": timezone.now().isoformat(timespec="microseconds"),
    }
    return po


def select_articles(*, language: str, slugs: Iterable[str] = (), category: str | None = None) -> list[Article]:
    """Articles that can be translated into ``language`` (written in another one).

    Unknown slugs or category are an error, named in the message.
    """
    if language not in languages.codes():
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(languages.codes())}")
    articles = Article.objects.exclude(source_language=language).select_related("category")
    slugs = list(slugs)
    if slugs:
        found = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValueError(f"no article with slug {', '.join(missing)}")
        articles = articles.filter(slug__in=slugs)
    if category:
        if not Category.objects.filter(slug=category).exists():
            raise ValueError(f"no category with slug {category!r}")
        articles = articles.filter(category__slug=category)
    return list(articles.prefetch_related("tags", "images").order_by("publish_at", "pk"))


def _comment(article: Article, language: str, kind: str, base_url: str) -> str:
    title = str(article)
    base = base_url.rstrip("/")
    return "\n".join(
        [
            f"{KIND_LABELS.get(kind, kind)} of “{title}”",
            f"original: {base}{article.url_for(article.source_language)}",
            f"translation: {base}{article.url_for(language)}",
        ]
    )


def export_po(
    *,
    language: str,
    articles: Sequence[Article],
    only: str | None = None,
    base_url: str = "",
    refresh_records: bool = True,
    suggest: bool = False,
    machine: bool = True,
) -> polib.POFile:
    """A PO file offering the articles' text for translation into ``language``.

    ``only="missing"`` keeps entries without a translation, ``only="outdated"``
    the ones whose source changed since they were translated (fuzzy).
    ``suggest`` fills untranslated entries from the translation memory, as
    ``#, fuzzy``: an import never applies them unless the translator accepts.
    ``machine=False`` asks the site's memory only, not a configured machine
    translation service (a download answering a request must not wait on one).
    ``refresh_records=False`` writes nothing (a download answering a GET): it
    reads the segments every save keeps, and cuts them in memory for an
    article written by a bulk path that kept none.
    """
    if only not in (None, "missing", "outdated"):
        raise ValueError(f"--only must be missing or outdated, not {only!r}")
    po = new_po_file(language=language)
    untranslated: list[tuple[polib.POEntry, SourceSegment]] = []
    for article in articles:
        if article.source_language == language:
            continue
        segments = refresh(article) if refresh_records else stored_segments(article)
        records = records_for(segments, language)
        texts = current_translations(article=article, language=language, segments=segments, records=records)
        for segment in segments:
            entry = _entry(article, language, segment, texts.get(segment.pk), records.get(segment.pk), base_url)
            if _wanted(entry, only):
                po.append(entry)
                if not entry.msgstr:
                    untranslated.append((entry, segment))
    for entry in _name_entries(language=language, articles=articles):
        if _wanted(entry, only):
            po.append(entry)
    if suggest:
        _suggest(untranslated, language=language, machine=machine)
    return po


def _suggest(untranslated: Sequence[tuple[polib.POEntry, SourceSegment]], *, language: str, machine: bool) -> None:
    texts = [segment.text for _entry, segment in untranslated]
    found = memory.suggest_many(texts, language, limit=1, machine=machine)
    for entry, segment in untranslated:
        suggestions = found.get(segment.text)
        if not suggestions:
            continue
        best = suggestions[0]
        entry.msgstr = (
            protect_like(best.translation, protect(segment.text).placeholders) if is_body(segment) else best.translation
        )
        entry.flags.append("fuzzy")
        entry.comment += f"\nsuggested by {best.origin} ({round(best.score * 100)}% alike)"


def stored_segments(article: Article) -> list[SourceSegment]:
    """The article's segments as saved, or, when it has none, cut now and not saved (negative ids)."""
    stored = list(article.source_segments.order_by("position"))
    if stored:
        return stored
    units = assign_keys(units=source_units(article), previous=[])
    return [
        SourceSegment(pk=-number, article=article, key=unit.key, kind=unit.kind, position=number, text=unit.text)
        for number, unit in enumerate(units, start=1)
    ]


def _wanted(entry: polib.POEntry, only: str | None) -> bool:
    if only == "missing":
        return not entry.msgstr
    if only == "outdated":
        return entry.fuzzy
    return True


def msgctxt_for(article: Article, key: str) -> str:
    return f"article:{article.pk}:{key}"


def _entry(
    article: Article,
    language: str,
    segment: SourceSegment,
    translation: str | None,
    record: SegmentTranslation | None,
    base_url: str,
) -> polib.POEntry:
    comment = _comment(article, language, segment.kind, base_url)
    if is_body(segment):
        protected = protect(segment.text)
        msgid = protected.text
        msgstr = protect_like(translation, protected.placeholders) if translation else ""
        # What each placeholder stands for; it must stay in the translation as it is.
        comment += "".join(
            f"\n{{{number}}} = {placeholder_value(token)}"
            for number, token in enumerate(protected.placeholders, start=1)
        )
    else:
        msgid, msgstr = segment.text, translation or ""
    entry = polib.POEntry(msgctxt=msgctxt_for(article, segment.key), msgid=msgid, msgstr=msgstr, comment=comment)
    if translation and record is not None and record.translated_from != segment.text:
        entry.flags.append("fuzzy")
        entry.previous_msgid = protect(record.translated_from).text if is_body(segment) else record.translated_from
    return entry


def name_source(obj, field_name: str, language: str) -> str:
    for code in languages.codes():
        if code != language:
            value = (getattr(obj, languages.field(field_name, code), "") or "").strip()
            if value:
                return value
    return ""


NAME_KINDS = (("category", "name", "category name"), ("tag", "label", "tag"))


def _name_entries(*, language: str, articles: Sequence[Article]) -> list[polib.POEntry]:
    categories = {article.category_id: article.category for article in articles if article.category_id}
    tags = {tag.pk: tag for article in articles for tag in article.tags.all()}
    return names_entries(language=language, categories=categories.values(), tags=tags.values())


def names_entries(*, language: str, categories: Iterable[Category], tags: Iterable[Tag]) -> list[polib.POEntry]:
    """The entries of category and tag names, by slug; names with no source text are left out."""
    entries = []
    for (prefix, field_name, label), objects in zip(NAME_KINDS, (categories, tags), strict=True):
        for obj in sorted(objects, key=lambda item: item.slug):
            source = name_source(obj, field_name, language)
            if source:
                entry = polib.POEntry(
                    msgctxt=f"{prefix}:{obj.slug}",
                    msgid=source,
                    msgstr=obj.name_in(language),
                    comment=f"{label}: {obj.get_absolute_url()}",
                )
                made_from = name_made_from(obj, language, source)
                if entry.msgstr and made_from != source:
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = made_from
                entries.append(entry)
    return entries


def name_made_from(obj: Category | Tag, language: str, source: str) -> str:
    """The source name the translation into ``language`` was made from (no record: the current one)."""
    return (obj.translated_from or {}).get(language, source)
