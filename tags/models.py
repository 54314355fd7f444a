"""Tags: one ASCII slug, a key editors type, and a label per language."""

import hashlib

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import _TaggableManager
from taggit.models import TagBase

from translations import languages
from translations.models import TranslatedName, first_filled


def ascii_slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug, or "" when the text has no ASCII letters or digits."""
    return slugify(text)[:max_length].strip("-")


def hashed_slug(prefix: str, text: str) -> str:
    """A stable ASCII slug for text that has none of its own (Chinese names)."""
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


class Tag(TagBase, TranslatedName):
    """A tag with one ASCII slug and a label per language.

    ``name`` is the key taggit matches typed tags against; ``label`` is what
    visitors read, translated.
    """

    label = models.CharField(_("label"), max_length=100, blank=True)
    name_field = "label"

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return first_filled(self, "label") or self.name

    def slugify(self, tag, i=None):
        base = ascii_slug(tag, max_length=90) or hashed_slug("tag", tag)
        return f"{base}-{i}" if i is not None else base

    def save(self, *args, **kwargs):
        if not any(getattr(self, field) for field in languages.fields("label")):
            setattr(self, languages.field("label", languages.of_text(self.name)), self.name)
        self.record_translated_from()
        super().save(*args, **kwargs)

    def name_source_language(self) -> str:
        return languages.of_text(self.name)

    def get_absolute_url(self):
        return reverse("news:tag", kwargs={"tag": self.slug})


def matching(term: str):
    """Tags whose name or label in any language contains ``term``."""
    matches = Q(name__icontains=term)
    for field in languages.fields("label"):
        matches |= Q(**{f"{field}__icontains": term})
    return Tag.objects.filter(matches)


class LabelledTagManager(_TaggableManager):
    """Tags of an object, where a typed tag that is no tag's name but another's label means that tag.

    An editor typing 内核 gets the tag ``kernel`` labelled 内核, not a second tag;
    names still win, and anything else becomes a new tag as usual.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        typed = {tag for tag in tags if isinstance(tag, str)}
        keys = {name.lower() for name in typed}
        named = set(Tag.objects.annotate(key=Lower("name")).filter(key__in=keys).values_list("key", flat=True))
        unnamed = {name for name in typed if name.lower() not in named}
        fields = languages.fields("label")
        by_label = {}
        if unnamed:
            matches = Q()
            for field_name in fields:
                matches |= Q(**{f"{field_name}__in": unnamed})
            for tag in Tag.objects.filter(matches).order_by("pk"):
                for field_name in fields:
                    if getattr(tag, field_name) in unnamed:
                        by_label.setdefault(getattr(tag, field_name), tag)
        resolved = [by_label.get(tag, tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(resolved, tag_kwargs)
