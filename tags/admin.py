from django.contrib import admin
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext
from modeltranslation.admin import TabbedTranslationAdmin
from taggit.models import Tag as UnusedTaggitTag

from tags.models import Tag, matching
from translations import languages


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ("__str__", "name", "slug")
    search_fields = ["name", "slug", *languages.fields("label")]
    ordering = ("slug",)

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


# Articles use tags.Tag; taggit's stock tag table stays empty, and a second "Tags" entry misleads.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)
