"""Article content to and from gettext PO files.

Translators work in their own tools (Poedit, Lokalize, Weblate, an editor).
An export offers every translatable piece of the selected articles: title,
summary, alt texts, category and tag names, and the Markdown body split into
segments (headings, paragraphs, list items, table cells, quotes). Code blocks
and raw HTML are not offered; link and image targets, inline HTML and bare
URLs become numbered placeholders (``{1}``) that must come back intact.

For each segment the portal records the source text a translation was made
from (``SegmentTranslation.translated_from``). When the source changes, the
next export marks the entry fuzzy and shows the old source as ``#| msgid``.
Category names and tag labels keep the same record in ``translated_from``.
This bookkeeping runs whenever an article is saved, so no sync step exists.

An import checks everything first (header, every msgctxt, the Markdown
skeleton of each translation) and applies nothing unless all of it is
valid; then, in one transaction, it saves through the models (which
re-render the HTML) and records what each translation was made from.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import to_language, to_locale

from news.models import Article, ArticleImage, Category
from tags.models import Tag
from translations import languages
from translations.models import SegmentTranslation, SourceSegment

PROJECT_ID = "portal-content"
PLURAL_FORMS = {"zh-hans": "nplurals=1; plural=0;"}
DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# --------------------------------------------------------------------------
# Markdown bodies as a skeleton with translatable segments
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A translatable piece of a Markdown body: inline text only.

    ``continuation`` is what each further line of the text needs in front of
    it (the indentation of a list item, the ``>`` of a quote).
    """

    kind: str
    text: str
    continuation: str = ""


Piece = str | Segment

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_ATX = re.compile(r"^(?P<marker>[ ]{0,3}(?P<level>#{1,6})[ \t]+)(?P<text>.*?)(?P<closing>[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^[ ]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^(?P<marker>[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(?P<text>\S.*)$")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]]+\]:")
_FOOTNOTE = re.compile(r"^(?P<marker>[ ]{0,3}\[\^[^\]]+\]:[ \t]*)(?P<text>.*)$")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "audio", "blockquote", "canvas", "center", "details", "dialog", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "iframe", "main", "map", "math", "nav", "noscript", "object", "ol", "p", "pre", "script", "section",
    "style", "summary", "svg", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video",
})  # fmt: skip
_HTML_START = re.compile(r"^[ ]{0,3}<(?:(?P<comment>!--)|/?(?P<tag>[A-Za-z][\w-]*))")


def _is_html_block(line: str) -> bool:
    match = _HTML_START.match(line)
    if not match:
        return False
    tag = match["tag"] or ""
    # Front-end framework components (<ClientOnly>, <news-header/>) are raw HTML too.
    return bool(match["comment"]) or tag.lower() in _HTML_BLOCK_TAGS or "-" in tag or tag[:1].isupper()


def _starts_block(line: str) -> bool:
    return bool(
        not line.strip()
        or _FENCE.match(line)
        or _ATX.match(line)
        or _QUOTE.match(line)
        or _LIST_ITEM.match(line)
        or _HR.match(line)
        or _is_html_block(line)
        or _LINK_DEFINITION.match(line)
        or _FOOTNOTE.match(line)
    )


