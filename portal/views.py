"""Error pages in the visitor's language (LocaleMiddleware has activated it), and the favicon."""

from django.http import HttpResponseNotFound, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def page_not_found(request, exception):
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))


@requires_csrf_token
def server_error(request):
    # No request context: whatever failed may fail again in a context processor.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("img/logo.svg"))
