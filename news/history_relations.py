"""An article version's tags and images: what a revision holds of them, how two differ, restoring them.

A revision recorded by ``news.history`` follows the article's tag rows
(``TaggedArticle``) and images (``ArticleImage``) and carries a
``RevisionRelations`` mark; older revisions hold neither, and restoring one
leaves today's tags and images as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.utils.translation import gettext
from reversion.models import Version

from news.models import ArticleImage, RevisionRelations, TaggedArticle
from tags.models import Tag
from translations import languages

# Each language's own alt text (alt_zh_hans, alt_en…), never modeltranslation's ``alt``, which follows the active one.
IMAGE_FIELDS = ("image", "reference", "language", *languages.fields("alt"))


@dataclass(frozen=True)
class Related:
    """The tags (id → name) and images (pk → their fields) a version of one article holds."""

    tags: dict[int, str]
    images: dict[int, dict]


def _rows(version: Version, model) -> list[tuple[int, dict]]:
    """The (pk, fields) of ``model``'s versions in ``version``'s revision, read from their stored JSON."""
    found = Version.objects.filter(
        revision_id=version.revision_id, content_type=ContentType.objects.get_for_model(model)
    )
    rows = []
    for data in found.values_list("serialized_data", flat=True):
        stored = json.loads(data)[0]
        rows.append((int(stored["pk"]), stored["fields"]))
    return rows


def held(version: Version) -> Related | None:
    """What ``version`` holds of its article's tags and images; None for a revision recorded without them."""
    if not RevisionRelations.objects.filter(revision_id=version.revision_id).exists():
        return None
    article_id = int(version.object_id)
    tag_ids = [fields["tag"] for _, fields in _rows(version, TaggedArticle) if fields["content_object"] == article_id]
    names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    images = {
        pk: {name: fields.get(name) or "" for name in IMAGE_FIELDS}
        for pk, fields in _rows(version, ArticleImage)
        if fields["article"] == article_id
    }
    return Related(tags={pk: names.get(pk, f"#{pk}") for pk in tag_ids}, images=images)


def tag_summary(before: Related, after: Related) -> str:
    """Tag changes as ``+kernel \u2212cloud`` (a minus sign; added first, each group by name)."""
    added = sorted(set(after.tags.values()) - set(before.tags.values()))
    removed = sorted(set(before.tags.values()) - set(after.tags.values()))
    return " ".join([f"+{name}" for name in added] + [f"\u2212{name}" for name in removed])


def _describe(image: dict) -> str:
    text = image["reference"]
    if image["language"]:
        text += f" [{image['language']}]"
    alts = [image[name] for name in languages.fields("alt") if image.get(name)]
    if alts:
        text += " — " + " / ".join(f"“{alt}”" for alt in alts)
    return f"{text} ({image['image']})"


def image_lines(before: Related, after: Related) -> list[tuple[str, str]]:
    """Image changes as (kind, text): ``removed`` then ``added`` for a changed image, in reference order."""
    lines = []
    for pk in sorted(set(before.images) | set(after.images), key=lambda pk: _sort_key(pk, before, after)):
        old, new = before.images.get(pk), after.images.get(pk)
        if old == new:
            continue
        if old is not None:
            lines.append(("removed", _describe(old)))
        if new is not None:
            lines.append(("added", _describe(new)))
    return lines


def _sort_key(pk: int, before: Related, after: Related) -> tuple[str, int]:
    image = after.images.get(pk) or before.images[pk]
    return (image["reference"], pk)


def restore(article, related: Related) -> list[str]:
    """Give ``article`` the tags and images of ``related``; notes on what could not come back.

    Call inside ``saving.one_save(article)`` and a transaction: the article is
    rendered once afterwards, with the images as restored.
    """
    notes = []
    tags = list(Tag.objects.filter(pk__in=related.tags))
    gone_tags = sorted(name for pk, name in related.tags.items() if pk not in {tag.pk for tag in tags})
    article.tags.set(tags)
    if gone_tags:
        notes.append(gettext("Tags deleted since could not come back: %(tags)s") % {"tags": ", ".join(gone_tags)})
    current = {image.pk: image for image in article.images.all()}
    for pk, image in current.items():
        if pk not in related.images:
            image.delete()
    missing = []
    for pk, fields in sorted(related.images.items()):
        image = current.get(pk)
        if image is not None and all(str(getattr(image, name) or "") == fields.get(name, "") for name in IMAGE_FIELDS):
            continue
        if not (fields["image"] and default_storage.exists(fields["image"])):
            missing.append(fields["reference"] or fields["image"])
            if image is not None:
                image.delete()
            continue
        if image is None:
            image = ArticleImage(pk=pk, article=article)
        if image.image.name != fields["image"]:
            image.image = fields["image"]
        for name in IMAGE_FIELDS[1:]:
            setattr(image, name, fields.get(name, ""))
        image.save()
    if missing:
        notes.append(
            gettext("These images' files were deleted since and could not come back: %(references)s")
            % {"references": ", ".join(missing)}
        )
    return notes