def _split_row(line: str) -> list[str]:
    """Cells of a table row; pipes inside code spans or escaped do not split."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    cells, current, in_code = [], "", False
    for index, char in enumerate(row):
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code and (index == 0 or row[index - 1] != "\\"):
            cells.append(current)
            current = ""
        else:
            current += char
    cells.append(current)
    return [cell.strip() for cell in cells]


def _emit_row(cells: list[str], kind: str, prefix: str, out: list[Piece]) -> None:
    out.append(prefix + "|")
    for cell in cells:
        if cell:
            out.extend([" ", Segment(kind, cell), " |"])
        else:
            out.append("  |")
    out.append("\n")


def _hard_break(line: str) -> str:
    """Two trailing spaces end a line with a break; keep them after the segment."""
    return "  " if line.endswith("  ") and line.strip() else ""


def _parse(lines: list[str], prefix: str, out: list[Piece]) -> None:
    n, i, in_list, list_indent = len(lines), 0, False, 0

    def indentation(line: str) -> int:
        return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())

    def literal(start: int, end: int) -> None:
        out.append("".join(prefix + lines[k] + "\n" for k in range(start, end)))

    while i < n:
        line = lines[i]
        if not line.strip():
            out.append(prefix.rstrip() + "\n")
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            marker = fence["fence"]
            closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            j = i + 1
            while j < n and not closing.match(lines[j]):
                j += 1
            literal(i, min(j + 1, n))
            i = min(j + 1, n)
            continue
        code_indent = list_indent + 4 if in_list else 4
        if indentation(line) >= code_indent and not (in_list and _LIST_ITEM.match(line)):
            j = i
            while j < n and (indentation(lines[j]) >= code_indent or not lines[j].strip()):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            literal(i, j)
            i = j
            continue
        if _is_html_block(line):
            j = i
            while j < n and lines[j].strip():
                j += 1
            literal(i, j)
            i, in_list = j, False
            continue
        if _HR.match(line) or _LINK_DEFINITION.match(line):
            literal(i, i + 1)
            i += 1
            continue
        heading = _ATX.match(line)
        if heading:
            if heading["text"].strip():
                level = len(heading["level"])
                out.extend([prefix + heading["marker"], Segment(f"h{level}", heading["text"].strip()), "\n"])
            else:
                literal(i, i + 1)
            i, in_list = i + 1, False
            continue
        if _QUOTE.match(line):
            j = i
            while j < n and _QUOTE.match(lines[j]):
                j += 1
            _parse([_QUOTE.sub("", quoted, count=1) for quoted in lines[i:j]], prefix + "> ", out)
            i, in_list = j, False
            continue
        if "|" in line and i + 1 < n and "-" in lines[i + 1] and _TABLE_DELIMITER.match(lines[i + 1]):
            _emit_row(_split_row(line), "th", prefix, out)
            literal(i + 1, i + 2)
            j = i + 2
            while j < n and lines[j].strip() and "|" in lines[j]:
                _emit_row(_split_row(lines[j]), "td", prefix, out)
                j += 1
            i, in_list = j, False
            continue
        for pattern, kind in ((_LIST_ITEM, "li"), (_FOOTNOTE, "footnote")):
            item = pattern.match(line)
            if item:
                j = i + 1
                while j < n and not _starts_block(lines[j]):
                    j += 1
                text = "\n".join([item["text"], *(more.lstrip() for more in lines[i + 1 : j])]).strip()
                continuation = prefix + " " * len(item["marker"].expandtabs(4))
                out.append(prefix + item["marker"])
                out.extend([Segment(kind, text, continuation), _hard_break(lines[j - 1]) + "\n"] if text else ["\n"])
                i, in_list, list_indent = j, True, len(item["marker"].expandtabs(4))
                break
        else:
            # A paragraph, perhaps a setext heading, perhaps indented inside a list item.
            indent = line[: len(line) - len(line.lstrip())]
            j = i + 1
            while j < n and not _starts_block(lines[j]) and not _SETEXT.match(lines[j]):
                j += 1
            text = "\n".join(part.lstrip() for part in lines[i:j]).strip()
            if j < n and _SETEXT.match(lines[j]):
                kind = "h1" if lines[j].strip().startswith("=") else "h2"
                out.extend([prefix + indent, Segment(kind, text, prefix + indent), "\n"])
                literal(j, j + 1)
                j += 1
            else:
                out.extend([prefix + indent, Segment("p", text, prefix + indent), _hard_break(lines[j - 1]) + "\n"])
            i, in_list = j, in_list and bool(indent)


def split_markdown(text: str) -> list[Piece]:
    """The body as literal Markdown and translatable segments, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    out: list[Piece] = []
    _parse(text.split("\n"), "", out)
    # Nothing to translate in a piece that is only code, targets and numbers.
    return [piece if not isinstance(piece, Segment) or _has_words(piece.text) else _as_literal(piece) for piece in out]


def _has_words(text: str) -> bool:
    return any(char.isalpha() for char in _INLINE.sub("", text))


def _as_literal(segment: Segment) -> str:
    return segment.text.replace("\n", "\n" + segment.continuation)


def join_markdown(pieces: Sequence[Piece], translate: Callable[[int, Segment], str]) -> str:
    """Put a body back together; ``translate(index, segment)`` gives each segment's text."""
    parts, index = [], 0
    for piece in pieces:
        if isinstance(piece, Segment):
            parts.append(translate(index, piece).replace("\n", "\n" + piece.continuation))
            index += 1
        else:
            parts.append(piece)
    return "".join(parts).rstrip("\n") + "\n"


def body_segments(text: str) -> list[Segment]:
    return [piece for piece in split_markdown(text) if isinstance(piece, Segment)]


# --------------------------------------------------------------------------
# Placeholders: what a translator must not touch inside a segment
# --------------------------------------------------------------------------

_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<dest>\]\((?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\))"
    r"|(?P<ref>\]\[[^\[\]\n]*\])"
    r"|(?P<footnote>\[\^[^\[\]\s]+\])"
    r"|(?P<autolink><(?:https?|ftp|mailto):[^<>\s]+>|<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>)"
    r"|(?P<html><!--.*?-->|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<url>(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"\u3001\u3002\u300d\u300f\u3011\uff01\uff09\uff0c\uff1a\uff1b\uff1f])"
    r"|(?P<literal>\{\d+\})",
    re.S,
)
_PLACEHOLDER = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class Protected:
    """A segment as translators see it: targets replaced by ``{1}``, ``{2}``…"""

    text: str
    placeholders: tuple[str, ...]
    code: tuple[str, ...]


