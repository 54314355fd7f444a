import posixpath
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from news import history, image_checks, image_usage, importing, locking, markdown, preview
from news.models import Article, ArticleImage, Category, images_shown
from translations import languages

LANGUAGE_NAMES = dict(languages.choices())
TRANSLATED_TEXT_FIELDS = ("title", "summary", "body", "banner_alt")


def can_edit_source(request) -> bool:
    return request.user.has_perm("news.edit_article_source")


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("missing language")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in languages.choices()]

    def queryset(self, request, queryset):
        if self.value() in languages.codes():
            return queryset.missing_language(self.value())
        return queryset


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("live", _("Live")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "live": lambda: queryset.published(now),
            "scheduled": lambda: queryset.scheduled(now),
            "draft": queryset.drafts,
        }.get(self.value(), lambda: queryset)()


class CheckedImageField(forms.ImageField):
    """An image upload that passes ``news.image_checks``: stored clean, or refused with a clear message."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        return None if upload is None else image_checks.check_upload(upload)


def missing_references(article: Article, images: list[ArticleImage]) -> dict[str, list[str]]:
    """Per language with a body: the references no image answers (those would be placeholders)."""
    found = {}
    for code in languages.codes():
        body = getattr(article, languages.field("body", code), "") or ""
        refs = {ref: markdown.ImageRef(url=ref) for ref in images_shown(images, code)}
        missing = image_usage.missing(body, refs)
        if missing:
            found[code] = missing
    return found


def unused_images(article: Article, images: list[ArticleImage]) -> list[str]:
    """Reference names of images that no language's body uses."""
    used = set()
    for code in languages.codes():
        body = getattr(article, languages.field("body", code), "") or ""
        shown = images_shown(images, code)
        refs = {ref: markdown.ImageRef(url=ref) for ref in shown}
        used |= set(refs) - set(image_usage.unused([body], refs))
    return sorted({image.normalized_reference for image in images} - used)


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
        missing = missing_references(article, kept)
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


class ArticleImageInline(TranslationTabularInline):
    model = ArticleImage
    formset = ArticleImageFormSet
    extra = 0
    fields = ("image", "reference", "language", "alt")

    def get_readonly_fields(self, request, obj=None):
        if can_edit_source(request):
            return ()
        # The alt text in the article's source language is source text too.
        source = [languages.field("alt", obj.source_language)] if obj else []
        return ("image", "reference", "language", *source)

    def get_formset(self, request, obj=None, **kwargs):
        if obj and not can_edit_source(request):
            # The tabs' script strips "[zh-hans]" from headers, which would leave the read-only
            # source column and the editable one under the same name.
            label = gettext("%(field)s (%(language)s)") % {
                "field": capfirst(ArticleImage._meta.get_field("alt").verbose_name),
                "language": LANGUAGE_NAMES[obj.source_language],
            }
            kwargs["labels"] = {**kwargs.get("labels", {}), languages.field("alt", obj.source_language): label}
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["form_class"] = CheckedImageField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return can_edit_source(request) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_edit_source(request) and super().has_delete_permission(request, obj)


class ArticleForm(forms.ModelForm):
    """The change form, carrying the version the editor opened (see ``news.locking``)."""

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
        labels = {name: str(field.label) for name, field in self.fields.items() if name != "version"}
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


