"""A translated PO file back into the articles, categories and tags: all of it, or nothing.

Everything is checked first (``translations.checks`` for the file, then each
entry: its msgctxt, that its source text is still the exported one, the
Markdown skeleton of its translation). Only then, in one transaction, the
changes are written through the models: a body is changed in place, one
segment at a time, so what a translator did not touch stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polib
from django.db import transaction
from django.utils.translation import gettext as _

from news.models import Article, Category
from portal.text import clean_control_chars
from tags.models import Tag
from translations import languages, po_conflicts
from translations.checks import PoSource, Problem, header_problems, keyword_line, parse_po
from translations.placeholders import protect, protect_like, restore, skeleton_problems
from translations.po_apply import ArticleChange, apply_article
from translations.po_export import name_made_from, name_source
from translations.records import current_translations, records_for
from translations.segments import is_body, sync_segments


@dataclass(frozen=True)
class Change:
    """One entry that changes something, for the preview: where, and the text before and after."""

    context: str
    label: str  # the article, category or tag it belongs to
    before: str
    after: str
    site_wide: bool = False  # a category or tag name: every page that shows it changes


@dataclass(frozen=True)
class PagePreview:
    """How an article's page in the target language reads once the file is applied (dry runs)."""

    label: str
    language: str
    title: str
    body_html: str

    @property
    def html_lang(self) -> str:
        return languages.html_lang(self.language)


@dataclass
class ImportReport:
    updated: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # outdated, kept as they are: now made from today's source
    unchanged: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    changed_objects: list = field(default_factory=list)  # articles, categories and tags written
    language: str | None = None
    applied: bool = False
    dry_run: bool = False
    articles: list[str] = field(default_factory=list)
    pages: list[PagePreview] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def writes(self) -> bool:
        """Whether applying the file changes anything (a text, or what a translation counts as made from)."""
        return bool(self.updated or self.confirmed)

    def summary(self) -> str:
        return (
            f"{len(self.updated)} updated, {len(self.confirmed)} confirmed, {len(self.unchanged)} unchanged, "
            f"{len(self.untranslated)} left untranslated, {len(self.rejected)} rejected"
        )


_ARTICLE_CONTEXT = re.compile(r"^article:(?P<pk>\d+):(?P<key>[\w-]+)$")
_NAME_CONTEXT = re.compile(r"^(?P<kind>category|tag):(?P<slug>[-\w]+)$")


def import_po(
    *,
    sources: Sequence[PoSource],
    language: str | None = None,
    dry_run: bool = False,
    may_rename: frozenset[str] = frozenset({"category", "tag"}),
) -> ImportReport:
    """Check every file and entry, then apply them all in one transaction, or nothing.

    The language comes from each file's header; ``language``, when given, is
    the one the files must declare. ``may_rename`` names the kinds of names
    (``category``, ``tag``) this import may change: their entries are
    rejected otherwise, since a name shows on every page of the site.
    """
    report = ImportReport(dry_run=dry_run)
    # Editors on some systems save a byte-order mark and CRLF line ends.
    sources = [
        PoSource(name=source.name, text=source.text.lstrip("\ufeff").replace("\r\n", "\n")) for source in sources
    ]
    parsed = []
    for source in sources:
        po, problems = parse_po(source)
        report.rejected.extend(problems)
        if po is None:
            continue
        found, problems = header_problems(po, source=source, language=language)
        report.rejected.extend(problems)
        report.rejected.extend(po_conflicts.header_problems(po, source))
        if found is not None:
            parsed.append((source, po, found))
    found_languages = {found for _source, _po, found in parsed}
    if len(found_languages) > 1:
        report.rejected.append(Problem(sources[0].name, 1, _("the files are for different languages")))
    if report.rejected:
        return report
    report.language = parsed[0][2]
    with transaction.atomic():
        changes, names = _check_entries(parsed=parsed, report=report, may_rename=may_rename)
        if report.rejected:
            transaction.set_rollback(True)
            return report
        for change in changes.values():
            apply_article(change, language=parsed[0][2], report=report)
        for obj, field_name, value in names:
            setattr(obj, field_name, value)
            obj.translated_from = {
                **(obj.translated_from or {}),
                parsed[0][2]: name_source(obj, obj.name_field, parsed[0][2]),
            }
            obj.save()
            report.changed_objects.append(obj)
        report.articles = [str(change.article) for change in changes.values() if change.new]
        if dry_run and not report.rejected:
            # Rendered by the save the transaction is about to undo: the page as visitors would read it.
            report.pages = [
                PagePreview(
                    label=str(change.article),
                    language=parsed[0][2],
                    title=getattr(change.article, languages.field("title", parsed[0][2]), "") or "",
                    body_html=getattr(change.article, languages.field("body_html", parsed[0][2]), "") or "",
                )
                for change in changes.values()
                if change.new and change.article in report.changed_objects
            ]
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