def protect(text: str) -> Protected:
    """Replace link and image targets, inline HTML and URLs by numbered placeholders."""
    placeholders: list[str] = []
    code: list[str] = []

    def replace(match: re.Match) -> str:
        kind = match.lastgroup if match.lastgroup != "ticks" else "code"
        token = match.group(0)
        if match["code"]:
            code.append(token)
            return token
        placeholders.append(token)
        number = f"{{{len(placeholders)}}}"
        if kind == "dest":
            return f"]({number})"
        if kind == "ref":
            return f"][{number}]"
        return number

    return Protected(text=_INLINE.sub(replace, text), placeholders=tuple(placeholders), code=tuple(code))


def _placeholder_value(token: str) -> str:
    """The part of a token a placeholder stands for (without the brackets the text keeps)."""
    if token.startswith("]("):
        return token[2:-1]
    if token.startswith("]["):
        return token[2:-1]
    return token


def restore(text: str, placeholders: Sequence[str]) -> str:
    """Put the targets back where a translation has their placeholders."""

    def replace(match: re.Match) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(placeholders):
            return _placeholder_value(placeholders[number - 1])
        return match.group(0)

    parts = re.split(r"(`+.+?`+)", text, flags=re.S)
    return "".join(part if index % 2 else _PLACEHOLDER.sub(replace, part) for index, part in enumerate(parts))


def protect_like(translation: str, placeholders: Sequence[str]) -> str:
    """A stored translation as it is offered again: the source's targets as its placeholders."""
    available = {}
    for number, token in enumerate(placeholders, start=1):
        available.setdefault(token, []).append(number)

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if match["code"] or token not in available or not available[token]:
            return token
        number = f"{{{available[token].pop(0)}}}"
        if token.startswith("]("):
            return f"]({number})"
        if token.startswith("]["):
            return f"][{number}]"
        return number

    return _INLINE.sub(replace, translation)


_LINE_MARKERS = (
    (re.compile(r"^#{1,6}[ \t]"), "#"),
    (re.compile(r"^>"), ">"),
    (re.compile(r"^[-*+][ \t]"), "-"),
    (re.compile(r"^\d{1,9}[.)][ \t]"), "1."),
    (re.compile(r"^(```|~~~)"), "```"),
    (re.compile(r"^([-*_])([ \t]*\1){2,}[ \t]*$"), "---"),
    (re.compile(r"^(=+|-+)[ \t]*$"), "==="),
)


def _line_markers(text: str) -> Counter:
    found = Counter()
    for line in text.split("\n"):
        for pattern, name in _LINE_MARKERS:
            if pattern.match(line.strip()):
                found[name] += 1
    return found


def skeleton_problems(*, source: str, translation: str, kind: str) -> list[str]:
    """Why a translation (with placeholders) would break the source's Markdown, if it would."""
    protected = protect(source)
    problems = []
    count = len(protected.placeholders)
    used = Counter(int(number) for number in _PLACEHOLDER.findall(_without_code(translation)))
    for number in sorted(used):
        if not 1 <= number <= count:
            problems.append(_("{%(number)d} is not a placeholder of the source text") % {"number": number})
        elif used[number] > 1:
            problems.append(
                _("placeholder {%(number)d} appears %(count)d times, the source has it once")
                % {"number": number, "count": used[number]}
            )
    for number in range(1, count + 1):
        if number not in used:
            problems.append(
                _("placeholder {%(number)d} (%(target)s) is missing")
                % {"number": number, "target": _placeholder_value(protected.placeholders[number - 1])}
            )
    restored = protect(restore(translation, protected.placeholders))
    extra = Counter(restored.placeholders) - Counter(protected.placeholders)
    problems.extend(_("adds a target that the source does not have: %(target)s") % {"target": token} for token in extra)
    if Counter(restored.code) != Counter(protected.code):
        missing = sorted((Counter(protected.code) - Counter(restored.code)).elements())
        added = sorted((Counter(restored.code) - Counter(protected.code)).elements())
        problems.extend(_("inline code %(code)s is missing or changed") % {"code": token} for token in missing)
        problems.extend(_("inline code %(code)s is not in the source") % {"code": token} for token in added)
    if _line_markers(translation) - _line_markers(protected.text):
        problems.append(_("a line starts with a Markdown marker (#, >, -, 1., ```) that the source does not have"))
    if "\n\n" in translation.strip() and "\n\n" not in protected.text:
        problems.append(_("an empty line would split the segment in two"))
    if kind.startswith("h") and "\n" in translation.strip() and "\n" not in protected.text:
        problems.append(_("a heading must stay on one line"))
    if kind in ("th", "td"):
        if "\n" in translation.strip():
            problems.append(_("a table cell must stay on one line"))
        if _unescaped_pipes(translation) != _unescaped_pipes(protected.text):
            problems.append(_("a | would split the table cell (write \\| for a literal bar)"))
    return problems


