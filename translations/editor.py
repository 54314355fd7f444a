"""The segment editor: an article's segments side by side with their translation, saved as a PO import.

``rows`` reads the PO file the download would give (``po_export.export_po``),
so the editor and the file agree on every text, state and placeholder. ``save``
fills the translator's texts into that same file and hands it to
``po_import.import_po``: the same checks, the same all-or-nothing writing,
the same records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polib
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from news.models import Article
from translations import languages, memory, po_export, po_import
from translations.checks import PoSource, keyword_line
from translations.diffs import word_diff
from translations.placeholders import placeholder_value, protect, protect_like
from translations.records import COMPLETE, MISSING, OUTDATED
from translations.segments import Segment, is_body, split_markdown

# What each kind of segment is called on the page (PO comments keep ``segments.KIND_LABELS``, in English).
KIND_NAMES = {
    "title": _("title"),
    "summary": _("summary"),
    "banner-alt": _("banner alt text"),
    "image-alt": _("image alt text"),
    "p": _("paragraph"),
    "li": _("list item"),
    "th": _("table header cell"),
    "td": _("table cell"),
    "footnote": _("footnote"),
    **{f"h{level}": _("heading") for level in range(1, 7)},
    "category": _("category name"),
    "tag": _("tag"),
}

# What is left of literal Markdown once its markers and spaces are gone: code blocks, raw HTML, definitions.
_MARKERS = re.compile(r"[\s#>\-*+|:\d.)=_]")


@dataclass
class Row:
    """One segment in the editor."""

    key: str
    kind: str
    source: str  # as translators see it: targets as placeholders
    translation: str  # what is stored now, in the same form
    state: str
    diff: SafeString | str = ""  # outdated: what changed in the source since the translation
    placeholders: list[tuple[int, str]] = field(default_factory=list)
    literal_before: list[str] = field(default_factory=list)  # code blocks and raw HTML before it, read-only
    suggestions: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    typed: str | None = None  # what the translator sent, kept when a save is refused
    confirm: bool = False  # "Still correct" ticked, kept when a save is refused
    saved: str | None = None  # what another save left, when it differs from what was typed

    @property
    def kind_label(self) -> str:
        return str(KIND_NAMES.get(self.kind, self.kind))

    @property
    def value(self) -> str:
        return self.translation if self.typed is None else self.typed


@dataclass
class SaveResult:
    report: po_import.ImportReport | None
    problems: dict[str, list[str]] = field(default_factory=dict)  # by segment key
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok


def article_po(article: Article, language: str) -> polib.POFile:
    """The article's entries of the PO file a download would give (no category or tag names)."""
    po = po_export.export_po(language=language, articles=[article], refresh_records=False)
    prefix = po_export.msgctxt_for(article, "")
    for entry in [entry for entry in po if not (entry.msgctxt or "").startswith(prefix)]:
        po.remove(entry)
    return po


def key_of(entry: polib.POEntry) -> str:
    return (entry.msgctxt or "").rsplit(":", 1)[-1]


def _literals(article: Article) -> tuple[dict[int, list[str]], list[str]]:
    """Read-only Markdown (code, raw HTML) before each body segment, by its index, and after the last."""
    body = getattr(article, languages.field("body", article.source_language), "") or ""
    before: dict[int, list[str]] = {}
    pending: list[str] = []
    index = 0
    for piece in split_markdown(body):
        if isinstance(piece, Segment):
            before[index], pending = pending, []
            index += 1
        elif _MARKERS.sub("", piece):
            pending.append(piece.strip("\n"))
    return before, pending


def rows(article: Article, language: str) -> tuple[list[Row], list[str]]:
    """The editor's rows in document order, with suggestions for those needing work; and the trailing literals."""
    segments = {segment.key: segment for segment in po_export.stored_segments(article)}
    literals, trailing = _literals(article)
    found: list[Row] = []
    body_index = 0
    for entry in article_po(article, language):
        key = key_of(entry)
        segment = segments[key]
        row = row_of(entry, key=key, kind=segment.kind)
        if key.startswith("body-"):
            protected = protect(segment.text)
            row.placeholders = [(n, placeholder_value(t)) for n, t in enumerate(protected.placeholders, start=1)]
            row.literal_before = literals.get(body_index, [])
            body_index += 1
        found.append(row)
    _add_suggestions(found, segments, language)
    return found, trailing


