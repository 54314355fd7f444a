"""The article editor's own pages: live preview, image upload, history with diffs and restore."""

import sys
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_protect

from news import admin_tabs, history, image_checks, image_usage, preview, saving
from news.admin_forms import ArticleForm, can_edit_source, describe_missing, free_reference
from news.models import ArticleImage
from translations import languages


class EditorAdminMixin:
    """Adds the editor's endpoints and pages to the article admin, and records every change as a version."""

    form = ArticleForm

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            path("preview/", csrf_protect(self.preview_view), name="news_article_preview_new"),
            path("<path:object_id>/preview/", csrf_protect(self.preview_view), name="news_article_preview"),
            path("<path:object_id>/images/upload/", view(self.image_upload_view), name="news_article_image_upload"),
            path("images/check/", view(self.image_check_view), name="news_article_image_check"),
            path("<path:object_id>/history/<int:version_id>/", view(self.version_view), name="news_article_version"),
        ]
        return extra + super().get_urls()

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

    def image_check_view(self, request):
        """POST the form's bodies (``body_<code>``) and image rows (``reference``/``language`` pairs).

        Answers the warnings the save would give about them, in the editor's
        language: references no image answers, images no body uses. The form
        is checked as it is, before anything is saved.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        references, image_languages = request.POST.getlist("reference"), request.POST.getlist("language")
        if len(references) != len(image_languages) or not all(
            code == "" or languages.is_enabled(code) for code in image_languages
        ):
            return JsonResponse({"error": gettext("Unknown language.")}, status=400)
        bodies = {field: request.POST.get(field, "") for field in languages.fields("body")}
        images = [
            ArticleImage(reference=ref, language=code) for ref, code in zip(references, image_languages, strict=True)
        ]
        return JsonResponse({"warnings": image_warnings(SimpleNamespace(**bodies), images)})

    def editor_config(self, request, obj) -> dict:
        """What the editor's script needs, rendered as data attributes of the change form."""
        check = reverse("admin:news_article_image_check")
        if obj and obj.pk:
            preview_url = reverse("admin:news_article_preview", args=[obj.pk])
            upload = reverse("admin:news_article_image_upload", args=[obj.pk]) if can_edit_source(request) else ""
            return {"preview_url": preview_url, "upload_url": upload, "check_url": check, "saved": True}
        preview_url = reverse("admin:news_article_preview_new")
        return {"preview_url": preview_url, "upload_url": "", "check_url": check, "saved": False}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["editor"] = self.editor_config(request, obj)
        context["language_tabs"] = admin_tabs.language_tabs(context["adminform"].form, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # History: every logged change is also a version (news.history) -------------

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        history.record(obj, user=request.user, comment=entry.get_change_message())
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if isinstance(obj, self.model):  # the article admin also logs changes of the categories and tags it renames
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
            _, notes = history.restore(version, user=request.user)
            self.message_user(request, gettext("The earlier version is now the current one."), messages.SUCCESS)
            for note in notes:
                self.message_user(request, note, messages.WARNING)
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
        # The article and its images are one save: rendered once, at the end of save_related.
        obj._one_save = saving.one_save(obj)
        obj._one_save.__enter__()
        try:
            super().save_model(request, obj, form, change)
        except BaseException:
            obj._one_save.__exit__(*sys.exc_info())
            raise

    def save_related(self, request, form, formsets, change):
        hold = getattr(form.instance, "_one_save", None) or saving.one_save(form.instance)
        form.instance._one_save = None
        if hold is not None and saving.held(form.instance) is None:
            hold.__enter__()
        try:
            super().save_related(request, form, formsets, change)
        finally:
            hold.__exit__(*sys.exc_info())
        for warning in image_warnings(form.instance, list(form.instance.images.all())):
            self.message_user(request, warning, messages.WARNING)


def image_warnings(article, images) -> list[str]:
    """What the editor is told about ``article``'s bodies and ``images``: references nothing answers, unused images."""
    warnings = []
    missing = image_usage.missing_in_article(article, images)
    if missing:
        message = gettext("No image answers these references yet; they show as placeholders: %(references)s")
        warnings.append(message % {"references": describe_missing(missing)})
    unused = image_usage.unused_in_article(article, images)
    if unused:
        message = gettext("No text uses these images: %(references)s")
        warnings.append(message % {"references": ", ".join(unused)})
    return warnings