def _without_code(text: str) -> str:
    return re.sub(r"(`+).+?\1", "", text, flags=re.S)


def _unescaped_pipes(text: str) -> int:
    return len(re.findall(r"(?<!\\)\|", _without_code(text)))


# --------------------------------------------------------------------------
# What an article offers for translation, with stable keys
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Current translations, and the record of what they were made from
# --------------------------------------------------------------------------


def target_languages(article: Article) -> list[str]:
    return [code for code in languages.codes() if code != article.source_language]


def current_translations(
    *, article: Article, language: str, segments: Sequence[SourceSegment], records: dict[int, SegmentTranslation]
) -> dict[int, str]:
    """The text each segment has now in ``language``, by segment id.

    Fields are read directly. Body segments are found in the translated body:
    first by the text recorded for them, then by position among pieces of the
    same kind (a translation typed in the admin keeps the source's structure).
    A piece identical to the source counts only if it was recorded that way.
    """
    if not article.has_language(language):
        return {}
    images = {image_key(image): image for image in article.images.all()}
    found: dict[int, str] = {}
    body = [segment for segment in segments if segment.key.startswith("body-")]
    for segment in segments:
        if segment.key in FIELD_KINDS:
            value = (getattr(article, languages.field(segment.key, language), "") or "").strip()
        elif segment.key in images:
            value = (getattr(images[segment.key], languages.field("alt", language), "") or "").strip()
        else:
            continue
        if value:
            found[segment.pk] = value
    translated = body_segments(getattr(article, languages.field("body", language), "") or "")
    used: set[int] = set()
    positions: dict[str, list[int]] = {}
    for index, piece in enumerate(translated):
        positions.setdefault(piece.text, []).append(index)
    for segment in body:
        record = records.get(segment.pk)
        free = [index for index in positions.get(record.translation, ()) if index not in used] if record else []
        if free:
            found[segment.pk] = record.translation
            used.add(free[0])
    matcher = difflib.SequenceMatcher(
        a=[segment.kind for segment in body], b=[piece.kind for piece in translated], autojunk=False
    )
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag != "equal":
            continue
        for a, b in zip(range(a_start, a_end), range(b_start, b_end), strict=True):
            segment, piece = body[a], translated[b]
            if segment.pk in found or b in used:
                continue
            record = records.get(segment.pk)
            if piece.text == segment.text and not (record and record.translation == piece.text):
                continue  # the source text kept in place of a missing translation
            found[segment.pk] = piece.text
            used.add(b)
    return found


def _records(segments: Sequence[SourceSegment], language: str) -> dict[int, SegmentTranslation]:
    rows = SegmentTranslation.objects.filter(segment__in=segments, language=language)
    return {row.segment_id: row for row in rows}


def record_translations(*, article: Article, segments: Sequence[SourceSegment], new: bool = False) -> dict[str, int]:
    """Keep the record of what each translation was made from; return outdated counts (> 0) per language.

    A translation seen for the first time, or changed since it was recorded,
    was made from the source as it is now. One that stayed the same keeps its
    record, and is outdated when the source moved on.
    """
    if not new:
        SegmentTranslation.objects.filter(segment__article=article, language=article.source_language).delete()
    outdated = {}
    for language in target_languages(article):
        if not article.has_language(language):
            if not new:
                SegmentTranslation.objects.filter(segment__in=segments, language=language).delete()
            continue
        records = {} if new else _records(segments, language)
        texts = current_translations(article=article, language=language, segments=segments, records=records)
        stale = [record.pk for segment_id, record in records.items() if segment_id not in texts]
        if stale:
            SegmentTranslation.objects.filter(pk__in=stale).delete()
        created, changed = [], []
        for segment in segments:
            text = texts.get(segment.pk)
            record = records.get(segment.pk)
            if text is None:
                continue
            if record is None:
                created.append(
                    SegmentTranslation(
                        segment=segment, language=language, translated_from=segment.text, translation=text
                    )
                )
            elif record.translation != text:
                record.translated_from, record.translation = segment.text, text
                record.updated_at = timezone.now()
                changed.append(record)
        if created:
            SegmentTranslation.objects.bulk_create(created)
        if changed:
            SegmentTranslation.objects.bulk_update(changed, ["translated_from", "translation", "updated_at"])
        if new:  # everything recorded was just made from the current source
            count = sum(1 for segment in segments if segment.pk not in texts)
        else:
            count = count_outdated(segments=segments, language=language)
        if count:
            outdated[language] = count
    return outdated


def count_outdated(*, segments: Sequence[SourceSegment], language: str) -> int:
    """Segments without a translation made from their current text."""
    text = {segment.pk: segment.text for segment in segments}
    rows = SegmentTranslation.objects.filter(segment__in=segments, language=language)
    current = {pk for pk, source in rows.values_list("segment_id", "translated_from") if source == text.get(pk)}
    return sum(1 for segment in segments if segment.pk not in current)


