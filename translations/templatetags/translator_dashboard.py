from django import template

from news.defaults import TRANSLATORS
from translations import dashboard

register = template.Library()


def translates_first(request) -> bool:
    """Members of the Translators group see their section before the editors' desk; everyone else after it."""
    if not hasattr(request, "_translates_first"):  # asked twice per page: one query
        request._translates_first = request.user.groups.filter(name=TRANSLATORS).exists()
    return request._translates_first


@register.inclusion_tag("admin/translations/dashboard.html", takes_context=True)
def translator_dashboard(context, place: str):
    """The translators' counts, if this user sees them at ``place`` ("first" or "after" the editors' desk)."""
    request = context["request"]
    if not request.user.has_perm("news.view_article") or (place == "first") != translates_first(request):
        return {"show": False}
    return {"show": True, "languages": dashboard.sections()}
