"""The article list's publishing tools: bulk actions and shareable preview links (news.publishing does the work)."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from news import publishing
from news.admin_forms import LANGUAGE_NAMES, ArticleActionForm, can_edit_source
from translations import languages


class PublishingAdminMixin:
    """Publish, unpublish, set a category, add or remove tags from the list; preview links in the form."""

    action_form = ArticleActionForm
    actions = ["publish_selected", "unpublish_selected", "set_category", "add_tags", "remove_tags"]

    @admin.display(description=_("preview link"))
    def preview_links(self, obj):
        if not obj or not obj.pk or obj.is_public:
            return "—"
        days = publishing.preview_max_age().days
        links = format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener" class="preview-link">{}</a>',
            ((publishing.preview_url(obj, code), LANGUAGE_NAMES[code]) for code in languages.codes()),
        )
        note = ngettext(
            "Anyone with the link can read this unpublished article for %(days)d day, without logging in.",
            "Anyone with the link can read this unpublished article for %(days)d days, without logging in.",
            days,
        ) % {"days": days}
        return format_html('{}<br><span class="help">{}</span>', links, note)

    # Bulk actions ------------------------------------------------------------------

    def has_edit_source_permission(self, request):
        return can_edit_source(request) and self.has_change_permission(request)

    def _report(self, request, result: publishing.BulkResult, done: str):
        self.message_user(request, done % {"count": len(result.changed)}, messages.SUCCESS)
        for title, missing in result.refused.items():
            message = gettext("“%(title)s” was not published: no image answers %(references)s.")
            self.message_user(request, message % {"title": title, "references": ", ".join(missing)}, messages.ERROR)

    @admin.action(description=_("Publish the selected articles"), permissions=["edit_source"])
    def publish_selected(self, request, queryset):
        result = publishing.publish(queryset.prefetch_related("images"), user=request.user)
        self._report(request, result, gettext("Articles published: %(count)d."))

    @admin.action(description=_("Make the selected articles drafts"), permissions=["edit_source"])
    def unpublish_selected(self, request, queryset):
        result = publishing.unpublish(queryset, user=request.user)
        self._report(request, result, gettext("Articles made drafts: %(count)d."))

    @admin.action(description=_("Set the category chosen beside the action"), permissions=["edit_source"])
    def set_category(self, request, queryset):
        category = ArticleActionForm(request.POST).category_or_none()
        if category is None:
            self.message_user(request, gettext("Choose a category beside the action first."), messages.ERROR)
            return
        result = publishing.set_category(queryset, category, user=request.user)
        self._report(request, result, gettext("Articles moved: %(count)d."))

    @admin.action(description=_("Add the tags typed beside the action"), permissions=["edit_source"])
    def add_tags(self, request, queryset):
        names = ArticleActionForm(request.POST).tag_names()
        if not names:
            self.message_user(request, gettext("Type one or more tags beside the action first."), messages.ERROR)
            return
        result = publishing.change_tags(queryset, add=names, user=request.user)
        self._report(request, result, gettext("Articles tagged: %(count)d."))

    @admin.action(description=_("Remove the tags typed beside the action"), permissions=["edit_source"])
    def remove_tags(self, request, queryset):
        names = ArticleActionForm(request.POST).tag_names()
        if not names:
            self.message_user(request, gettext("Type one or more tags beside the action first."), messages.ERROR)
            return
        result = publishing.change_tags(queryset, remove=names, user=request.user)
        self._report(request, result, gettext("Articles changed: %(count)d."))