def refresh(article: Article, *, new: bool = False) -> list[SourceSegment]:
    """Bring segments, translation records and the article's outdated counts up to date.

    Returns the segments. Runs on every save; exports run it too, for articles
    stored before this bookkeeping existed or written by bulk updates.
    """
    segments = sync_segments(article, new=new)
    outdated = record_translations(article=article, segments=segments, new=new)
    if outdated != article.outdated_segments:
        article.outdated_segments = outdated
        Article.objects.filter(pk=article.pk).update(outdated_segments=outdated)
    return segments


@receiver(post_save, sender=Article, dispatch_uid="translation_files_article_saved")
def _article_saved(sender, instance: Article, created: bool = False, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh(instance, new=created)


@receiver(post_save, sender=ArticleImage, dispatch_uid="translation_files_image_saved")
@receiver(post_delete, sender=ArticleImage, dispatch_uid="translation_files_image_deleted")
def _image_changed(sender, instance: ArticleImage, raw: bool = False, origin=None, **kwargs) -> None:
    deleting_article = isinstance(origin, Article) or getattr(origin, "model", None) is Article
    if raw or deleting_article:
        return  # the article goes too; recording anything for it now would break the deletion
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:
        refresh(article)


# --------------------------------------------------------------------------
# States shown in the admin and to visitors
# --------------------------------------------------------------------------

COMPLETE, MISSING, OUTDATED, SOURCE = "complete", "missing", "outdated", "source"


def translation_state(article: Article, language: str) -> tuple[str, int]:
    """(state, outdated segments) of one article in one language, without a query."""
    if language == article.source_language:
        return SOURCE, 0
    if not article.has_language(language):
        return MISSING, 0
    count = int((article.outdated_segments or {}).get(language, 0))
    return (OUTDATED, count) if count else (COMPLETE, 0)


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def po_language(language: str) -> str:
    """The ``Language`` header value for a Django language code (``zh_Hans``)."""
    return to_locale(language)


# Regional codes that PO editors write for the site's languages.
LANGUAGE_ALIASES = {"zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh": "zh-hans"}


def language_from_header(value: str) -> str | None:
    """The site language a ``Language`` header names (``zh_Hans``, ``zh_CN``, ``en_US``…), or None."""
    code = to_language(value.strip().replace("-", "_")).lower() if value.strip() else ""
    code = LANGUAGE_ALIASES.get(code, code)
    if code in languages.codes():
        return code
    base = code.split("-")[0]
    return base if base in languages.codes() and base not in LANGUAGE_ALIASES else None


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
        "Plural-Forms": PLURAL_FORMS.get(language, DEFAULT_PLURAL_FORMS),
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
    *, language: str, articles: Sequence[Article], only: str | None = None, base_url: str = ""
) -> polib.POFile:
    """A PO file offering the articles' text for translation into ``language``.

    ``only="missing"`` keeps entries without a translation, ``only="outdated"``
    the ones whose source changed since they were translated (fuzzy).
    """
    if only not in (None, "missing", "outdated"):
        raise ValueError(f"--only must be missing or outdated, not {only!r}")
    po = new_po_file(language=language)
    for article in articles:
        if article.source_language == language:
            continue
        segments = refresh(article)
        records = _records(segments, language)
        texts = current_translations(article=article, language=language, segments=segments, records=records)
        for segment in segments:
            entry = _entry(article, language, segment, texts.get(segment.pk), records.get(segment.pk), base_url)
            if _wanted(entry, only):
                po.append(entry)
    for entry in _name_entries(language=language, articles=articles):
        if _wanted(entry, only):
            po.append(entry)
    return po


def _wanted(entry: polib.POEntry, only: str | None) -> bool:
    if only == "missing":
        return not entry.msgstr
    if only == "outdated":
        return entry.fuzzy
    return True


def msgctxt_for(article: Article, key: str) -> str:
    return f"article:{article.pk}:{key}"


def _is_body(segment: SourceSegment) -> bool:
    return segment.key.startswith("body-")


def _entry(
    article: Article,
    language: str,
    segment: SourceSegment,
    translation: str | None,
    record: SegmentTranslation | None,
    base_url: str,
) -> polib.POEntry:
    comment = _comment(article, language, segment.kind, base_url)
    if _is_body(segment):
        protected = protect(segment.text)
        msgid = protected.text
        msgstr = protect_like(translation, protected.placeholders) if translation else ""
        # What each placeholder stands for; it must stay in the translation as it is.
        comment += "".join(
            f"\n{{{number}}} = {_placeholder_value(token)}"
            for number, token in enumerate(protected.placeholders, start=1)
        )
    else:
        msgid, msgstr = segment.text, translation or ""
    entry = polib.POEntry(msgctxt=msgctxt_for(article, segment.key), msgid=msgid, msgstr=msgstr, comment=comment)
    if translation and record is not None and record.translated_from != segment.text:
        entry.flags.append("fuzzy")
        entry.previous_msgid = protect(record.translated_from).text if _is_body(segment) else record.translated_from
    return entry


