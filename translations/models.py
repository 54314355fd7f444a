"""What a translation was made from: translated names, source segments and their translations.

The models here point at the content they translate by string reference
(``"news.Article"``), so the apps below import them without a cycle.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from translations import languages


def first_filled(obj, field: str, *, prefer: str | None = None) -> str:
    """The value of a translated field in the active language, else the first language that has one."""
    codes = languages.codes()
    order = [prefer or translation.get_language() or settings.LANGUAGE_CODE, *codes]
    for code in order:
        if code in codes:
            value = getattr(obj, languages.field(field, code), "")
            if value:
                return value
    return ""


class TranslatedName(models.Model):
    """A translated name that remembers, per target language, the source text its translation was made from.

    ``translated_from[language]`` is the source name when that language's name was
    last written; when the source moves on, the translation is outdated (translation
    files mark it fuzzy). A name with no record counts as made from the current source.
    """

    name_field = "name"
    translated_from = models.JSONField(_("translated from"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def name_source_language(self) -> str:
        """The language names are written in first, when no record says otherwise."""
        return languages.default().code

    def source_language_of_name(self) -> str:
        """The language the other names are translations of."""
        records = self.translated_from or {}
        if records:
            return next((code for code in languages.codes() if code not in records), languages.default().code)
        return self.name_source_language()

    def name_in(self, language: str) -> str:
        return (getattr(self, languages.field(self.name_field, language), "") or "").strip()

    def record_translated_from(self) -> None:
        """Compare with the stored names and record what each changed translation was made from."""
        codes = languages.codes()
        fields = [languages.field(self.name_field, code) for code in codes]
        stored = type(self).objects.filter(pk=self.pk).values(*fields).first() if self.pk else None
        if stored is None:
            return
        old = {code: (stored[languages.field(self.name_field, code)] or "").strip() for code in codes}
        source = self.source_language_of_name()
        records = {code: text for code, text in (self.translated_from or {}).items() if code != source}
        for target in codes:
            if target == source:
                continue
            if not self.name_in(target) or not self.name_in(source):
                records.pop(target, None)
            elif self.name_in(target) != old[target]:
                records[target] = self.name_in(source)
            elif self.name_in(source) != old[source] and target not in records and old[source]:
                records[target] = old[source]
        self.translated_from = records


class SourceSegment(models.Model):
    """One translatable piece of an article's source text.

    ``key`` names the piece in translation files and survives edits: of other
    pieces, and of the piece itself (then its translations become outdated).
    """

    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, related_name="source_segments", verbose_name=_("article")
    )
    key = models.CharField(_("key"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("source segment")
        verbose_name_plural = _("source segments")
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="unique_source_segment_key")]

    def __str__(self):
        return self.key


class SegmentTranslation(models.Model):
    """A segment's translation, and the source text it was made from.

    When the source text moves on, ``translated_from`` no longer matches it:
    the translation is outdated, and translation files say what changed.
    """

    segment = models.ForeignKey(
        SourceSegment, on_delete=models.CASCADE, related_name="translations", verbose_name=_("segment")
    )
    language = models.CharField(_("language"), max_length=10, choices=languages.choices)
    translated_from = models.TextField(_("translated from"))
    translation = models.TextField(_("translation"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment translation")
        verbose_name_plural = _("segment translations")
        constraints = [
            models.UniqueConstraint(fields=["segment", "language"], name="unique_segment_translation_language")
        ]

    def __str__(self):
        return f"{self.segment.key} ({self.language})"
