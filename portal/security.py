"""Response headers every page carries, and requests refused before any view sees them."""

from axes.helpers import get_cool_off, get_failure_limit
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from portal.text import describe, first_control_char

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy from settings, with inline styles allowed in the admin only.

    Django's change list writes a ``<style>`` element when a model has no
    actions; public pages need no inline style or script at all. The editor's
    banner crop preview shows the chosen file before upload, as a ``blob:`` URL.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {
                **(parts.update or {}),
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": [*settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], "blob:"],
            }
        return parts


class PermissionsPolicyMiddleware:
    """Turns off browser features the site never uses (camera, geolocation, …) for it and any frame."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ControlCharactersMiddleware:
    """A control character in the path or query string is a 400, not a database error later.

    PostgreSQL refuses NUL in text, XML cannot hold most control characters,
    and no link of the site has any.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The parameters as Django decodes them (percent-encoded or raw UTF-8 alike).
        query = "".join(key + "".join(values) for key, values in request.GET.lists())
        for part, text in (("path", request.path_info), ("query", query)):
            found = first_control_char(text)
            if found:
                message = (
                    gettext("The address contains the control character %(char)s in its path.")
                    if part == "path"
                    else gettext("The address contains the control character %(char)s in its query string.")
                ) % {"char": describe(found[1])}
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def client_address(request) -> str | None:
    """The visitor's address for login throttling.

    Behind the reverse proxy (``BEHIND_PROXY``) that is the last address of
    X-Forwarded-For, the one the proxy itself added; anything before it was
    sent by the client and may be made up.
    """
    if settings.BEHIND_PROXY:
        forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The admin login page saying that logging in is blocked for now, in the visitor's language."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Log in"),
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0,
    }
    return TemplateResponse(request, "admin/locked_out.html", context, status=429).render()