def _name_source(obj, field_name: str, language: str) -> str:
    for code in languages.codes():
        if code != language:
            value = (getattr(obj, languages.field(field_name, code), "") or "").strip()
            if value:
                return value
    return ""


def _name_entries(*, language: str, articles: Sequence[Article]) -> list[polib.POEntry]:
    categories = {article.category_id: article.category for article in articles if article.category_id}
    tags = {tag.pk: tag for article in articles for tag in article.tags.all()}
    entries = []
    for prefix, field_name, objects, label in (
        ("category", "name", categories.values(), "category name"),
        ("tag", "label", tags.values(), "tag"),
    ):
        for obj in sorted(objects, key=lambda item: item.slug):
            source = _name_source(obj, field_name, language)
            if source:
                entry = polib.POEntry(
                    msgctxt=f"{prefix}:{obj.slug}",
                    msgid=source,
                    msgstr=obj.name_in(language),
                    comment=f"{label}: {obj.get_absolute_url()}",
                )
                made_from = _name_made_from(obj, language, source)
                if entry.msgstr and made_from != source:
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = made_from
                entries.append(entry)
    return entries


def _name_made_from(obj: Category | Tag, language: str, source: str) -> str:
    """The source name the translation into ``language`` was made from (no record: the current one)."""
    return (obj.translated_from or {}).get(language, source)


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportReport:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    articles: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return (
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.untranslated)} left untranslated, {len(self.rejected)} rejected"
        )


@dataclass(frozen=True)
class PoSource:
    """A PO file to import: its name (for messages) and its text."""

    name: str
    text: str


@dataclass
class _Change:
    """What an import writes for one article."""

    article: Article
    segments: dict[str, SourceSegment]
    current: dict[int, str]
    new: dict[int, str] = field(default_factory=dict)  # segment id -> restored translation
    records: dict[int, SegmentTranslation] = field(default_factory=dict)
    first_line: int = 0
    file: str = ""


_QUOTED_LINE = re.compile(r'^\s*(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?|#\|\s*msg\w+)?\s*"')


def _syntax_problems(source: PoSource) -> list[Problem]:
    """Unterminated strings, which polib silently accepts."""
    problems = []
    for number, line in enumerate(source.text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("#|"):
            continue
        if _QUOTED_LINE.match(line):
            body = stripped[stripped.index('"') :]
            if len(body) < 2 or not body.endswith('"') or re.search(r'(?<!\\)(\\\\)*\\"$', body):
                problems.append(Problem(source.name, number, _("syntax error: string not closed with a quote")))
    return problems


def _msgfmt_problems(source: PoSource) -> list[Problem]:
    """What GNU msgfmt finds, when it is installed."""
    if not shutil.which("msgfmt"):
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.po"
        path.write_text(source.text, encoding="utf-8")
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
    problems = []
    for line in result.stderr.splitlines():
        match = re.match(rf"^{re.escape(str(path))}:(\d+):(?:\d+:)?\s*(.*)$", line)
        if match:
            problems.append(Problem(source.name, int(match.group(1)), _syntax_error(match.group(2))))
    return problems


def _syntax_error(detail: str) -> str:
    return _("syntax error: %(detail)s") % {"detail": detail}


def _parse_po(source: PoSource) -> tuple[polib.POFile | None, list[Problem]]:
    problems = _syntax_problems(source) or _msgfmt_problems(source)
    if problems:
        return None, problems
    try:
        return polib.pofile(source.text), []
    except (OSError, ValueError) as error:
        match = re.search(r"\(line (\d+)\)", str(error))
        return None, [Problem(source.name, int(match.group(1)) if match else 1, _syntax_error(str(error)))]


def _header_problems(po: polib.POFile, *, source: PoSource, language: str | None) -> tuple[str | None, list[Problem]]:
    header_line = 1
    problems = []
    project = po.metadata.get("Project-Id-Version", "")
    if project != PROJECT_ID:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Project-Id-Version is “%(found)s”, not “%(expected)s”: not a file of this site")
                % {"found": project, "expected": PROJECT_ID},
            )
        )
    declared = po.metadata.get("Language", "")
    found = language_from_header(declared)
    if found is None:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Language “%(language)s” is not one of the site's languages") % {"language": declared},
            )
        )
    elif language and found != language:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Language is “%(found)s”, but this import is for “%(expected)s”")
                % {"found": declared, "expected": po_language(language)},
            )
        )
    return found, problems


_ARTICLE_CONTEXT = re.compile(r"^article:(?P<pk>\d+):(?P<key>[\w-]+)$")
_NAME_CONTEXT = re.compile(r"^(?P<kind>category|tag):(?P<slug>[-\w]+)$")


