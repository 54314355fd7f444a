"""Cache hits answered before Django's request handling: the WSGI application wraps Django with this.

A stored public page (``portal.cache``) costs a cache lookup and a copy of
bytes; going through Django's handler (request signals, the whole middleware
stack around the page cache) cost several times that. This layer answers the
hits itself with the same rules, key, entry and answer as the page cache
middleware, and runs only the middleware that sits before the page cache in
``MIDDLEWARE`` (security headers, CSP, permissions policy, static files) on the
answer, so that its headers are exactly those Django would send. Everything
else (misses, private requests, anything unusual) goes to Django unchanged.
"""

import logging
from http import HTTPStatus
from types import SimpleNamespace

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.utils.module_loading import import_string

from portal import cache as page_cache

logger = logging.getLogger("portal.cache")

PAGE_CACHE_MIDDLEWARE = "portal.cache.PageCacheMiddleware"
# The WSGI values a request's key and publicness can depend on, besides its headers (HTTP_*).
_REQUEST_VALUES = ("REQUEST_METHOD", "PATH_INFO", "SCRIPT_NAME", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT")
MAX_REMEMBERED_REQUESTS = 4096
MAX_REMEMBERED_ANSWERS = 512  # whole answers, a page's bytes each


class PageCacheApplication:
    """A WSGI application: stored pages from the cache, the rest from ``application`` (Django's)."""

    def __init__(self, application):
        self.application = application
        self._outer = None
        self._outer_headers = {}
        # Per request signature, what Django's request would tell: the page's key (None: not for the
        # cache) and whether it came over HTTPS. Building a WSGIRequest for that was half a hit's time.
        self._requests: dict[tuple, tuple[str | None, bool]] = {}
        # Per entry and request variant, the WSGI answer (status line, headers, body) it gave.
        self._answers: dict[tuple, tuple[str, list[tuple[str, str]], bytes]] = {}
        setting_changed.connect(self._forget, weak=False)

    def _forget(self, **_kwargs):
        self._requests.clear()
        self._answers.clear()
        self._outer_headers.clear()

    def __call__(self, environ, start_response):
        answer = None
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and settings.PAGE_CACHE:
            try:
                answer = self.answer(environ)
            except Exception:  # whatever went wrong, Django answers (and reports) it
                logger.exception("Serving a page from the cache before Django failed")
                answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, list(headers))  # a copy: a remembered answer is served again
        return [body]

    def answer(self, environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The WSGI status, headers and body of a stored page, or None for Django to answer."""
        key, secure = self.request_key(environ)
        if key is None:
            return None
        _version, entry = page_cache.lookup(key)
        if entry is None:
            return None
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:  # rare: as Django goes
            request = WSGIRequest(environ)
            request._fast_entry = entry
            return _wsgi(self.outer_middleware(request))
        # The answer is made of the entry, the method, Accept-Encoding and the scheme, and of the time only for an
        # entry that expires (its Cache-Control counts down to the next publication): the others are made once.
        method, encoding = environ["REQUEST_METHOD"], environ.get("HTTP_ACCEPT_ENCODING", "")
        made_once = entry.valid_until is None
        if made_once:
            signature = (key, entry.version, entry.etag, entry.last_modified, entry.headers, method, encoding, secure)
            known = self._answers.get(signature)
            if known is not None:
                return known
        # What page_cache.answer reads of a request: its method and its Accept-Encoding.
        request = SimpleNamespace(method=method, META=environ)
        status, headers, body = page_cache.answer(request, entry, cache_status="hit")
        # As in Django's response: Content-Type first, a later header of the same name replacing it.
        store = {name.lower(): (name, value) for name, value in (("Content-Type", ""), *headers)}
        for name, value in self.outer_headers(environ, secure):
            store.setdefault(name.lower(), (name, value))
        answer = f"{status} {HTTPStatus(status).phrase}", list(store.values()), body
        if made_once:
            if len(self._answers) >= MAX_REMEMBERED_ANSWERS:
                self._answers.clear()
            self._answers[signature] = answer
        return answer

    def request_key(self, environ) -> tuple[str | None, bool]:
        """The page's cache key (None: the cache may not answer) and whether the request came over HTTPS.

        Both are functions of the environ's request values and headers (and the settings, whose
        change empties the memo), found once per distinct request through Django's own request.
        """
        signature = (
            environ.get("wsgi.url_scheme"),
            *(environ.get(name) for name in _REQUEST_VALUES),
            # In the order the client sent them: a client sends its headers the same way each time.
            *((name, value) for name, value in environ.items() if name.startswith("HTTP_")),
        )
        known = self._requests.get(signature)
        if known is None:
            request = WSGIRequest(environ)
            key, secure = page_cache.cache_key(request), request.is_secure()
            if settings.SECURE_SSL_REDIRECT and not secure:
                key = None  # the security middleware redirects it
            if len(self._requests) >= MAX_REMEMBERED_REQUESTS:
                self._requests.clear()
            known = self._requests[signature] = (key, secure)
        return known

    @property
    def outer_middleware(self):
        """The middleware placed before the page cache, around a view that serves the stored entry."""
        if self._outer is None:
            names = settings.MIDDLEWARE[: settings.MIDDLEWARE.index(PAGE_CACHE_MIDDLEWARE)]
            handler = _serve_entry
            for name in reversed(names):
                handler = import_string(name)(handler)
            self._outer = handler
        return self._outer

    def outer_headers(self, environ, secure: bool) -> list[tuple[str, str]]:
        """The headers the middleware before the page cache adds to a public page, found once per scheme.

        Each of them only adds a header the page lacks (security headers, CSP, permissions
        policy), and for public pages they depend on nothing but HTTPS (HSTS).
        """
        if secure not in self._outer_headers:
            request = WSGIRequest(environ)
            probe = HttpResponse()
            request._fast_probe = probe
            before = set(probe.headers)
            response = self.outer_middleware(request)
            if response is not probe:
                raise RuntimeError(f"The middleware before the page cache answered {request.path} itself.")
            self._outer_headers[secure] = [(name, value) for name, value in response.items() if name not in before]
        return self._outer_headers[secure]


def _serve_entry(request):
    probe = getattr(request, "_fast_probe", None)
    if probe is not None:
        return probe
    return page_cache.serve(request, request._fast_entry, cache_status="hit")


def _wsgi(response) -> tuple[str, list[tuple[str, str]], bytes]:
    """What Django's WSGI handler sends for a response."""
    headers = [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())]
    return f"{response.status_code} {response.reason_phrase}", headers, response.content
