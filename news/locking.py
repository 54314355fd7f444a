"""Optimistic locking: a save based on an older version of an article is refused.

Every ``Article.save()`` raises ``version``; the admin form carries the
version the editor opened. When they differ, somebody saved in between, and
the form says who, when, and which fields differ, and keeps both texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext

from news.models import Article


@dataclass(frozen=True)
class FieldDifference:
    name: str
    label: str
    saved: str  # what the other save left in the database
    submitted: str  # what this editor sent


@dataclass(frozen=True)
class Conflict:
    saved_by: str
    saved_at: datetime
    differences: list[FieldDifference]


def last_saved_by(article: Article) -> str:
    """Who made the latest recorded change: the admin's log, else an unnamed process (an import)."""
    entry = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id=str(article.pk))
        .select_related("user")
        .order_by("-action_time", "-pk")
        .first()
    )
    if entry is None:
        return gettext("an import or another program")
    return entry.user.get_full_name() or entry.user.get_username()


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(item) for item in value))
    if isinstance(value, FieldFile | File):
        return value.name or ""
    return str(value)


def differences(current: Article, cleaned: dict, labels: dict[str, str]) -> list[FieldDifference]:
    """The submitted fields whose value differs from the one stored now."""
    found = []
    for name, label in labels.items():
        if name not in cleaned:
            continue
        if name == "tags":
            saved = _as_text(current.tags.names())
        elif name == "category":
            saved = _as_text(current.category)
        else:
            saved = _as_text(getattr(current, name, None))
        submitted = _as_text(cleaned[name])
        if saved.replace("\r\n", "\n") != submitted.replace("\r\n", "\n"):
            found.append(FieldDifference(name=name, label=label, saved=saved, submitted=submitted))
    return found


def check(*, pk: int, version: int | None, cleaned: dict, labels: dict[str, str]) -> Conflict | None:
    """The conflict if the stored article moved past ``version``; locks its row until the transaction ends."""
    current = Article.objects.select_for_update().filter(pk=pk).first()
    if current is None or version is None or current.version == version:
        return None
    return Conflict(
        saved_by=last_saved_by(current),
        saved_at=current.updated_at,
        differences=differences(current, cleaned, labels),
    )