def import_po(*, sources: Sequence[PoSource], language: str | None = None, dry_run: bool = False) -> ImportReport:
    """Check every file and entry, then apply them all in one transaction, or nothing.

    ``language``, when given, is the language the files must declare.
    """
    report = ImportReport(dry_run=dry_run)
    # Editors on some systems save a byte-order mark and CRLF line ends.
    sources = [
        PoSource(name=source.name, text=source.text.lstrip("\ufeff").replace("\r\n", "\n")) for source in sources
    ]
    parsed = []
    for source in sources:
        po, problems = _parse_po(source)
        report.rejected.extend(problems)
        if po is None:
            continue
        found, problems = _header_problems(po, source=source, language=language)
        report.rejected.extend(problems)
        if found is not None:
            parsed.append((source, po, found))
    found_languages = {found for _source, _po, found in parsed}
    if len(found_languages) > 1:
        report.rejected.append(Problem(sources[0].name, 1, _("the files are for different languages")))
    if report.rejected:
        return report
    with transaction.atomic():
        changes, names = _check_entries(parsed=parsed, report=report)
        if report.rejected:
            transaction.set_rollback(True)
            return report
        for change in changes.values():
            _apply(change, language=parsed[0][2], report=report)
        for obj, field_name, value in names:
            setattr(obj, field_name, value)
            obj.translated_from = {
                **(obj.translated_from or {}),
                parsed[0][2]: _name_source(obj, obj.name_field, parsed[0][2]),
            }
            obj.save()
        report.articles = [str(change.article) for change in changes.values() if change.new]
        if report.rejected or dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


@dataclass(frozen=True)
class _Located:
    """A PO entry and where it is, for messages."""

    entry: polib.POEntry
    file: str
    line: int  # of its msgctxt
    msgstr_line: int

    def problem(self, reason: str, *, at_msgstr: bool = False) -> Problem:
        return Problem(self.file, self.msgstr_line if at_msgstr else self.line, reason)


Parsed = tuple[PoSource, polib.POFile, str]
NameChange = tuple[Category | Tag, str, str]  # object, field, value


def _check_entries(*, parsed: Sequence[Parsed], report: ImportReport) -> tuple[dict[int, _Change], list[NameChange]]:
    """Check every entry; collect what the valid ones would change."""
    changes: dict[int, _Change] = {}
    names: list[NameChange] = []
    article_ids = {
        int(match["pk"])
        for _source, po, _language in parsed
        for entry in po
        if (match := _ARTICLE_CONTEXT.match(entry.msgctxt or ""))
    }
    articles = Article.objects.filter(pk__in=article_ids).prefetch_related("images").in_bulk()
    seen: dict[str, str] = {}
    for source, po, language in parsed:
        lines = source.text.split("\n")
        for entry in po:
            if entry.obsolete:
                continue
            located = _Located(
                entry=entry,
                file=source.name,
                line=_keyword_line(lines, entry.linenum, "msgctxt"),
                msgstr_line=_keyword_line(lines, entry.linenum, "msgstr"),
            )
            context = entry.msgctxt or ""
            if context in seen:
                report.rejected.append(
                    located.problem(
                        _("%(context)s appears twice (also in %(file)s)") % {"context": context, "file": seen[context]}
                    )
                )
                continue
            seen[context] = source.name
            if match := _ARTICLE_CONTEXT.match(context):
                _check_article_entry(
                    located=located, match=match, articles=articles, changes=changes, language=language, report=report
                )
            elif match := _NAME_CONTEXT.match(context):
                name = _check_name_entry(located=located, match=match, language=language, report=report)
                if name:
                    names.append(name)
            else:
                label = context or entry.msgid[:40]
                report.rejected.append(
                    located.problem(
                        _("unknown msgctxt “%(context)s”: not an article, category or tag entry") % {"context": label}
                    )
                )
    return changes, names


def _keyword_line(lines: list[str], start: int, keyword: str) -> int:
    """The line (from 1) where an entry starting at ``start`` has ``keyword``, else ``start``."""
    for index in range(max(start - 1, 0), len(lines)):
        if lines[index].startswith(keyword):
            return index + 1
        if index >= start and not lines[index].strip():
            break
    return start


