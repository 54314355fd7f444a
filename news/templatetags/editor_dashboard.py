from django import template

from news import dashboard

register = template.Library()


@register.inclusion_tag("admin/news/dashboard.html", takes_context=True)
def editor_dashboard(context):
    """The dashboard's four lists, for the user looking at the admin home."""
    request = context["request"]
    if not request.user.has_perm("news.view_article"):
        return {"show": False}
    return {"show": True, **dashboard.sections(request.user)}
