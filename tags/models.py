"""Tags: one ASCII slug, a key editors type, and a label per language."""

import hashlib
import re

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import _TaggableManager
from taggit.models import TagBase

from portal.reversing import reverse_slug
from translations import languages
from translations.models import TranslatedName, first_filled


def ascii_slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug, or "" when the text has no ASCII letters or digits."""
    return slugify(text)[:max_length].strip("-")


# Han characters (CJK unified ideographs, extension A, compatibility ideographs), spelled in pinyin in slugs.
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def readable_slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug where each run of Chinese characters is one pinyin word: 安装openEuler → anzhuang-openeuler."""
    if not _HAN_RUN.search(text):
        return ascii_slug(text, max_length=max_length)
    # Imported when first needed: its dictionaries take about 55 MB, which a worker serving pages never needs.
    from pypinyin import lazy_pinyin

    spelled = _HAN_RUN.sub(lambda match: f" {''.join(lazy_pinyin(match.group()))} ", text)
    return ascii_slug(spelled, max_length=max_length)


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
        return self.display_name_in(None)

    def display_name_in(self, language: str | None) -> str:
        """The label in ``language`` (the active one if None), else in any language, else the name."""
        return first_filled(self, "label", prefer=language) or self.name

    def slugify(self, tag, i=None):
        base = readable_slug(tag, max_length=90) or hashed_slug("tag", tag)
        return f"{base}-{i}" if i is not None else base

    def save(self, *args, **kwargs):
        if not any(getattr(self, field) for field in languages.fields("label")):
            setattr(self, languages.field("label", languages.of_text(self.name)), self.name)
        self.record_translated_from()
        super().save(*args, **kwargs)
        TagRedirect.objects.filter(old_slug=self.slug).delete()  # the slug is a tag's own again

    def name_source_language(self) -> str:
        return languages.of_text(self.name)

    def get_absolute_url(self):
        return reverse_slug("news:tag", "tag", self.slug)


class TagRedirect(models.Model):
    """The slug of a tag merged into another: its page redirects permanently to the kept tag's."""

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("tag"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag redirect")
        verbose_name_plural = _("tag redirects")

    def __str__(self):
        return f"{self.old_slug} → {self.tag.slug}"


def merge_tags(keep: Tag, others: list[Tag]) -> None:
    """Merge ``others`` into ``keep``: their objects, their labels where ``keep`` has none, their slugs.

    Every row that points at a merged tag (through models of any app) points
    at ``keep`` instead, unless the same object already has ``keep``; each old
    slug redirects to ``keep``'s page.
    """
    others = [other for other in others if other.pk != keep.pk]
    with transaction.atomic():
        for relation in Tag._meta.related_objects:
            if relation.one_to_many and relation.related_model is not TagRedirect:
                _repoint(relation.related_model, relation.field.name, keep=keep, others=others)
        for other in others:
            for field in languages.fields("label"):
                if not getattr(keep, field) and getattr(other, field):
                    setattr(keep, field, getattr(other, field))
        TagRedirect.objects.filter(tag__in=others).update(tag=keep)
        slugs = [other.slug for other in others]
        Tag.objects.filter(pk__in=[other.pk for other in others]).delete()
        keep.save()
        TagRedirect.objects.bulk_create([TagRedirect(old_slug=slug, tag=keep) for slug in slugs])


def _repoint(model, field: str, *, keep: Tag, others: list[Tag]) -> None:
    """Rows of ``model`` whose ``field`` is one of ``others`` get ``keep``; duplicates are dropped."""
    owners = [f.attname for f in model._meta.concrete_fields if f.is_relation and f.name != field and not f.primary_key]
    kept = set(model.objects.filter(**{field: keep}).values_list(*owners))
    for row in model.objects.filter(**{f"{field}__in": others}):
        owner = tuple(getattr(row, name) for name in owners)
        if owner in kept:
            row.delete()
        else:
            kept.add(owner)
            setattr(row, field, keep)
            row.save(update_fields=[field])


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
