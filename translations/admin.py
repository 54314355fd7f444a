"""The admin side of translation files: states, PO download and upload, a dashboard.

Everything here is open to the Translators group: downloading needs the view
permission, uploading the change permission. An upload writes only the text of
languages other than each article's source (see ``translations.po_import``),
so translators still cannot change source text, publish or delete.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from news import uploads
from news.admin import ArticleAdmin
from news.content import LanguageState
from news.models import Article
from translations import languages, po_export, po_import, records
from translations.admin_editor import SegmentEditorAdminMixin
from translations.dashboard import FILTER_PARAMETER, article_counts, state_condition

LANGUAGE_NAMES = dict(languages.choices())
STATE_LABELS = {
    records.COMPLETE: _("complete"),
    records.MISSING: _("missing"),
    records.OUTDATED: _("outdated"),
}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DASHBOARD_ARTICLES = 20  # per language, most recently changed first


def state_text(article: Article, language: str) -> str:
    state, count = records.translation_state(article, language)
    if state == records.OUTDATED:
        text = ngettext("outdated (%(count)d segment)", "outdated (%(count)d segments)", count) % {"count": count}
    else:
        text = str(STATE_LABELS[state])
    if state != records.MISSING and not article.is_ready(language):
        return f"{text} · {LanguageState.IN_PROGRESS.label}"  # visitors do not see it yet
    return text


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
    file = forms.FileField(
        label=_("PO file"),
        help_text=_("A file downloaded here, translated. Its header says which language it is for."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; export fewer articles at a time."),
                params={"limit": filesizeformat(MAX_UPLOAD_BYTES)},
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as UTF-8 and try again.")) from None


def _download_action(language: str, *, suggest: bool = False):
    def download(modeladmin, request, queryset):
        articles = po_export.select_articles(language=language, slugs=queryset.values_list("slug", flat=True))
        # Downloads answer GETs too: they read what every save keeps and write nothing.
        po = po_export.export_po(
            language=language,
            articles=articles,
            base_url=request.build_absolute_uri("/"),
            refresh_records=False,
            suggest=suggest,
            machine=False,  # the site's memory only: a download does not wait on a translation service
        )
        if not po:
            # Only articles written in that language were chosen: say so rather than hand out an empty file.
            message = gettext("Nothing to translate into %(language)s: the selected articles are written in it.")
            modeladmin.message_user(request, message % {"language": LANGUAGE_NAMES[language]}, messages.WARNING)
            return None
        response = HttpResponse(str(po), content_type="text/x-gettext-translation; charset=utf-8")
        filename = f"articles-{po_export.po_language(language)}.po"
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


class TranslationFilesAdminMixin(SegmentEditorAdminMixin):
    """Adds translation states, PO download/upload, the segment editor and the dashboard to the article admin."""

    translation_fieldset = (_("Translations"), {"fields": ("translation_overview",)})

    @admin.display(description=_("translation"))
    def translation_states(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            '{}: {} · <a href="{}">{}</a>',
            (
                (
                    LANGUAGE_NAMES[code],
                    state_text(obj, code),
                    reverse("admin:news_article_translate", args=[obj.pk, code]),
                    gettext("Translate"),
                )
                for code in records.target_languages(obj)
            ),
        )

    @admin.display(description=_("translation"))
    def translation_overview(self, obj):
        if not obj or not obj.pk:
            return "—"
        rows = []
        for code in records.target_languages(obj):
            state, _count = records.translation_state(obj, code)
            link = reverse("admin:news_article_translations_download", args=[obj.pk, code])
            editor = reverse("admin:news_article_translate", args=[obj.pk, code])
            rows.append(
                (
                    LANGUAGE_NAMES[code],
                    state,
                    state_text(obj, code),
                    editor,
                    gettext("Translate"),
                    link,
                    gettext("Download PO"),
                )
            )
        return format_html_join(
            mark_safe("<br>"),
            '{}: <strong class="translation-{}">{}</strong> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            rows,
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
                "translate-names/<str:language>/",
                view(self.translate_names_view),
                name="translations_names_translate",
            ),
            path("<int:pk>/translate/<str:language>/", view(self.translate_view), name="news_article_translate"),
            path(
                "<int:pk>/translate/<str:language>/suggest/",
                view(self.translate_suggest_view),
                name="news_article_translate_suggest",
            ),
            path(
                "<int:pk>/translations/<str:language>.po",
                view(self.translations_download),
                name="news_article_translations_download",
            ),
        ]
        return extra + super().get_urls()

    def _context(self, request, title):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def translations_dashboard(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:news_article_changelist")
        counts = article_counts()
        rows = [
            {
                "name": LANGUAGE_NAMES[code],
                "names_url": reverse("admin:translations_names_translate", args=[code]),
                "to_translate": [
                    (article, reverse("admin:news_article_translate", args=[article.pk, code]))
                    for article in Article.objects.filter(
                        state_condition(code, records.MISSING) | state_condition(code, records.OUTDATED)
                    ).order_by("-updated_at")[:DASHBOARD_ARTICLES]
                ],
                "states": [
                    {
                        "label": label,
                        "count": counts[code][state][0],
                        "url": f"{changelist}?{FILTER_PARAMETER}={code}:{state}",
                        "download": reverse("admin:news_article_translations_download_state", args=[code, state]),
                    }
                    for state, label in STATE_LABELS.items()
                ],
            }
            for code in languages.codes()
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
        download = _download_action(language, suggest=request.GET.get("suggest") == "1")
        response = download(self, request, Article.objects.filter(pk=pk))
        return response or HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))

    def translations_download_state(self, request, language, state):
        """Every article in one state for one language, in one PO file."""
        if not self.has_view_permission(request) or language not in languages.codes() or state not in STATE_LABELS:
            raise PermissionDenied
        download = _download_action(language, suggest=request.GET.get("suggest") == "1")
        response = download(self, request, Article.objects.filter(state_condition(language, state)))
        return response or HttpResponseRedirect(reverse("admin:news_article_translations"))

    def _may_rename(self, request) -> frozenset[str]:
        """Which names a PO file from this user may change: each needs its own permission."""
        allowed = {"category": "news.change_category", "tag": "tags.change_tag"}
        return frozenset(kind for kind, permission in allowed.items() if request.user.has_perm(permission))

    def _log_import(self, request, report, *, name: str) -> None:
        """Every object a PO file changed shows it in its history, like an edit in its form."""
        message = gettext("Translation into %(language)s imported from %(file)s.") % {
            "language": LANGUAGE_NAMES[report.language],
            "file": name,
        }
        self._log_report(request, report, message)

    def _log_report(self, request, report, message: str) -> None:
        seen = set()
        for obj in report.changed_objects:
            if (type(obj), obj.pk) not in seen:
                seen.add((type(obj), obj.pk))
                self.log_change(request, obj, message)

    def translations_upload(self, request):
        """Upload → preview of every change (the file waits on the server) → apply in one click."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = staged = None
        form = UploadForm()
        flow = po_upload_flow(may_rename=self._may_rename(request))
        if request.method == "POST" and "apply" in request.POST:
            pending = flow.pending(request)
            report = flow.confirm(request, request.POST["apply"])
            if report is None:
                message = gettext("Upload the file again: it is no longer on the server.")
                self.message_user(request, message, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:news_article_translations_upload"))
            if report.applied:
                self._log_import(request, report, name=pending.name)
                self.message_user(request, _report_message(report), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:news_article_changelist"))
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = request.FILES["file"]
                upload.seek(0)
                staged, report = flow.preview(request, upload)
                if not (report.ok and report.writes):
                    flow.discard(request)
                    staged = None
        context = {
            **self._context(request, gettext("Upload translations")),
            "form": form,
            "report": report,
            "language_name": LANGUAGE_NAMES.get(report.language, "") if report and report.language else "",
            "can_apply": bool(staged and report and report.ok),
            "token": staged.token if staged else "",
        }
        return TemplateResponse(request, "admin/news/article/translations_upload.html", context)


def po_upload_flow(*, may_rename: frozenset[str]) -> uploads.UploadFlow:
    """The PO upload goes the way the Markdown import does: staged as it is, previewed, applied on confirmation."""

    def run(staged: uploads.Staged, *, dry_run: bool) -> po_import.ImportReport:
        return _import(staged.name, staged.path.read_text(encoding="utf-8"), dry_run=dry_run, may_rename=may_rename)

    return uploads.UploadFlow(
        session_key="translations_po_upload",
        preview=lambda staged: run(staged, dry_run=True),
        apply=lambda staged: run(staged, dry_run=False),
        unpack=uploads.store_file,
        limits=uploads.UploadLimits(max_file_bytes=MAX_UPLOAD_BYTES),
    )


def _import(name: str, content: str, *, dry_run: bool, may_rename: frozenset[str]) -> po_import.ImportReport:
    return po_import.import_po(
        sources=[po_import.PoSource(name=name, text=content)], dry_run=dry_run, may_rename=may_rename
    )


def _report_message(report: po_import.ImportReport) -> str:
    return gettext(
        "Translations imported: %(updated)d updated, %(confirmed)d confirmed as still correct, "
        "%(unchanged)d unchanged, %(untranslated)d left untranslated."
    ) % {
        "updated": len(report.updated),
        "confirmed": len(report.confirmed),
        "unchanged": len(report.unchanged),
        "untranslated": len(report.untranslated),
    }


# The article admin, with the translators' tools on top: news knows nothing of them.
admin.site.unregister(Article)


@admin.register(Article)
class TranslatableArticleAdmin(TranslationFilesAdminMixin, ArticleAdmin):
    pass
