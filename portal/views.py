"""Error pages in the visitor's language (LocaleMiddleware has activated it), the favicon, uploaded media."""

import sys
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponseNotFound, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views import static as static_views
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from portal.faults import DATABASE_ERRORS, service_unavailable

MEDIA_MAX_AGE = 24 * 60 * 60
# An uploaded file opened on its own (an SVG, say) may show itself, never run a script or reach the site.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@requires_csrf_token
def page_not_found(request, exception):
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))


@requires_csrf_token
def server_error(request):
    # A database error raised outside a view (a middleware reading the session) still means "come back later".
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    # No request context: whatever failed may fail again in a context processor.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("img/logo.svg"))


@require_safe
def media(request, path: str):
    """An uploaded file from MEDIA_ROOT, when the app serves media itself (``SERVE_MEDIA=1``).

    Django's ``static()`` URL patterns do nothing with DEBUG off; this view
    works behind gunicorn too. Only regular files inside MEDIA_ROOT are
    served: ``..``, absolute paths, backslashes and symbolic links leading
    out are 404s.
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the reverse proxy")
    root = Path(settings.MEDIA_ROOT).resolve()
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise Http404("Not a media path")
    try:
        target = (root / path).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise Http404("No such file") from None
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404("No such file")
    response = static_views.serve(request, target.relative_to(root).as_posix(), document_root=root)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