def row_of(entry: polib.POEntry, *, key: str, kind: str) -> Row:
    """A row from a PO entry: missing without a translation, outdated when fuzzy (with the source's diff)."""
    state = OUTDATED if entry.fuzzy else (COMPLETE if entry.msgstr else MISSING)
    row = Row(key=key, kind=kind, source=entry.msgid, translation=entry.msgstr, state=state)
    if entry.fuzzy and entry.previous_msgid is not None:
        row.diff = word_diff(entry.previous_msgid, entry.msgid)
    return row


def _add_suggestions(found: list[Row], segments: dict, language: str) -> None:
    """The site memory's suggestions for the rows needing work; machine ones are asked for (``machine_suggestions``)."""
    wanted = [row for row in found if row.state != COMPLETE]
    suggestions = memory.suggest_many([segments[row.key].text for row in wanted], language, machine=False)
    for row in wanted:
        segment = segments[row.key]
        for suggestion in suggestions.get(segment.text, []):
            shown = _shown(suggestion, segment)
            if shown["text"] != row.translation:
                row.suggestions.append(shown)


def _shown(suggestion: memory.Suggestion, segment) -> dict:
    """A suggestion as the editor shows it: a body segment's targets as its placeholders, the source's diff."""
    body = is_body(segment)
    placeholders = protect(segment.text).placeholders
    text = protect_like(suggestion.translation, placeholders) if body else suggestion.translation
    source = protect(suggestion.source).text if body else suggestion.source
    here = protect(segment.text).text if body else segment.text
    return {
        "text": text,
        "score": round(suggestion.score * 100),
        "origin": suggestion.origin,
        "diff": word_diff(source, here),
    }


def machine_suggestions(article: Article, language: str, key: str) -> tuple[list[dict], list[str]] | None:
    """What the machine providers suggest for one segment, and which failed (why); None for an unknown key."""
    segment = next((segment for segment in po_export.stored_segments(article) if segment.key == key), None)
    if segment is None:
        return None
    answer = memory.machine_suggest(segment.text, language)
    return [_shown(suggestion, segment) for suggestion in answer.suggestions], answer.failures


def clean(value: str) -> str:
    """A textarea's value as the import compares it: Unix line ends, no surrounding space."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def save(
    *,
    article: Article,
    language: str,
    submitted: dict[str, str],
    may_rename: frozenset[str],
    confirmed: frozenset[str] = frozenset(),
) -> SaveResult:
    """Write the texts the translator changed (by segment key) through the PO import: all of them, or none.

    A text equal to what the editor showed is left as it was (an outdated
    translation stays outdated) unless its key is in ``confirmed`` ("Still
    correct"): then it is sent unflagged, which the import records as made
    from today's source. An emptied text stays untranslated.
    """
    name = f"article-{article.pk}-{po_export.po_language(language)}.po"
    po = article_po(article, language)
    return import_filled(
        po, submitted, key=key_of, name=name, language=language, may_rename=may_rename, confirmed=confirmed
    )


def import_filled(
    po: polib.POFile,
    submitted: dict[str, str],
    *,
    key: Callable[[polib.POEntry], str],
    name: str,
    language: str,
    may_rename: frozenset[str],
    confirmed: frozenset[str] = frozenset(),
) -> SaveResult:
    """Put the changed and confirmed texts into ``po`` (entries found by ``key``) and import it.

    Problems are placed by key.
    """
    changed = False
    for entry in po:
        value = submitted.get(key(entry))
        if value is None:
            continue
        unchanged = clean(value) == entry.msgstr
        if unchanged and not (entry.fuzzy and entry.msgstr and key(entry) in confirmed):
            continue
        entry.msgstr = clean(value)
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        changed = True
    if not changed:
        return SaveResult(report=po_import.ImportReport(language=language))
    source = PoSource(name=name, text=str(po))
    report = po_import.import_po(sources=[source], language=language, may_rename=may_rename)
    result = SaveResult(report=report)
    lines = source.text.split("\n")
    by_line: dict[int, polib.POEntry] = {}
    for entry in polib.pofile(source.text):
        for keyword in ("msgctxt", "msgstr"):
            by_line[keyword_line(lines, entry.linenum, keyword)] = entry
    for problem in report.rejected:
        entry = by_line.get(problem.line)
        if entry is None:
            result.general.append(problem.reason)
        else:
            reason = problem.reason.removeprefix(f"{entry.msgctxt}: ")
            result.problems.setdefault(key(entry), []).append(reason)
    return result