IMPORT_SESSION_KEY = "news_import_upload"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Markdown file or zip archive"),
        help_text=_("A .md file with front matter, or a .zip of a folder tree with zh/ and en/ folders and images."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("From the zh/ and en/ folders")), *languages.choices()],
        required=False,
    )
    force = forms.BooleanField(label=_("Overwrite articles edited since their import"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and upload.size > importing.UploadLimits().max_upload_bytes:
            self.add_error("file", _("The file is too large."))
        elif upload and not upload.name.lower().endswith((".md", ".markdown", ".zip")):
            self.add_error("file", _("Upload a .md file or a .zip archive."))
        elif upload and not upload.name.lower().endswith(".zip") and not data.get("language"):
            self.add_error("language", _("Choose the language of a single Markdown file."))
        return data


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    form = ArticleForm
    list_display = ("__str__", "publication_state", "publish_at", "category", "language_list", "view_on_site_links")
    list_filter = (PublicationStateFilter, "status", "category", "tags", MissingLanguageFilter, "source_language")
    search_fields = [languages.field(field, code) for field in ("title", "summary") for code in languages.codes()] + [
        "slug",
        "author",
    ]
    date_hierarchy = "publish_at"
    list_select_related = ("category",)
    inlines = [ArticleImageInline]
    readonly_fields = ("view_on_site_links", "created_at", "updated_at")
    view_on_site = False  # replaced by one link per language
    fieldsets = (
        (None, {"fields": ("title", "summary", "body")}),
        (
            _("Publication"),
            {"fields": ("status", "publish_at", "category", "tags", "author", "source_language", "slug")},
        ),
        (_("Banner"), {"fields": ("banner", "banner_alt")}),
        (_("On the site"), {"fields": ("view_on_site_links", "created_at", "updated_at")}),
    )

    class Media:
        js = ("js/admin-tags.js", "js/admin-editor.js")
        css = {"all": ("css/admin-editor.css",)}

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, obj):
        # "Published" alone would hide that visitors cannot see it yet.
        if obj.status == Article.Status.PUBLISHED and obj.publish_at > timezone.now():
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("languages"))
    def language_list(self, obj):
        return " · ".join(str(LANGUAGE_NAMES[code]) for code in obj.languages) or "—"

    @admin.display(description=_("view on site"))
    def view_on_site_links(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((obj.url_for(code), LANGUAGE_NAMES[code]) for code in languages.codes()),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "banner":
            kwargs["form_class"] = CheckedImageField
            kwargs["help_text"] = _(
                "Recommended: 1920 by 1080 pixels or larger, 16:9. List cards crop it to 16:9 and social cards to "
                "1.91:1, around the centre: keep what matters in the middle."
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags" and field is not None:
            field.widget.attrs["data-suggestions-url"] = reverse("admin:tags_tag_suggestions")
        bodies = {languages.field("body", code): code for code in languages.codes()}
        if db_field.name in bodies and field is not None:
            # A comfortable editor (static/js/admin-editor.js): tall, with a live preview of this language.
            field.widget.attrs.update({"rows": 24, "data-markdown-editor": bodies[db_field.name]})
            field.widget.attrs["lang"] = languages.html_lang(bodies[db_field.name])
        return field

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if can_edit_source(request):
            return readonly
        # Translators: only the text of languages other than the source.
        source = obj.source_language if obj else None
        allowed = {
            languages.field(field, code)
            for field in TRANSLATED_TEXT_FIELDS
            for code in languages.codes()
            if code != source
        }
        # Only concrete per-language names: modeltranslation would expand an original name such as
        # "title" into every language's field, the allowed ones included.
        every = [
            field.name
            for field in self.model._meta.get_fields()
            if getattr(field, "editable", False) and field.name not in self.trans_opts.all_fields
        ]
        return readonly + [name for name in [*every, "tags"] if name not in allowed and name not in readonly]

    def has_add_permission(self, request):
        return can_edit_source(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return can_edit_source(request) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_edit_source(request):
            actions.pop("delete_selected", None)
        return actions

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="news_article_import"),
            path("preview/", csrf_protect(self.preview_view), name="news_article_preview_new"),
            path("<path:object_id>/preview/", csrf_protect(self.preview_view), name="news_article_preview"),
            path(
                "<path:object_id>/images/upload/",
                self.admin_site.admin_view(self.image_upload_view),
                name="news_article_image_upload",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/",
                self.admin_site.admin_view(self.version_view),
                name="news_article_version",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload a .md or a .zip of a folder tree: a dry run's report first, then the import on confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form, report, pending = ImportUploadForm(), None, None
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.pop(IMPORT_SESSION_KEY, None)
            if pending and pending["token"] == request.POST["confirm"]:
                folder = importing.upload_folder(pending["token"])
                report = importing.import_paths([folder], static_roots=[folder], **pending["options"])
                importing.remove_upload(folder)
                report = report.shown_relative_to(folder)
                pending = None
            else:
                messages.error(request, gettext("This upload has expired; upload the file again."))
        elif request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                importing.remove_stale_uploads()
                if request.session.get(IMPORT_SESSION_KEY):
                    importing.remove_upload(importing.upload_folder(request.session[IMPORT_SESSION_KEY]["token"]))
                token = secrets.token_hex(16)
                folder = importing.upload_folder(token)
                upload = form.cleaned_data["file"]
                try:
                    importing.extract_upload(upload.name, upload, folder, limits=importing.UploadLimits())
                except importing.UnsafeArchive as error:
                    importing.remove_upload(folder)
                    form.add_error("file", str(error))
                else:
                    options = {"language": form.cleaned_data["language"] or None, "force": form.cleaned_data["force"]}
                    report = importing.import_paths([folder], static_roots=[folder], dry_run=True, **options)
                    report = report.shown_relative_to(folder)
                    pending = {"token": token, "options": options, "name": upload.name}
                    request.session[IMPORT_SESSION_KEY] = pending
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import Markdown"),
            "form": form,
            "report": report,
            "pending": pending,
        }
        return TemplateResponse(request, "admin/news/article/import.html", context)

    # Live preview ----------------------------------------------------------------

    def preview_view(self, request, object_id=None):
        """POST ``text``, ``language`` and ``title``: the body's HTML as the public page would show it.

        Staff only (403 for anyone else, not a login page: it answers a script), CSRF-protected.
        """
        if not (request.user.is_active and request.user.is_staff) or not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = request.POST.get("language", "")
        if not languages.is_enabled(language):
            return JsonResponse({"error": gettext("Unknown language.")}, status=400)
        obj = None
        if object_id is not None:
            obj = self.get_object(request, object_id)
            if obj is None:
                return JsonResponse({"error": gettext("This article no longer exists.")}, status=404)
        result = preview.render(
            text=request.POST.get("text", ""), language=language, title=request.POST.get("title", ""), article=obj
        )
        return JsonResponse({"html": result.html, "toc_html": result.toc_html, "missing": result.missing})

    def image_upload_view(self, request, object_id):
        """POST one or several ``image`` files (dropped or pasted into a body): each becomes an article image.

        Answers JSON: for each file its new reference, or the reason it was refused.
        """
        obj = self.get_object(request, object_id)
        if obj is None or not (self.has_change_permission(request, obj) and can_edit_source(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = request.POST.get("language", "")
        if language and not languages.is_enabled(language):
            return JsonResponse({"error": gettext("Unknown language.")}, status=400)
        results = []
        for upload in request.FILES.getlist("image"):
            try:
                cleaned = image_checks.check_upload(upload)
            except ValidationError as error:
                results.append({"name": upload.name, "error": " ".join(error.messages)})
                continue
            reference = free_reference(obj, cleaned.name)
            ArticleImage.objects.create(article=obj, image=cleaned, reference=reference)
            results.append({"name": upload.name, "reference": reference})
        if not results:
            return JsonResponse({"error": gettext("No image was sent.")}, status=400)
        uploaded = [result["reference"] for result in results if "reference" in result]
        if uploaded:
            self.log_change(request, obj, gettext("Added images %(references)s.") % {"references": ", ".join(uploaded)})
        return JsonResponse({"images": results})

    def editor_config(self, request, obj) -> dict:
        """What the editor's script needs, rendered as data attributes of the change form."""
        if obj and obj.pk:
            upload = reverse("admin:news_article_image_upload", args=[obj.pk]) if can_edit_source(request) else ""
            return {"preview_url": reverse("admin:news_article_preview", args=[obj.pk]), "upload_url": upload}
        return {"preview_url": reverse("admin:news_article_preview_new"), "upload_url": ""}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["editor"] = self.editor_config(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # History: every logged change is also a version (news.history) -------------

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        history.record(obj, user=request.user, comment=entry.get_change_message())
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        history.record(obj, user=request.user, comment=entry.get_change_message())
        return entry

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        rows = [
            {"version": version, "url": reverse("admin:news_article_version", args=[obj.pk, version.pk])}
            for version in history.versions(obj)
        ]
        return super().history_view(request, object_id, {**(extra_context or {}), "versions": rows})

    def version_view(self, request, object_id, version_id):
        """One version: what it changed, field by field, and a button to restore it."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(history.versions(obj), pk=version_id)
        can_restore = self.has_change_permission(request, obj) and can_edit_source(request)
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            history.restore(version, user=request.user)
            self.message_user(request, gettext("The earlier version is now the current one."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:news_article_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("Version of %(time)s")
            % {"time": date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")},
            "version": version,
            "changes": history.changes_in(version),
            "can_restore": can_restore,
            "history_url": reverse("admin:news_article_history", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/news/article/version.html", context)

    def save_model(self, request, obj, form, change):
        if change:
            history.ensure_baseline(obj.pk)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.rerender()
        images = list(form.instance.images.all())
        missing = missing_references(form.instance, images)
        if missing:
            message = gettext("No image answers these references yet; they show as placeholders: %(references)s")
            self.message_user(request, message % {"references": describe_missing(missing)}, messages.WARNING)
        unused = unused_images(form.instance, images)
        if unused:
            message = gettext("No text uses these images: %(references)s")
            self.message_user(request, message % {"references": ", ".join(unused)}, messages.WARNING)


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("__str__", "slug", "position", "article_count")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles
