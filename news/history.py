"""Every change of an article as a version (django-reversion), readable diffs and restore.

The admin records each save; other writers (imports, translation uploads)
call ``record``. Versions hold the real per-language fields
(``title_zh_hans``, ``title_en``…), never modeltranslation's unsuffixed
names, whose setters would write into whatever language is active. A
version follows the article's tags and images (``news.history_relations``),
so a restore brings them back too.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from reversion.models import Version

from news import history_relations, saving
from news.models import Article, ArticleImage, RevisionRelations, TaggedArticle
from translations import languages

TEXT_FIELDS = ("title", "summary", "body", "banner_alt")
OTHER_FIELDS = ("slug", "source_language", "author", "category", "status", "publish_at", "banner", "metadata")
# Bodies are long Markdown: shown as a line diff; the other fields as before → after.
LINE_DIFF_FIELDS = frozenset(languages.fields("body") + languages.fields("summary"))


def versioned_fields() -> list[str]:
    return [name for field in TEXT_FIELDS for name in languages.fields(field)] + list(OTHER_FIELDS)


if not reversion.is_registered(Article):
    reversion.register(Article, fields=versioned_fields(), follow=("taggedarticle_set", "images"))
    reversion.register(TaggedArticle, fields=("content_object", "tag"))
    reversion.register(ArticleImage, fields=(*history_relations.IMAGE_FIELDS, "article"))


def record(article: Article, *, user=None, comment: str = "") -> None:
    """Store the article as it is now as a new version, by ``user`` (None: a program) with ``comment``."""
    with reversion.create_revision(atomic=True):
        reversion.add_to_revision(article)
        reversion.add_meta(RevisionRelations)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)


def record_many(articles, *, comment: str) -> None:
    """One version of each article, in a single revision (a batch of an import)."""
    if not articles:
        return
    with reversion.create_revision(atomic=True):
        for article in articles:
            reversion.add_to_revision(article)
        reversion.add_meta(RevisionRelations)
        reversion.set_comment(comment)


def ensure_baseline(pk: int) -> None:
    """Before the first recorded change of an article saved without history (older rows), keep it as it was."""
    if not Version.objects.get_for_object_reference(Article, pk).exists():
        stored = Article.objects.filter(pk=pk).first()
        if stored is not None:
            record(stored, comment=gettext("As it was before its first recorded change."))


def versions(article: Article):
    """The article's versions, newest first, with their revision and user."""
    return Version.objects.get_for_object(article).select_related("revision__user")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    lines: list[DiffLine]  # for long text and images; empty for short fields
    summary: str = ""  # tags: added and removed names, "+kernel \u2212cloud"


def _label(name: str) -> str:
    field = Article._meta.get_field(name)
    return str(field.verbose_name)


def _text(value) -> str:
    return "" if value is None else str(value)


def line_diff(before: str, after: str, *, context: int = 2) -> list[DiffLine]:
    """A line diff of two Markdown texts, unchanged stretches cut to ``context`` lines around changes."""
    lines = []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines


def changes(before: dict, after: dict) -> list[FieldChange]:
    """What changed between two versions' field values (``Version.field_dict``), in field order."""
    found = []
    for name in versioned_fields():
        key = Article._meta.get_field(name).attname
        old, new = _text(before.get(key)), _text(after.get(key))
        if old == new:
            continue
        lines = line_diff(old, new) if name in LINE_DIFF_FIELDS else []
        found.append(FieldChange(name=name, label=_label(name), before=old, after=new, lines=lines))
    return found


def previous(version: Version) -> Version | None:
    return (
        Version.objects.get_for_object_reference(Article, version.object_id)
        .filter(pk__lt=version.pk)
        .order_by("-pk")
        .first()
    )


def changes_in(version: Version) -> list[FieldChange]:
    """What this version changed compared with the one before it (everything, for the first)."""
    before = previous(version)
    found = changes(before.field_dict if before else {}, version.field_dict)
    after_related = history_relations.held(version)
    before_related = history_relations.held(before) if before else history_relations.Related({}, {})
    if after_related is not None and before_related is not None:
        found += related_changes(before_related, after_related)
    return found


def related_changes(before: history_relations.Related, after: history_relations.Related) -> list[FieldChange]:
    """The tag and image changes between two versions, as readable as the fields'."""
    found = []
    summary = history_relations.tag_summary(before, after)
    if summary:
        old, new = (", ".join(sorted(related.tags.values())) for related in (before, after))
        found.append(FieldChange("tags", _label("tags"), old, new, [], summary))
    lines = [DiffLine(kind, text) for kind, text in history_relations.image_lines(before, after)]
    if lines:
        label = str(ArticleImage._meta.verbose_name_plural)
        found.append(FieldChange("images", label, "", "", lines))
    return found


def restore(version: Version, *, user=None) -> tuple[Article, list[str]]:
    """Make ``version``'s fields, tags and images the article's current ones, as a new version.

    Nothing is lost: the current state stays a version. Returns the article
    and notes on what could not come back (an image whose file was deleted
    since, a deleted tag, tags and images of a version recorded without them).
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=version.object_id)
        values = version.field_dict
        for name in versioned_fields():
            key = Article._meta.get_field(name).attname
            if key in values:
                setattr(article, key, values[key])
        related = history_relations.held(version)
        with saving.one_save(article):
            article.save()
            if related is None:
                notes = [gettext("This version was recorded without tags and images: they stay as they are.")]
            else:
                notes = history_relations.restore(article, related)
        when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        record(article, user=user, comment=gettext("Restored the version of %(time)s.") % {"time": when})
    return article, notes
