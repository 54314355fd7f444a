"""The names page of the segment editor: every category and tag name of one language, saved as a PO import."""

from __future__ import annotations

from news.models import Category
from tags.models import Tag
from translations import po_export
from translations.editor import Row, SaveResult, import_filled, row_of


def names_po(language: str):
    po = po_export.new_po_file(language=language)
    for entry in po_export.names_entries(language=language, categories=Category.objects.all(), tags=Tag.objects.all()):
        po.append(entry)
    return po


def rows(language: str) -> list[Row]:
    """One row per category and tag name that has a source text, categories first, by slug."""
    return [row_of(entry, key=entry.msgctxt, kind=entry.msgctxt.split(":", 1)[0]) for entry in names_po(language)]


def save(
    *, language: str, submitted: dict[str, str], may_rename: frozenset[str], confirmed: frozenset[str] = frozenset()
) -> SaveResult:
    """Write the changed or confirmed names (by msgctxt) through the PO import, all or none.

    Renaming needs ``may_rename``.
    """
    name = f"names-{po_export.po_language(language)}.po"
    return import_filled(
        names_po(language),
        submitted,
        key=context_of,
        name=name,
        language=language,
        may_rename=may_rename,
        confirmed=confirmed,
    )


def context_of(entry) -> str:
    return entry.msgctxt or ""
