"""What each translation was made from, and the translation state everyone reads.

For every source segment and target language a ``SegmentTranslation`` says
which source text the translation was written from. A translation is
*outdated* only when its source text changed after the translation was
written: text written together (a new article in two languages, an import
of a pair, one admin save of both, a PO file applied) is current. A segment
whose translation cannot be told apart in the translated body (the two
languages' blocks do not line up) is covered by the translation as a whole:
recorded with an empty translation, so the next change of its source is
tracked from there.

``refresh`` runs after every article save (``news.saving``, registered in
``translations.apps``) and stores the per-language count of outdated
segments on the article; ``translation_state`` reads only that, so the
admin column and filter, the dashboard, PO exports and the visitor note
agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from django.utils import timezone

from news.models import Article
from translations import languages
from translations.models import SegmentTranslation, SourceSegment
from translations.segments import FIELD_KINDS, body_segments, image_key, is_body, sync_segments

COMPLETE, MISSING, OUTDATED, SOURCE = "complete", "missing", "outdated", "source"


def target_languages(article: Article) -> list[str]:
    return [code for code in languages.codes() if code != article.source_language]


def _foreign(text: str, language: str) -> bool:
    """Whether ``text`` has characters only another language writes (Chinese left in an English body)."""
    return any(
        other.script is not None and other.code != language and other.script.search(text)
        for other in languages.languages()
    )


def align(
    *,
    segments: Sequence[SourceSegment],
    pieces: Sequence,
    records: dict[int, SegmentTranslation],
    language: str,
    source_copies: bool = False,
) -> dict[int, int]:
    """Which piece of the translated body translates each body segment: segment id → piece index.

    First by the text recorded for a segment, then by position among pieces
    of the same kind (a translation typed in the admin keeps the source's
    structure). A piece identical to its source counts when it needs no
    translation (a name, a number, ``CPU``), not when it is text in another
    language left in place of a translation, unless ``source_copies``: then it
    is where that segment's translation goes (a file filling what an earlier,
    partial one left in the original).
    """
    body = [segment for segment in segments if is_body(segment)]
    found: dict[int, int] = {}
    used: set[int] = set()
    positions: dict[str, list[int]] = {}
    for index, piece in enumerate(pieces):
        positions.setdefault(piece.text, []).append(index)
    for segment in body:
        record = records.get(segment.pk)
        if record is None or not record.translation:
            continue
        free = [index for index in positions.get(record.translation, ()) if index not in used]
        if free:
            found[segment.pk] = free[0]
            used.add(free[0])
    matcher = difflib.SequenceMatcher(
        a=[segment.kind for segment in body], b=[piece.kind for piece in pieces], autojunk=False
    )
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag != "equal":
            continue
        for a, b in zip(range(a_start, a_end), range(b_start, b_end), strict=True):
            segment, piece = body[a], pieces[b]
            if segment.pk in found or b in used:
                continue
            if piece.text == segment.text and _foreign(piece.text, language) and not source_copies:
                continue
            found[segment.pk] = b
            used.add(b)
    return found


def current_translations(
    *, article: Article, language: str, segments: Sequence[SourceSegment], records: dict[int, SegmentTranslation]
) -> dict[int, str]:
    """The text each segment has now in ``language``, by segment id (fields directly, body pieces by ``align``)."""
    if not article.has_text(language):
        return {}
    images = {image_key(image): image for image in article.images.all()}
    found: dict[int, str] = {}
    for segment in segments:
        if segment.key in FIELD_KINDS:
            value = (getattr(article, languages.field(segment.key, language), "") or "").strip()
        elif segment.key in images:
            value = (getattr(images[segment.key], languages.field("alt", language), "") or "").strip()
        else:
            continue
        if value:
            found[segment.pk] = value
    pieces = body_segments(getattr(article, languages.field("body", language), "") or "")
    for segment_id, index in align(segments=segments, pieces=pieces, records=records, language=language).items():
        found[segment_id] = pieces[index].text
    return found


def records_for(segments: Sequence[SourceSegment], language: str) -> dict[int, SegmentTranslation]:
    rows = SegmentTranslation.objects.filter(segment__in=segments, language=language)
    return {row.segment_id: row for row in rows}


def record_translations(
    *, article: Article, segments: Sequence[SourceSegment], written: frozenset[str], new: bool = False
) -> dict[str, int]:
    """Keep the record of what each translation was made from; return outdated counts (> 0) per language.

    A translation seen for the first time, or changed since it was recorded,
    was made from the source as it is now. One that stayed the same keeps its
    record, and is outdated when the source moved on. ``written``: the
    languages whose text this save wrote; a segment they do not show one by
    one is covered by their translation as a whole.
    """
    if not new:
        SegmentTranslation.objects.filter(segment__article=article, language=article.source_language).delete()
    outdated = {}
    for language in target_languages(article):
        if not article.has_text(language):
            if not new:
                SegmentTranslation.objects.filter(segment__in=segments, language=language).delete()
            continue
        records = {} if new else records_for(segments, language)
        texts = current_translations(article=article, language=language, segments=segments, records=records)
        created, changed = [], []
        together = new or language in written
        for segment in segments:
            text, record = texts.get(segment.pk), records.get(segment.pk)
            if text is None:
                if record is not None and (record.translation or together):
                    # Its piece is gone or no longer found: the translation as a whole now stands for it.
                    record.translated_from = segment.text if together else record.translated_from
                    record.translation = ""
                    changed.append(record)
                elif record is None:
                    # Written with the translation: covered by it. Added to the source later: not translated yet.
                    made_from = segment.text if together else ""
                    created.append(
                        SegmentTranslation(
                            segment=segment, language=language, translated_from=made_from, translation=""
                        )
                    )
            elif record is None:
                created.append(
                    SegmentTranslation(
                        segment=segment, language=language, translated_from=segment.text, translation=text
                    )
                )
            elif record.translation != text:
                record.translated_from, record.translation = segment.text, text
                changed.append(record)
        for record in changed:
            record.updated_at = timezone.now()
        if created:
            SegmentTranslation.objects.bulk_create(created)
        if changed:
            SegmentTranslation.objects.bulk_update(changed, ["translated_from", "translation", "updated_at"])
        count = 0 if new else count_outdated(segments=segments, language=language)
        if count:
            outdated[language] = count
    return outdated


def count_outdated(*, segments: Sequence[SourceSegment], language: str) -> int:
    """Segments whose translation was made from a source text that has changed since."""
    text = {segment.pk: segment.text for segment in segments}
    rows = SegmentTranslation.objects.filter(segment__in=segments, language=language)
    return sum(1 for pk, source in rows.values_list("segment_id", "translated_from") if source != text.get(pk))


def refresh(article: Article, *, new: bool = False, written: frozenset[str] = frozenset()) -> list[SourceSegment]:
    """Bring segments, translation records and the article's outdated counts up to date; return the segments."""
    segments = sync_segments(article, new=new)
    outdated = record_translations(article=article, segments=segments, written=written, new=new)
    if outdated != article.outdated_segments:
        article.outdated_segments = outdated
        Article.objects.filter(pk=article.pk).update(outdated_segments=outdated)
    return segments


def article_saved(article: Article, created: bool, languages_written: frozenset[str]) -> None:
    """The hook ``news.saving`` calls after every save of an article or of one of its images."""
    refresh(article, new=created, written=languages_written)


def translation_state(article: Article, language: str) -> tuple[str, int]:
    """(state, outdated segments) of one article in one language, without a query."""
    if language == article.source_language:
        return SOURCE, 0
    if not article.has_text(language):
        return MISSING, 0
    count = int((article.outdated_segments or {}).get(language, 0))
    return (OUTDATED, count) if count else (COMPLETE, 0)
