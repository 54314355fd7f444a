from django.contrib import admin, messages
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from taggit.models import Tag as UnusedTaggitTag

from portal.text import CleanTextModelForm
from tags.models import Tag, TagRedirect, matching, merge_tags
from translations import languages


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    form = CleanTextModelForm  # no control characters in what editors paste
    list_display = ("__str__", "name", "slug")
    search_fields = ["name", "slug", *languages.fields("label")]
    ordering = ("slug",)
    actions = ["merge_selected"]

    def get_urls(self):
        suggestions = path(
            "suggestions/", self.admin_site.admin_view(self.suggestions_view), name="tags_tag_suggestions"
        )
        return [suggestions, *super().get_urls()]

    def suggestions_view(self, request):
        """Tags whose name or label in any language contains ``q``, for the tag field's autocomplete.

        ``tags`` are the names to type (what the tag field matches); ``labels`` say, in the
        same order, what each tag is called in every language, so that an editor typing
        内核 is offered the existing tag ``kernel`` instead of creating a second one.
        """
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"error": gettext("Permission denied")}, status=403)
        term = request.GET.get("q", "").strip()
        found = list((matching(term) if term else Tag.objects.all()).order_by("name")[:20])
        labels = [
            " · ".join(dict.fromkeys(filter(None, (getattr(tag, field) for field in languages.fields("label")))))
            for tag in found
        ]
        return JsonResponse({"tags": [tag.name for tag in found], "labels": labels})

    @admin.action(description=_("Merge the selected tags into one"), permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        """First a page to choose the tag to keep, then the merge: its objects, labels and old slugs."""
        tags = list(queryset.order_by("slug"))
        if len(tags) < 2:
            self.message_user(request, gettext("Select two or more tags to merge."), messages.ERROR)
            return None
        keep_pk = request.POST.get("keep")
        keep = next((tag for tag in tags if str(tag.pk) == keep_pk), None)
        if "apply" in request.POST and keep is not None:
            others = [tag for tag in tags if tag.pk != keep.pk]
            merge_tags(keep, others)
            count = len(others)
            self.message_user(
                request,
                ngettext(
                    "%(count)d tag merged into “%(tag)s”; its old page redirects there.",
                    "%(count)d tags merged into “%(tag)s”; their old pages redirect there.",
                    count,
                )
                % {"count": count, "tag": keep},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Merge tags"),
            "tags": tags,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tags/tag/merge.html", context)


@admin.register(TagRedirect)
class TagRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "tag", "created_at")
    search_fields = ["old_slug", "tag__slug", "tag__name"]
    autocomplete_fields = ["tag"]


# Articles use tags.Tag; taggit's stock tag table stays empty, and a second "Tags" entry misleads.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)