def _check_article_entry(
    *,
    located: _Located,
    match: re.Match,
    articles: dict[int, Article],
    changes: dict[int, _Change],
    language: str,
    report: ImportReport,
) -> None:
    entry, context = located.entry, located.entry.msgctxt
    pk, key = int(match["pk"]), match["key"]
    article = articles.get(pk)
    if article is None:
        report.rejected.append(
            located.problem(
                _("unknown msgctxt “%(context)s”: no article with id %(id)d") % {"context": context, "id": pk}
            )
        )
        return
    if article.source_language == language:
        report.rejected.append(
            located.problem(
                _("%(context)s: “%(article)s” is written in this language; its source text is not imported")
                % {"context": context, "article": article}
            )
        )
        return
    change = changes.get(pk)
    if change is None:
        segments = {segment.key: segment for segment in sync_segments(article)}
        records = _records(list(segments.values()), language)
        current = current_translations(
            article=article, language=language, segments=list(segments.values()), records=records
        )
        change = changes[pk] = _Change(
            article=article, segments=segments, current=current, records=records, file=located.file
        )
    segment = change.segments.get(key)
    if segment is None:
        report.rejected.append(
            located.problem(
                _("unknown msgctxt “%(context)s”: “%(article)s” has no such segment (export again)")
                % {"context": context, "article": article}
            )
        )
        return
    expected = protect(segment.text).text if _is_body(segment) else segment.text
    if entry.msgid != expected:
        report.rejected.append(
            located.problem(
                _("%(context)s: the source text changed since this file was exported (export again)")
                % {"context": context}
            )
        )
        return
    if entry.fuzzy or not entry.msgstr.strip():
        report.untranslated.append(context)
        return
    msgstr = entry.msgstr.strip()
    if _is_body(segment):
        msgstr = "\n".join(line.lstrip() for line in msgstr.split("\n"))
        problems = skeleton_problems(source=segment.text, translation=msgstr, kind=segment.kind)
        if problems:
            report.rejected.extend(located.problem(f"{context}: {problem}", at_msgstr=True) for problem in problems)
            return
        msgstr = restore(msgstr, protect(segment.text).placeholders)
    elif "\n" in msgstr and segment.kind != "summary":
        report.rejected.append(
            located.problem(_("%(context)s: must stay on one line") % {"context": context}, at_msgstr=True)
        )
        return
    change.first_line = change.first_line or located.line
    record = change.records.get(segment.pk)
    if change.current.get(segment.pk) == msgstr and record is not None and record.translated_from == segment.text:
        report.unchanged.append(context)
        return
    change.new[segment.pk] = msgstr
    report.updated.append(context)


def _check_name_entry(*, located: _Located, match: re.Match, language: str, report: ImportReport) -> NameChange | None:
    entry, context = located.entry, located.entry.msgctxt
    model = Category if match["kind"] == "category" else Tag
    field_name = "name" if model is Category else "label"
    obj = model.objects.filter(slug=match["slug"]).first()
    if obj is None:
        report.rejected.append(
            located.problem(_("unknown msgctxt “%(context)s”: no such category or tag") % {"context": context})
        )
        return None
    if entry.msgid != _name_source(obj, field_name, language):
        report.rejected.append(
            located.problem(
                _("%(context)s: the source name changed since this file was exported (export again)")
                % {"context": context}
            )
        )
        return None
    if entry.fuzzy or not entry.msgstr.strip():
        report.untranslated.append(context)
        return None
    value = entry.msgstr.strip()
    if "\n" in value:
        report.rejected.append(
            located.problem(_("%(context)s: must stay on one line") % {"context": context}, at_msgstr=True)
        )
        return None
    if obj.name_in(language) == value and _name_made_from(obj, language, entry.msgid) == entry.msgid:
        report.unchanged.append(context)
        return None
    report.updated.append(context)
    return obj, languages.field(field_name, language), value


def _apply(change: _Change, *, language: str, report: ImportReport) -> None:
    """Write one article's new translations through the models, and record their sources."""
    if not change.new:
        return
    article = change.article
    by_id = {segment.pk: segment for segment in change.segments.values()}
    images = {image_key(image): image for image in article.images.all()}
    texts = {**change.current, **change.new}
    for segment_id, value in change.new.items():
        segment = by_id[segment_id]
        if segment.key in FIELD_KINDS:
            setattr(article, languages.field(segment.key, language), value)
    source_body = getattr(article, languages.field("body", article.source_language), "") or ""
    body_missing = source_body.strip() and not (getattr(article, languages.field("body", language), "") or "").strip()
    if body_missing or any(_is_body(by_id[segment_id]) for segment_id in change.new):
        body_keys = [segment for segment in change.segments.values() if _is_body(segment)]
        body_keys.sort(key=lambda segment: segment.position)
        setattr(
            article,
            languages.field("body", language),
            join_markdown(split_markdown(source_body), lambda index, piece: texts.get(body_keys[index].pk, piece.text)),
        )
    if not article.has_language(language):
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
    refresh(article)


def import_files(*, paths: Sequence[Path], language: str | None = None, dry_run: bool = False) -> ImportReport:
    """Import PO files from disk (see ``import_po``)."""
    sources = []
    for path in paths:
        try:
            sources.append(PoSource(name=str(path), text=Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            report = ImportReport(dry_run=dry_run)
            report.rejected.append(Problem(str(path), 1, _("cannot read the file: %(error)s") % {"error": error}))
            return report
    return import_po(sources=sources, language=language, dry_run=dry_run)