def _check_entries(
    *, parsed: Sequence[Parsed], report: ImportReport, may_rename: frozenset[str]
) -> tuple[dict[int, ArticleChange], list[NameChange]]:
    """Check every entry; collect what the valid ones would change."""
    changes: dict[int, ArticleChange] = {}
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
        exported = po_conflicts.exported_at(po)
        for entry in po:
            if entry.obsolete:
                continue
            # As the admin's forms do: a translation never brings control characters in (feeds, PostgreSQL).
            entry.msgstr = clean_control_chars(entry.msgstr)
            located = _Located(
                entry=entry,
                file=source.name,
                line=keyword_line(lines, entry.linenum, "msgctxt"),
                msgstr_line=keyword_line(lines, entry.linenum, "msgstr"),
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
                    located=located,
                    match=match,
                    articles=articles,
                    changes=changes,
                    language=language,
                    report=report,
                    exported=exported,
                )
            elif match := _NAME_CONTEXT.match(context):
                name = _check_name_entry(
                    located=located, match=match, language=language, report=report, may_rename=may_rename
                )
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


def _check_article_entry(
    *,
    located: _Located,
    match: re.Match,
    articles: dict[int, Article],
    changes: dict[int, ArticleChange],
    language: str,
    report: ImportReport,
    exported: datetime | None = None,
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
        records = records_for(list(segments.values()), language)
        current = current_translations(
            article=article, language=language, segments=list(segments.values()), records=records
        )
        change = changes[pk] = ArticleChange(
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
    protected = protect(segment.text)
    expected = protected.text if is_body(segment) else segment.text
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
    if is_body(segment):
        msgstr = "\n".join(line.lstrip() for line in msgstr.split("\n"))
    record = change.records.get(segment.pk)
    current = change.current.get(segment.pk)
    # The same text, whatever spelling of its targets the translation uses (./a.png, a.png).
    same = current is not None and (
        current == msgstr or (is_body(segment) and protect_like(current, protected.placeholders) == msgstr)
    )
    if same and record is not None:
        if record.translated_from == segment.text:
            report.unchanged.append(context)
        else:
            # gettext's convention: an outdated entry no longer fuzzy keeps its text as the confirmed translation.
            change.confirmed.add(segment.pk)
            report.confirmed.append(context)
        return
    if is_body(segment):
        problems = skeleton_problems(source=segment.text, translation=msgstr, kind=segment.kind)
        if problems:
            report.rejected.extend(located.problem(f"{context}: {problem}", at_msgstr=True) for problem in problems)
            return
        msgstr = restore(msgstr, protected.placeholders)
    elif "\n" in msgstr and segment.kind != "summary":
        report.rejected.append(
            located.problem(_("%(context)s: must stay on one line") % {"context": context}, at_msgstr=True)
        )
        return
    conflict = po_conflicts.changed_since(
        article=article, record=record, current=current, new=msgstr, exported=exported, context=context
    )
    if conflict:
        report.rejected.append(located.problem(conflict, at_msgstr=True))
        return
    change.first_line = change.first_line or located.line
    change.new[segment.pk] = msgstr
    report.updated.append(context)
    report.changes.append(Change(context=context, label=str(article), before=current or "", after=msgstr))


def _check_name_entry(
    *, located: _Located, match: re.Match, language: str, report: ImportReport, may_rename: frozenset[str]
) -> NameChange | None:
    entry, context = located.entry, located.entry.msgctxt
    model = Category if match["kind"] == "category" else Tag
    field_name = "name" if model is Category else "label"
    obj = model.objects.filter(slug=match["slug"]).first()
    if obj is None:
        report.rejected.append(
            located.problem(_("unknown msgctxt “%(context)s”: no such category or tag") % {"context": context})
        )
        return None
    if entry.msgid != name_source(obj, field_name, language):
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
    if obj.name_in(language) == value:
        if name_made_from(obj, language, entry.msgid) == entry.msgid:
            report.unchanged.append(context)
            return None
        # Confirmed as still right: no page changes, so no permission to rename is needed.
        report.confirmed.append(context)
        return obj, languages.field(field_name, language), value
    if match["kind"] not in may_rename:
        report.rejected.append(
            located.problem(
                _("%(context)s: renaming a category or tag changes every page that shows it; you may not")
                % {"context": context},
                at_msgstr=True,
            )
        )
        return None
    report.updated.append(context)
    report.changes.append(
        Change(context=context, label=str(obj), before=obj.name_in(language), after=value, site_wide=True)
    )
    return obj, languages.field(field_name, language), value


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
