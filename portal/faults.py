"""When the database is down or does not answer: a 503 page in the visitor's language, not a 500.

The page is rendered without touching the database (no request context), and
says when to come back. Django drops a broken connection at the end of the
request, so the next request connects again: the site recovers on its own.
"""

import contextlib
import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
logger = logging.getLogger("portal.faults")


def drop_broken_connections() -> None:
    """Closes the connections the error broke, so that the next query connects afresh."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue  # the block's owner decides (a test's transaction, ATOMIC_REQUESTS)
        with contextlib.suppress(DATABASE_ERRORS):
            connection.close_if_unusable_or_obsolete()


def service_unavailable(request=None) -> HttpResponse:
    """The styled 503 page, with Retry-After."""
    drop_broken_connections()
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 for a database error raised by a view or while rendering its template."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable on %s: %s", request.path, exception)
            return service_unavailable(request)
        return None
