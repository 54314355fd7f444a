"""A PO file against translations changed since it was exported.

An export writes its time in the header (``X-Exported-At``, ISO 8601). On
import, an entry whose stored translation was written after that time, and
that the file would replace by another text, is refused: somebody else
translated it meanwhile, and applying the file would silently undo their
work. Files without the header (older exports, other tools) are imported as
before.
"""

from __future__ import annotations

from datetime import datetime

import polib
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from news import locking
from news.models import Article
from translations.checks import PoSource, Problem
from translations.models import SegmentTranslation

HEADER = "X-Exported-At"


def exported_at(po: polib.POFile) -> datetime | None:
    """When the file was exported, or None (no header, or not a time: see ``header_problems``)."""
    value = po.metadata.get(HEADER, "").strip()
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.utc)
    return moment


def header_problems(po: polib.POFile, source: PoSource) -> list[Problem]:
    value = po.metadata.get(HEADER, "").strip()
    if value and exported_at(po) is None:
        return [Problem(source.name, 1, _("%(header)s “%(value)s” is not a time") % {"header": HEADER, "value": value})]
    return []


def changed_since(
    *,
    article: Article,
    record: SegmentTranslation | None,
    current: str | None,
    new: str,
    exported: datetime | None,
    context: str,
) -> str | None:
    """Why an entry may not replace a translation changed after the export, or None when it may."""
    if exported is None or not current or current == new:
        return None
    changed_at = record.updated_at if record is not None else article.updated_at
    if changed_at is None or changed_at <= exported:
        return None
    return _("%(context)s: changed by %(who)s at %(when)s since this file was exported (export again)") % {
        "context": context,
        "who": locking.last_saved_by(article),
        "when": date_format(timezone.localtime(changed_at), "DATETIME_FORMAT"),
    }
