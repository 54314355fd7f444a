"""The admin side of translation files: states, PO download and upload, a dashboard.

Everything here is open to the Translators group: downloading needs the view
permission, uploading the change permission. An upload writes only the text of
languages other than each article's source (see ``news.translation_files``),
so translators still cannot change source text, publish or delete.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from news.admin import ArticleAdmin
from news.models import Article
from translations import languages, po_files

LANGUAGE_NAMES = dict(languages.choices())
STATE_LABELS = {
    po_files.COMPLETE: _("complete"),
    po_files.MISSING: _("missing"),
    po_files.OUTDATED: _("outdated"),
}
FILTER_PARAMETER = "translation"
ARTICLE_CONTEXT = re.compile(r"article:(\d+):")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FORM_OVERHEAD_BYTES = 16 * 1024  # the apply form's other fields and multipart headers


def state_text(article: Article, language: str) -> str:
    state, count = po_files.translation_state(article, language)
    if state == po_files.OUTDATED:
        return ngettext("outdated (%(count)d segment)", "outdated (%(count)d segments)", count) % {"count": count}
    return str(STATE_LABELS[state])


def state_condition(language: str, state: str) -> Q:
    """Articles translatable into ``language`` that are in ``state`` there, as a database condition."""
    title = languages.field("title", language)
    has_text = ~Q(**{title: ""}) & Q(**{f"{title}__isnull": False})
    translatable = ~Q(source_language=language)
    if state == po_files.MISSING:
        return translatable & ~has_text
    behind = Q(outdated_segments__has_key=language)
    if state == po_files.OUTDATED:
        return translatable & has_text & behind
    return translatable & has_text & ~behind


class TranslationStateFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = FILTER_PARAMETER

    def lookups(self, request, model_admin):
        return [
            (f"{code}:{state}", f"{LANGUAGE_NAMES[code]}: {label}")
            for code in languages.codes()
            for state, label in STATE_LABELS.items()
        ]

    def queryset(self, request, queryset):
        language, _sep, state = (self.value() or "").partition(":")
        if language in languages.codes() and state in STATE_LABELS:
            return queryset.filter(state_condition(language, state))
        return queryset


class UploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the translation"), choices=languages.choices())
    file = forms.FileField(label=_("PO file"), help_text=_("A file downloaded here, translated."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = upload_limit()
        too_large = forms.ValidationError(
            _("The file is larger than %(limit)s; export fewer articles at a time."),
            params={"limit": filesizeformat(limit)},
        )
        if upload.size > limit:
            raise too_large
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as UTF-8 and try again.")) from None
        # Browsers send each line break of a form value as CRLF.
        if len(text.encode()) + text.count("\n") > limit:
            raise too_large
        return text


def upload_limit() -> int:
    """The largest PO file that can be previewed and then applied.

    The previewed file travels back as a field of the apply form, and Django
    refuses form fields beyond DATA_UPLOAD_MAX_MEMORY_SIZE.
    """
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return MAX_UPLOAD_BYTES if cap is None else min(MAX_UPLOAD_BYTES, cap - FORM_OVERHEAD_BYTES)


class ApplyForm(forms.Form):
    language = forms.ChoiceField(choices=languages.choices(), widget=forms.HiddenInput)
    name = forms.CharField(widget=forms.HiddenInput)
    content = forms.CharField(widget=forms.HiddenInput, strip=False)

    def clean_content(self):
        # Browsers send line breaks inside form values as CRLF.
        return self.cleaned_data["content"].replace("\r\n", "\n")


def _download_action(language: str):
    def download(modeladmin, request, queryset):
        articles = po_files.select_articles(language=language, slugs=queryset.values_list("slug", flat=True))
        po = po_files.export_po(language=language, articles=articles, base_url=request.build_absolute_uri("/"))
        if not po:
            # Only articles written in that language were chosen: say so rather than hand out an empty file.
            message = gettext("Nothing to translate into %(language)s: the selected articles are written in it.")
            modeladmin.message_user(request, message % {"language": LANGUAGE_NAMES[language]}, messages.WARNING)
            return None
        response = HttpResponse(str(po), content_type="text/x-gettext-translation; charset=utf-8")
        filename = f"articles-{po_files.po_language(language)}.po"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    download.allowed_permissions = ("view",)
    download.short_description = _("Download PO for translation into %(language)s") % {
        "language": LANGUAGE_NAMES[language]
    }
    return download


@admin.action(permissions=["change"], description=_("Upload a translated PO file…"))
def _upload_action(modeladmin, request, queryset):
    return HttpResponseRedirect(reverse("admin:news_article_translations_upload"))


class TranslationFilesAdminMixin:
    """Adds translation states, PO download/upload and the dashboard to the article admin."""

    translation_fieldset = (_("Translations"), {"fields": ("translation_overview",)})

    @admin.display(description=_("translation"))
    def translation_states(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((LANGUAGE_NAMES[code], state_text(obj, code)) for code in po_files.target_languages(obj)),
        )

    @admin.display(description=_("translation"))
    def translation_overview(self, obj):
        if not obj or not obj.pk:
            return "—"
        rows = []
        for code in po_files.target_languages(obj):
            state, _count = po_files.translation_state(obj, code)
            link = reverse("admin:news_article_translations_download", args=[obj.pk, code])
            rows.append((LANGUAGE_NAMES[code], state, state_text(obj, code), link, gettext("Download PO")))
        return format_html_join(
            mark_safe("<br>"), '{}: <strong class="translation-{}">{}</strong> · <a href="{}">{}</a>', rows
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "translation_states"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TranslationStateFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translation_overview"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, self.translation_fieldset] if obj else fieldsets

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            for code in languages.codes():
                action = _download_action(code)
                name = f"download_po_{code.replace('-', '_')}"
                actions[name] = (action, name, action.short_description)
        if self.has_change_permission(request):
            actions["upload_po"] = (_upload_action, "upload_po", _upload_action.short_description)
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload_translations": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            path("translations/", view(self.translations_dashboard), name="news_article_translations"),
            path("translations/upload/", view(self.translations_upload), name="news_article_translations_upload"),
            path(
                "translations/<str:language>/<str:state>.po",
                view(self.translations_download_state),
                name="news_article_translations_download_state",
            ),
            path(
                "<int:pk>/translations/<str:language>.po",
                view(self.translations_download),
                name="news_article_translations_download",
            ),
        ]
        return extra + super().get_urls()

    def _log_import(self, request, report, *, name: str, language: str) -> None:
        """An imported translation shows in each article's history, like an edit in the form."""
        pks = {int(match[1]) for context in report.updated if (match := ARTICLE_CONTEXT.match(context))}
        message = gettext("Translation into %(language)s imported from %(file)s.") % {
            "language": LANGUAGE_NAMES[language],
            "file": name,
        }
        for article in Article.objects.filter(pk__in=pks):
            self.log_change(request, article, message)

    def _context(self, request, title):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def translations_dashboard(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:news_article_changelist")
        counts = Article.objects.aggregate(
            **{
                f"{index}_{state}": Count("pk", filter=state_condition(code, state))
                for index, code in enumerate(languages.codes())
                for state in STATE_LABELS
            }
        )
        rows = [
            {
                "name": LANGUAGE_NAMES[code],
                "states": [
                    {
                        "label": label,
                        "count": counts[f"{index}_{state}"],
                        "url": f"{changelist}?{FILTER_PARAMETER}={code}:{state}",
                        "download": reverse("admin:news_article_translations_download_state", args=[code, state]),
                    }
                    for state, label in STATE_LABELS.items()
                ],
            }
            for index, code in enumerate(languages.codes())
        ]
        context = {
            **self._context(request, gettext("Translations")),
            "languages": rows,
            "can_upload": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/news/article/translations_dashboard.html", context)

    def translations_download(self, request, pk, language):
        if not self.has_view_permission(request) or language not in languages.codes():
            raise PermissionDenied
        response = _download_action(language)(self, request, Article.objects.filter(pk=pk))
        return response or HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))

    def translations_download_state(self, request, language, state):
        """Every article in one state for one language, in one PO file."""
        if not self.has_view_permission(request) or language not in languages.codes() or state not in STATE_LABELS:
            raise PermissionDenied
        response = _download_action(language)(self, request, Article.objects.filter(state_condition(language, state)))
        return response or HttpResponseRedirect(reverse("admin:news_article_translations"))

    def translations_upload(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = apply_form = None
        form = UploadForm()
        if request.method == "POST" and "apply" in request.POST:
            apply_form = ApplyForm(request.POST)
            if apply_form.is_valid():
                data = apply_form.cleaned_data
                report = _import(data["name"], data["content"], data["language"], dry_run=False)
                if report.applied:
                    self._log_import(request, report, name=data["name"], language=data["language"])
                    self.message_user(request, _report_message(report), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:news_article_changelist"))
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                name = request.FILES["file"].name
                data = form.cleaned_data
                report = _import(name, data["file"], data["language"], dry_run=True)
                if report.ok:
                    initial = {"language": data["language"], "name": name, "content": data["file"]}
                    apply_form = ApplyForm(initial=initial)
        context = {
            **self._context(request, gettext("Upload translations")),
            "form": form,
            "report": report,
            "apply_form": apply_form if report and report.ok else None,
        }
        return TemplateResponse(request, "admin/news/article/translations_upload.html", context)


def _import(name: str, content: str, language: str, *, dry_run: bool) -> po_files.ImportReport:
    return po_files.import_po(sources=[po_files.PoSource(name=name, text=content)], language=language, dry_run=dry_run)


def _report_message(report: po_files.ImportReport) -> str:
    return gettext(
        "Translations imported: %(updated)d updated, %(unchanged)d unchanged, %(untranslated)d left untranslated."
    ) % {"updated": len(report.updated), "unchanged": len(report.unchanged), "untranslated": len(report.untranslated)}


# The article admin, with the translators' tools on top: news knows nothing of them.
admin.site.unregister(Article)


@admin.register(Article)
class TranslatableArticleAdmin(TranslationFilesAdminMixin, ArticleAdmin):
    pass
