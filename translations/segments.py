"""What an article offers for translation: segments of its text, with stable keys.

A Markdown body is cut along the blocks ``news.blocks`` finds into literal
Markdown and translatable segments (headings, paragraphs, list items, table
cells, footnotes). Cutting is lossless: putting the segments back unchanged
gives the body exactly, so a translation can replace one segment without
touching anything else. Code blocks, raw HTML, reference definitions and
segments with nothing to translate (numbers, targets, code) stay literal.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from news import blocks
from news.models import Article, ArticleImage
from translations import languages
from translations.models import SourceSegment
from translations.placeholders import has_words


@dataclass(frozen=True)
class Segment:
    """A translatable piece of a Markdown body: inline text only.

    ``prefixes`` is what each further line of the text has in front of it
    (list indentation, the ``>`` of a quote); a translation with more lines
    repeats the last one, or ``continuation``.
    """

    kind: str
    text: str
    prefixes: tuple[str, ...] = ()
    continuation: str = ""

    def prefix(self, line: int) -> str:
        """What goes before line ``line`` (from 1) of a text put in this segment's place."""
        if line - 1 < len(self.prefixes):
            return self.prefixes[line - 1]
        return self.prefixes[-1] if self.prefixes else self.continuation

    def put(self, text: str) -> str:
        """``text`` laid out in this segment's place."""
        lines = text.split("\n")
        return lines[0] + "".join("\n" + self.prefix(number) + line for number, line in enumerate(lines[1:], 1))


Piece = str | Segment

_KINDS = {
    blocks.PARAGRAPH: "p",
    blocks.LIST_ITEM: "li",
    blocks.FOOTNOTE: "footnote",
}


def _kind(block: blocks.Block) -> str:
    if block.kind == blocks.HEADING:
        return f"h{block.level}"
    if block.kind == blocks.TABLE_ROW:
        return "th" if block.header else "td"
    return _KINDS[block.kind]


def split_markdown(text: str) -> list[Piece]:
    """The body as literal Markdown and translatable segments, in order; joined unchanged they give ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out: list[Piece] = []
    cursor = 0
    for block in blocks.parse(text):
        if not block.is_text:
            continue
        groups = [(span,) for span in block.spans] if block.kind == blocks.TABLE_ROW else [block.spans]
        for spans in groups:
            first, last = spans[0], spans[-1]
            value = "\n".join(lines[span.line][span.begin : span.end] for span in spans)
            if not value.strip() or not has_words(value):
                continue
            lead = lines[first.line][: first.begin]
            segment = Segment(
                kind=_kind(block),
                text=value,
                prefixes=tuple(lines[span.line][: span.begin] for span in spans[1:]),
                continuation=re.sub(r"[^\s>]", " ", lead),
            )
            start = starts[first.line] + first.begin
            if start > cursor:
                out.append(text[cursor:start])
            out.append(segment)
            cursor = starts[last.line] + last.end
    if cursor < len(text):
        out.append(text[cursor:])
    return out


def join_markdown(pieces: Sequence[Piece], translate: Callable[[int, Segment], str]) -> str:
    """Put a body back together; ``translate(index, segment)`` gives each segment's text."""
    parts, index = [], 0
    for piece in pieces:
        if isinstance(piece, Segment):
            parts.append(piece.put(translate(index, piece)))
            index += 1
        else:
            parts.append(piece)
    return "".join(parts)


def body_segments(text: str) -> list[Segment]:
    return [piece for piece in split_markdown(text) if isinstance(piece, Segment)]


FIELD_KINDS = {"title": "title", "summary": "summary", "banner_alt": "banner-alt"}
KIND_LABELS = {
    "title": "title",
    "summary": "summary",
    "banner-alt": "banner alt text",
    "image-alt": "image alt text",
    "p": "paragraph",
    "li": "list item",
    "th": "table header cell",
    "td": "table cell",
    "footnote": "footnote",
    **{f"h{level}": "heading" for level in range(1, 7)},
}


@dataclass(frozen=True)
class Unit:
    """One piece of an article's source text, before it has a key."""

    kind: str
    text: str
    key: str = ""  # fixed for fields, assigned by matching for body segments


def image_key(image: ArticleImage) -> str:
    return f"image-{image.pk}-alt"


def source_units(article: Article) -> list[Unit]:
    """Every translatable piece of the article's source language, in reading order."""
    source = article.source_language
    units = []
    for name, kind in FIELD_KINDS.items():
        value = (getattr(article, languages.field(name, source), "") or "").strip()
        if value:
            units.append(Unit(kind=kind, text=value, key=name))
    for image in article.images.all():
        if image.language == source:
            continue  # shown in the source language only: no other language reads its alt text
        value = (getattr(image, languages.field("alt", source), "") or "").strip()
        if value:
            units.append(Unit(kind="image-alt", text=value, key=image_key(image)))
    body = getattr(article, languages.field("body", source), "") or ""
    units.extend(Unit(kind=segment.kind, text=segment.text) for segment in body_segments(body))
    return units


def _new_key(unit: Unit, taken: set[str]) -> str:
    base = f"body-{hashlib.sha1(f'{unit.kind}:{unit.text}'.encode()).hexdigest()[:8]}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def assign_keys(*, units: Sequence[Unit], previous: Sequence[SourceSegment]) -> list[Unit]:
    """Give body units the keys of the segments they continue; new ones get a fresh key.

    Unchanged texts keep their key wherever they moved; a changed text keeps the
    key of the segment it replaced, so its translation is known to be outdated.
    """
    body_previous = [segment for segment in previous if segment.key.startswith("body-")]
    keys: list[str | None] = [unit.key or None for unit in units]
    body_index = [index for index, unit in enumerate(units) if not unit.key]
    matcher = difflib.SequenceMatcher(
        a=[segment.text for segment in body_previous], b=[units[index].text for index in body_index], autojunk=False
    )
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for a, b in zip(range(a_start, a_end), range(b_start, b_end), strict=False):
                keys[body_index[b]] = body_previous[a].key
    taken = {key for key in keys if key}
    result = []
    for unit, key in zip(units, keys, strict=True):
        if key is None:
            key = _new_key(unit, taken)
            taken.add(key)
        result.append(Unit(kind=unit.kind, text=unit.text, key=key))
    return result


def sync_segments(article: Article, *, new: bool = False) -> list[SourceSegment]:
    """Store the article's current source segments, keeping keys stable. Returns them in order.

    ``new``: the article was just created, so it has no segments yet.
    """
    previous = [] if new else list(article.source_segments.order_by("position"))
    units = assign_keys(units=source_units(article), previous=previous)
    by_key = {segment.key: segment for segment in previous}
    current, changed, created = [], [], []
    for position, unit in enumerate(units):
        segment = by_key.pop(unit.key, None)
        if segment is None:
            segment = SourceSegment(article=article, key=unit.key, kind=unit.kind, position=position, text=unit.text)
            created.append(segment)
        elif (segment.kind, segment.position, segment.text) != (unit.kind, position, unit.text):
            segment.kind, segment.position, segment.text = unit.kind, position, unit.text
            changed.append(segment)
        current.append(segment)
    if by_key:
        SourceSegment.objects.filter(pk__in=[segment.pk for segment in by_key.values()]).delete()
    if changed:
        SourceSegment.objects.bulk_update(changed, ["kind", "position", "text"])
    if created:
        # One statement for a new article's segments; the backends in use return their keys.
        SourceSegment.objects.bulk_create(created)
    return current


def is_body(segment: SourceSegment) -> bool:
    return segment.key.startswith("body-")
