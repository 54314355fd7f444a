from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from news import importing, publishing, uploads
from news.admin_editor import EditorAdminMixin
from news.admin_forms import ArticleImageFormSet, CheckedImageField, can_edit_source
from news.admin_publishing import PublishingAdminMixin
from news.admin_readiness import ReadinessAdminMixin
from news.models import Article, ArticleImage, ArticleSlugRedirect, Category
from portal.text import CleanTextModelForm
from tags.models import Tag
from translations import languages

LANGUAGE_NAMES = dict(languages.choices())

# The admin carries the site's name, not "Django administration".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Editors' desk")
# Three models need no second menu beside every page; the width goes to the forms and lists.
admin.site.enable_nav_sidebar = False
TRANSLATED_TEXT_FIELDS = ("title", "summary", "body", "banner_alt")


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("missing language")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in languages.choices()]

    def queryset(self, request, queryset):
        if self.value() in languages.codes():
            return queryset.missing_language(self.value())
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Tags by typing (name or label, with suggestions), plus the few most used: usable with hundreds of tags."""

    title = _("tag")
    parameter_name = "tag"
    template = "admin/news/tag_filter.html"
    shown = 10

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Kept as hidden fields of the typing form, so the other filters stay applied.
        skip = (self.parameter_name, "p")
        self.other_params = [(key, value) for key, values in request.GET.lists() if key not in skip for value in values]
        self.suggestions_url = reverse("admin:tags_tag_suggestions")

    def lookups(self, request, model_admin):
        used = Tag.objects.annotate(uses=Count("tagged_articles")).filter(uses__gt=0)
        return [(tag.name, str(tag)) for tag in used.order_by("-uses", "name")[: self.shown]]

    def queryset(self, request, queryset):
        typed = (self.value() or "").strip()
        if not typed:
            return queryset
        match = Q(name__iexact=typed) | Q(slug__iexact=typed)
        for field in languages.fields("label"):
            match |= Q(**{f"{field}__iexact": typed})
        return queryset.filter(tags__in=Tag.objects.filter(match)).distinct()


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


class ArticleImageInline(TranslationTabularInline):
    model = ArticleImage
    form = CleanTextModelForm  # no control characters in what editors paste
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
            # The tabs' script strips the "[language]" suffix from headers, which would leave the read-only
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


IMPORT_SESSION_KEY = "news_import_upload"


def _import_staged(staged: uploads.Staged, *, dry_run: bool) -> importing.Report:
    report = importing.import_paths([staged.folder], static_roots=[staged.folder], dry_run=dry_run, **staged.options)
    return report.shown_relative_to(staged.folder)


IMPORT_FLOW = uploads.UploadFlow(
    session_key=IMPORT_SESSION_KEY,
    preview=lambda staged: _import_staged(staged, dry_run=True),
    apply=lambda staged: _import_staged(staged, dry_run=False),
)


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
        if upload and upload.size > uploads.UploadLimits().max_upload_bytes:
            self.add_error("file", _("The file is too large."))
        elif upload and not upload.name.lower().endswith((".md", ".markdown", ".zip")):
            self.add_error("file", _("Upload a .md file or a .zip archive."))
        elif upload and not upload.name.lower().endswith(".zip") and not data.get("language"):
            self.add_error("language", _("Choose the language of a single Markdown file."))
        return data


@admin.register(Article)
class ArticleAdmin(EditorAdminMixin, PublishingAdminMixin, ReadinessAdminMixin, TabbedTranslationAdmin):
    # Few, narrow columns: the list fits a 1366 px laptop beside its filters.
    list_display = ("title_column", "publication_state", "publish_time", "category", "language_list")
    list_filter = (PublicationStateFilter, "status", "category", TagFilter, MissingLanguageFilter, "source_language")
    # Bodies too: editors look for a sentence they remember.
    search_fields = [
        *(languages.field(field, code) for field in ("title", "summary", "body") for code in languages.codes()),
        "slug",
        "author",
    ]
    date_hierarchy = "publish_at"
    list_select_related = ("category",)
    inlines = [ArticleImageInline]
    readonly_fields = ("view_on_site_links", "preview_links", "created_at", "updated_at")
    view_on_site = False  # replaced by one link per language
    # Status and time first: publishing or scheduling needs no scrolling.
    fieldsets = (
        (None, {"fields": ("status", "publish_at"), "classes": ("publication-top",)}),
        (None, {"fields": ("title", "summary", "body")}),
        (_("Publication"), {"fields": ("category", "tags", "author", "source_language", "slug")}),
        (_("Banner"), {"fields": ("banner", "banner_alt")}),
        (_("On the site"), {"fields": ("view_on_site_links", "preview_links", "created_at", "updated_at")}),
    )

    class Media:
        js = ("js/admin-tags.js", "js/admin-editor.js", "js/admin-tabs.js")
        css = {"all": ("css/admin-editor.css",)}

    @admin.display(description=_("title"))
    def title_column(self, obj):
        # Long titles end in "…"; the whole title shows on hover.
        return format_html('<span class="truncate list-title" title="{}">{}</span>', str(obj), str(obj))

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, obj):
        # "Published" alone would hide that visitors cannot see it yet.
        return publishing.state_text(obj)

    @admin.display(description=_("publish at"), ordering="publish_at")
    def publish_time(self, obj):
        return date_format(timezone.localtime(obj.publish_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("languages"))
    def language_list(self, obj):
        # Each language the article exists in, linking to its page on the site.
        if not obj.languages:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((obj.url_for(code), LANGUAGE_NAMES[code]) for code in obj.languages),
        )

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
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload a .md or a .zip of a folder tree: a dry run's report first, then the import on confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form, report, pending = ImportUploadForm(), None, None
        if request.method == "POST" and "confirm" in request.POST:
            report = IMPORT_FLOW.confirm(request, request.POST["confirm"])
            if report is None:
                messages.error(request, gettext("This upload has expired; upload the file again."))
        elif request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                options = {"language": form.cleaned_data["language"] or None, "force": form.cleaned_data["force"]}
                try:
                    pending, report = IMPORT_FLOW.preview(request, form.cleaned_data["file"], options=options)
                except uploads.UnsafeArchive as error:
                    form.add_error("file", str(error))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import Markdown"),
            "form": form,
            "report": report,
            "pending": pending,
        }
        return TemplateResponse(request, "admin/news/article/import.html", context)


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    form = CleanTextModelForm  # no control characters in what editors paste
    list_display = ("__str__", "slug", "position", "article_count")
    list_editable = ("position",)
    # The slug follows the name in a language written in Latin letters, where ASCII slugs come from.
    prepopulated_fields = {"slug": (languages.field("name", languages.latin_first()[0]),)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    """Old addresses are made by changing a slug; here they can be seen, searched and removed."""

    list_display = ("old_slug", "article", "created_at")
    search_fields = ("old_slug", "article__slug")
    list_select_related = ("article",)
    readonly_fields = ("old_slug", "article", "created_at")

    def has_add_permission(self, request):
        return False
