"""Per-language translation states in the article admin: a choice per target language, and two list actions."""

from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news import readiness
from news.admin_forms import STATE_FIELDS, can_edit_source
from news.content import LanguageState
from translations import languages


def _language_action(code: str):
    def action(modeladmin, request, queryset):
        changed = readiness.mark_language_ready(queryset, code, user=request.user)
        message = ngettext(
            "%(language)s translation marked ready in %(count)d article.",
            "%(language)s translation marked ready in %(count)d articles.",
            len(changed),
        )
        params = {"language": languages.get(code).name, "count": len(changed)}
        modeladmin.message_user(request, message % params, messages.SUCCESS)

    action.__name__ = f"mark_ready_{code.replace('-', '_')}"
    return admin.action(
        action, description=format_lazy(_("Mark {language} translation ready"), language=languages.get(code).name)
    )


class ReadinessAdminMixin:
    """The state choices beside the texts, and the actions that publish translations from the list."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        state = LanguageState.READY if can_edit_source(request) else LanguageState.IN_PROGRESS
        return type(form.__name__, (form,), {"new_translation_state": state})

    def get_fieldsets(self, request, obj=None):
        source = obj.source_language if obj else languages.default_code()
        names = [name for name, code in STATE_FIELDS.items() if code != source]
        return [*super().get_fieldsets(request, obj), (_("Translation state"), {"fields": names})]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return actions
        for code in languages.codes():
            action = _language_action(code)
            actions[action.__name__] = (action, action.__name__, action.short_description)
        if can_edit_source(request):
            name = "publish_all_languages"
            actions[name] = (type(self).publish_all_languages, name, type(self).publish_all_languages.short_description)
        return actions

    @admin.action(description=_("Publish all languages"))
    def publish_all_languages(self, request, queryset):
        changed = readiness.publish_all_languages(queryset, user=request.user)
        message = ngettext(
            "Every translation is now ready in %(count)d article.",
            "Every translation is now ready in %(count)d articles.",
            len(changed),
        )
        self.message_user(request, message % {"count": len(changed)}, messages.SUCCESS)
