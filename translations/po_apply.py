"""Writing what a checked PO file changes in one article, through the models.

A body is changed in place: each new segment replaces the piece of the
translated body that translates it (``translations.records.align``), and
nothing else moves. An empty translation is built on the original's
skeleton.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from news.models import Article
from portal import cache as page_cache
from translations import languages, readiness
from translations.checks import Problem
from translations.models import SegmentTranslation, SourceSegment
from translations.records import align, refresh
from translations.segments import FIELD_KINDS, image_key, is_body, join_markdown, split_markdown

if TYPE_CHECKING:
    from translations.po_import import ImportReport


@dataclass
class ArticleChange:
    """What an import writes for one article."""

    article: Article
    segments: dict[str, SourceSegment]
    current: dict[int, str]
    new: dict[int, str] = field(default_factory=dict)  # segment id -> restored translation
    confirmed: set[int] = field(default_factory=set)  # segment ids whose outdated translation stays as it is
    records: dict[int, SegmentTranslation] = field(default_factory=dict)
    first_line: int = 0
    file: str = ""


def apply_article(change: ArticleChange, *, language: str, report: ImportReport) -> None:
    """Write one article's new translations through the models, and record their sources."""
    if not change.new:
        if change.confirmed:
            _confirm(change, language=language)
            readiness.mark_ready_if_complete(change.article, language, segments=refresh(change.article))
            page_cache.content_changed()  # the visitors' "original was updated" note goes
            report.changed_objects.append(change.article)
        return
    article = change.article
    by_id = {segment.pk: segment for segment in change.segments.values()}
    images = {image_key(image): image for image in article.images.all()}
    texts = {**change.current, **change.new}
    readiness.start(article, language)
    for segment_id, value in change.new.items():
        segment = by_id[segment_id]
        if segment.key in FIELD_KINDS:
            setattr(article, languages.field(segment.key, language), value)
    body = _translated_body(change, language=language, texts=texts, by_id=by_id)
    if body is None:
        report.rejected.append(
            Problem(
                change.file,
                change.first_line,
                _(
                    "“%(article)s”: the blocks of its translation do not line up with the original's, so a PO file "
                    "cannot tell where a segment goes; edit the translation in the admin"
                )
                % {"article": article},
            )
        )
        return
    setattr(article, languages.field("body", language), body)
    if not article.has_text(language):
        report.rejected.append(
            Problem(
                change.file,
                change.first_line,
                _("“%(article)s” has no title in this language yet: translate its title entry too")
                % {"article": article},
            )
        )
        return
    article.save()
    for segment_id, value in change.new.items():
        segment = by_id[segment_id]
        if segment.key in images:
            image = images[segment.key]
            setattr(image, languages.field("alt", language), value)
            image.save()
    for segment_id, value in change.new.items():
        SegmentTranslation.objects.update_or_create(
            segment=by_id[segment_id],
            language=language,
            defaults={"translated_from": by_id[segment_id].text, "translation": value},
        )
    _confirm(change, language=language)
    readiness.mark_ready_if_complete(article, language, segments=refresh(article))
    report.changed_objects.append(article)


def _confirm(change: ArticleChange, *, language: str) -> None:
    """Confirmed translations count as made from the source as it is now; their text stays."""
    if not change.confirmed:
        return
    by_id = {segment.pk: segment for segment in change.segments.values()}
    records = list(SegmentTranslation.objects.filter(segment_id__in=change.confirmed, language=language))
    for record in records:
        record.translated_from = by_id[record.segment_id].text
        record.translation = change.current.get(record.segment_id, record.translation)
        record.updated_at = timezone.now()
    SegmentTranslation.objects.bulk_update(records, ["translated_from", "translation", "updated_at"])


def _translated_body(change: ArticleChange, *, language: str, texts: dict[int, str], by_id: dict) -> str | None:
    """The translated body with the new segments in place; None when they cannot be placed.

    An empty translation is built on the original's skeleton. Otherwise each
    new segment replaces the piece that translates it, and nothing else
    changes; a segment with no such piece is placed by rebuilding on the
    original's skeleton, when every piece of the translation lines up.
    """
    article = change.article
    source_body = getattr(article, languages.field("body", article.source_language), "") or ""
    body = getattr(article, languages.field("body", language), "") or ""
    ordered = sorted((segment for segment in change.segments.values() if is_body(segment)), key=lambda s: s.position)
    new = {segment_id: value for segment_id, value in change.new.items() if is_body(by_id[segment_id])}

    def on_skeleton() -> str:
        return join_markdown(split_markdown(source_body), lambda index, piece: texts.get(ordered[index].pk, piece.text))

    if not body.strip():
        return on_skeleton() if source_body.strip() else body
    if not new:
        return body
    pieces = split_markdown(body)
    translated = [piece for piece in pieces if not isinstance(piece, str)]
    placed = align(segments=ordered, pieces=translated, records=change.records, language=language, source_copies=True)
    if all(segment_id in placed for segment_id in new):
        replacements = {placed[segment_id]: value for segment_id, value in new.items()}
        return join_markdown(pieces, lambda index, piece: replacements.get(index, piece.text))
    if len(placed) == len(translated):
        return on_skeleton()
    return None
