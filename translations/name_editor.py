"""The names page of the segment editor: every category and tag name of one language, saved as a PO import.

The form carries a fingerprint of each name as it was shown; a save is
refused, and nothing written, when any of them changed since.
"""

from __future__ import annotations

import hashlib
import json

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


def _fingerprint(entry) -> str:
    """A hash of what the page shows for one name: its source, its translation and whether it is outdated."""
    shown = [entry.msgid, entry.msgstr, entry.fuzzy, entry.previous_msgid]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]


def fingerprints(language: str) -> dict[str, str]:
    """The fingerprint of every name on the page, by msgctxt: carried by the form, checked on save."""
    return {context_of(entry): _fingerprint(entry) for entry in names_po(language)}


def parse_fingerprints(value: str | None) -> dict[str, str] | None:
    """The fingerprints a form sent back, or None when they are missing or not what the page wrote."""
    try:
        found = json.loads(value or "")
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


def changed_since(language: str, shown: dict[str, str]) -> list[str]:
    """The names (msgctxt) whose stored texts differ from what the page showed, or that are gone.

    Locks the categories and tags until the transaction ends, so that the
    save that follows writes over what was checked (PostgreSQL).
    """
    list(Category.objects.select_for_update().values_list("pk"))
    list(Tag.objects.select_for_update().values_list("pk"))
    now = fingerprints(language)
    return [key for key, value in shown.items() if now.get(key) != value]
