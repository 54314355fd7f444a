"""The article admin's forms: optimistic locking, checked image uploads, image warnings, the action bar."""

import posixpath

from django import forms
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from news import image_checks, image_usage, locking, markdown
from news.content import LanguageState
from news.models import Article, Category
from portal.text import ControlCharactersFormMixin
from translations import languages

LANGUAGE_NAMES = dict(languages.choices())


def can_edit_source(request) -> bool:
    return request.user.has_perm("news.edit_article_source")


class CheckedImageField(forms.ImageField):
    """An image upload that passes ``news.image_checks``: stored clean, or refused with a clear message."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        return None if upload is None else image_checks.check_upload(upload)


def describe_missing(missing: dict[str, list[str]]) -> str:
    return "; ".join(f"{LANGUAGE_NAMES[code]}: {', '.join(refs)}" for code, refs in missing.items())


def free_reference(article: Article, file_name: str) -> str:
    """``media/<file name>``, with ``-2``, ``-3``… before the extension when the article already has it."""
    stem, extension = posixpath.splitext(posixpath.basename(file_name))
    taken = {image.normalized_reference for image in article.images.all()}
    reference, number = f"media/{stem}{extension}", 2
    while reference in taken:
        reference, number = f"media/{stem}-{number}{extension}", number + 1
    return reference


class ArticleImageFormSet(BaseInlineFormSet):
    def clean(self):
        self._check_duplicates()
        super().clean()
        self._check_publishable()

    def _check_publishable(self):
        """A published article may not show placeholders: every reference its bodies use needs an image."""
        article = self.instance
        if article.status != Article.Status.PUBLISHED or any(form.errors for form in self.forms):
            return
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not (data.get("image") or form.instance.image):
                continue
            image = form.instance
            if data.get("image") is not None:
                image.image = data["image"]
            image.reference = data.get("reference", image.reference) or posixpath.basename(image.image.name or "")
            image.language = data.get("language", image.language) or ""
            kept.append(image)
        known = {form.instance.pk for form in self.forms if form.instance.pk}
        if article.pk:
            kept += [image for image in article.images.exclude(pk__in=known)]
        missing = image_usage.missing_in_article(article, kept)
        if missing:
            raise ValidationError(
                _(
                    "A published article cannot show missing images. Upload an image for each of these references, "
                    "fix the reference in the text, or save as a draft: %(references)s"
                ),
                code="missing_images",
                params={"references": describe_missing(missing)},
            )

    def _check_duplicates(self):
        """Two images answering to one reference (``media/a.png`` and ``./media/a.png``) would be a coin toss.

        Unless they belong to different languages: a language's own image stands in for the shared one.
        Checked before the generic uniqueness check, whose message would name no image.
        """
        seen: dict[tuple[str, str], int] = {}
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            image = data.get("image")
            # An empty reference becomes the file's name when saved.
            name = data.get("reference") or posixpath.basename(getattr(image, "name", "") or "")
            reference = markdown.normalize_reference(name)
            language = data.get("language", getattr(form.instance, "language", "")) or ""
            if not reference:
                continue
            if (reference, language) in seen:
                params = {"first": seen[reference, language], "second": number, "reference": reference}
                if not language:
                    raise ValidationError(
                        _("Images %(first)d and %(second)d both use the reference “%(reference)s”; give each its own."),
                        params=params,
                    )
                raise ValidationError(
                    _(
                        "Images %(first)d and %(second)d both use the reference “%(reference)s” in %(language)s; "
                        "give each its own, or another language."
                    ),
                    params={**params, "language": LANGUAGE_NAMES[language]},
                )
            seen[reference, language] = number


# The form field holding a language's state: language_state_en, language_state_zh_hans, ...
STATE_FIELDS = {languages.field("language_state", code): code for code in languages.codes()}


def _state_field(code: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=format_lazy(_("{language} translation"), language=languages.get(code).name),
        choices=LanguageState.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Visitors see a translation only when it is ready; until then they read the original."),
    )


class _LanguageStates(forms.Form):
    """One state choice per language (declared below); the admin shows those of the article's target languages.

    ``new_translation_state``: the state a language starts in when this save writes its first text
    (translators: in progress, unless they choose ready; editors: ready, as before).
    """

    new_translation_state = LanguageState.READY

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.instance
        for name, code in STATE_FIELDS.items():
            written = article.pk is not None and article.has_text(code)
            self.fields[name].initial = article.language_state(code) if written else self.new_translation_state

    def apply_language_states(self) -> None:
        """Put the chosen states on the instance before it is saved (the source language stays ready)."""
        for name, code in STATE_FIELDS.items():
            state = self.cleaned_data.get(name)
            if state:
                self.instance.set_language_state(code, state)

    def save(self, commit=True):
        self.apply_language_states()
        return super().save(commit)


LanguageStatesForm = type(
    "LanguageStatesForm", (_LanguageStates,), {name: _state_field(code) for name, code in STATE_FIELDS.items()}
)


class ArticleForm(ControlCharactersFormMixin, LanguageStatesForm, forms.ModelForm):
    """The change form, carrying the version the editor opened (see ``news.locking``); no control characters."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    conflict: locking.Conflict | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.fields["version"].required = bool(self.instance.pk)

    def clean(self):
        data = super().clean()
        if not self.instance.pk or "version" not in data:
            return data
        # The translation states are not text to copy back: a conflict lists the text fields only.
        skipped = {"version", *STATE_FIELDS}
        labels = {name: str(field.label) for name, field in self.fields.items() if name not in skipped}
        self.conflict = locking.check(pk=self.instance.pk, version=data["version"], cleaned=data, labels=labels)
        if self.conflict:
            raise ValidationError(
                _(
                    "%(user)s saved this article at %(time)s, after you opened it. Nothing was saved, so that "
                    "neither of you loses work: copy your text from below, open the current version and add your "
                    "changes again."
                ),
                code="conflict",
                params={
                    "user": self.conflict.saved_by,
                    "time": date_format(timezone.localtime(self.conflict.saved_at), "DATETIME_FORMAT"),
                },
            )
        return data


class ArticleActionForm(helpers.ActionForm):
    """The list's action bar, with what the category and tag actions need beside it: one click, no extra page."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("(category)")
    )
    tag_list = forms.CharField(
        label=_("Tags"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("tags, comma-separated"), "size": 18}),
    )

    # Read field by field: the action's own choices are only known to the change list.
    def category_or_none(self):
        try:
            return self.fields["category"].clean(self.data.get("category"))
        except ValidationError:
            return None

    def tag_names(self) -> list[str]:
        typed = self.fields["tag_list"].clean(self.data.get("tag_list", ""))
        return [name.strip() for name in typed.split(",") if name.strip()]
