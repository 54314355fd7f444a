"""The whole-page cache for anonymous visitors, never stale, and the HTTP caching headers of public pages.

A public page (an anonymous GET or HEAD without a session, outside the admin,
with no query parameter other than those pages read) is stored in the Django
cache with the *content version* it was made for. Every change to content
calls :func:`content_changed`, which bumps the version, so every stored page
is left behind at once: nothing is ever deleted one key at a time, and an old
entry is replaced when its page is next rendered. The version and the entry
are read in one round trip (:func:`lookup`). The version lives in the cache when it is
shared (Redis), else in a small file that every local process of the machine
reads. An entry also expires when the next scheduled article
becomes due (``PAGE_CACHE_NEXT_CHANGE`` says when that is).

Public pages get a weak ETag, Last-Modified, 304 answers to conditional
requests, ``Cache-Control: public`` with a short ``s-maxage`` for shared caches,
and gzip when the client accepts it (only these pages are compressed: they hold
no secret, so BREACH has nothing to find). Requests with a session, and the
admin, get ``private, no-store``.

If the cache fails (Redis down), pages are served uncached and the error is
logged at most once a minute.
"""

import gzip
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.text import compress_string

from portal.cache_keys import cache_key, is_private_request, is_public_request, page_key

__all__ = ["cache_key", "is_private_request", "is_public_request", "page_key"]

logger = logging.getLogger("portal.cache")

VERSION_KEY = "page-cache:version"
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")
# Headers a stored page keeps; the others are made again for each answer.
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control", "expires"}
ERROR_LOG_INTERVAL = 60  # seconds between two log lines about the same failing cache
RETRY_AFTER = 5  # seconds without trying a cache that just failed
_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Entry:
    """A stored page: everything needed to answer without running a view."""

    version: str  # the content version the page was rendered for
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # gzip-compressed when ``gzipped``
    gzipped: bool
    length: int  # of the uncompressed body
    etag: str
    last_modified: float
    last_modified_http: str
    valid_until: float | None  # when the next scheduled article is due


# Failures -------------------------------------------------------------------


class _Health:
    """Remembers a failing cache: logs once per interval, and stops asking it for a few seconds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at = -float("inf")
        self.pending_bump = False  # a change this process could not record yet

    def available(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, error: Exception, doing: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.down_until = now + RETRY_AFTER
            if now - self.logged_at < ERROR_LOG_INTERVAL:
                return
            self.logged_at = now
        logger.error("Page cache unavailable while %s, serving pages uncached: %r", doing, error)


health = _Health()


def _now() -> float:
    """Now, as a POSIX time; through ``timezone.now`` so that tests can move the clock of pages and queries alike."""
    return timezone.now().timestamp()


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _version_in_cache() -> bool:
    """A shared cache holds the version; a per-process one cannot, so a file does."""
    return not isinstance(_cache(), LocMemCache)


# The content version ----------------------------------------------------------


def current_version() -> str | None:
    """The content version, or None when it cannot be read (then nothing is cached)."""
    return lookup(None)[0]


def lookup(key: str | None) -> tuple[str | None, Entry | None]:
    """The content version, and the page stored under ``key`` if it was made for that version and is still due.

    One round trip to a shared cache (the version and the entry in one ``get_many``):
    the version is read on every request, so the first request after a change, on
    any app server, sees it. A version of None means nothing may be cached.
    """
    if not health.available():
        return None, None
    if health.pending_bump:
        _bump()
        if health.pending_bump:  # pages stored before that change must not be served
            return None, None
    try:
        cache = _cache()
        if not isinstance(cache, LocMemCache):  # _version_in_cache(), without asking for the cache again
            found = cache.get_many([VERSION_KEY, key] if key else [VERSION_KEY])
            version, entry = found.get(VERSION_KEY), found.get(key)
            if version is None:
                # Never restart from a number old entries may still carry.
                cache.add(VERSION_KEY, time.time_ns(), timeout=None)
                version = cache.get(VERSION_KEY)
                if version is None:
                    return None, None
        else:
            version = _version_from_file()
            entry = cache.get(key) if key else None
    except Exception as error:
        health.failed(error, "reading the content version and a page")
        return None, None
    version = str(version)
    stored_for = getattr(entry, "version", None)  # None too for an entry pickled by older code
    if stored_for != version or (entry.valid_until is not None and _now() >= entry.valid_until):
        return version, None
    return version, entry


# The version file this process holds open: (path, descriptor, the file's (device, inode)).
_held_version_file: list = [None, None, None]
_version_file_lock = threading.Lock()


def _version_from_file() -> str:
    """The version in the file, read on every request.

    The file is replaced whole, never written in place (``_write_version_file``), so an open
    descriptor reads one version for good: it is kept open and read again while the path still
    names the same file, and reopened when a change replaced it. While it is held open, its inode
    cannot be reused by the new file, so a changed (device, inode) always tells a replacement.
    """
    path = os.fspath(settings.PAGE_CACHE_VERSION_FILE)
    try:
        named = os.stat(path)
    except FileNotFoundError:
        _write_version_file(Path(path))
        named = os.stat(path)
    with _version_file_lock:  # a thread must not read a descriptor another one is closing
        held_path, descriptor, identity = _held_version_file
        if held_path != path or identity != (named.st_dev, named.st_ino):
            fresh = os.open(path, os.O_RDONLY)
            opened = os.fstat(fresh)
            if descriptor is not None:
                os.close(descriptor)
            _held_version_file[:] = [path, fresh, (opened.st_dev, opened.st_ino)]
            descriptor = fresh
        return os.pread(descriptor, 256, 0).decode()


def _write_version_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(f"{time.time_ns()}-{secrets.token_hex(4)}")
    os.replace(temporary, path)  # atomic: readers see the old version or the new one


def _bump() -> None:
    try:
        if _version_in_cache():
            cache = _cache()
            try:
                cache.incr(VERSION_KEY)
            except ValueError:  # no version yet (or evicted): start from a number never used
                cache.set(VERSION_KEY, time.time_ns(), timeout=None)
        else:
            _write_version_file(Path(settings.PAGE_CACHE_VERSION_FILE))
        health.pending_bump = False
    except Exception as error:
        health.pending_bump = True  # tried again before this process next reads the version
        health.failed(error, "recording a content change")


_deferral = threading.local()


def content_changed() -> None:
    """Content changed: no stored page may be served again.

    Bumps the version now and, inside a transaction, once more when it commits:
    a page rendered from the uncommitted rows in between is stored under a
    version nobody asks for any more.
    """
    if getattr(_deferral, "depth", 0):
        _deferral.changed = True
        return
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump)


@contextmanager
def changes_deferred():
    """Within this block changes are only noted, and the version is bumped once at its end.

    For bulk writers (``generate_news``), which change thousands of rows in
    one go and whose partial results nobody needs to see.
    """
    _deferral.depth = getattr(_deferral, "depth", 0) + 1
    try:
        yield
    finally:
        _deferral.depth -= 1
        if not _deferral.depth and getattr(_deferral, "changed", False):
            _deferral.changed = False
            content_changed()


# Entries ----------------------------------------------------------------------


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response  # a view that chose its own caching
        and response.get("Content-Type", "").startswith(CACHEABLE_TYPES)
    )


def next_change() -> float | None:
    """When the next scheduled article is due (a POSIX time), asked once per content version."""
    if not settings.PAGE_CACHE_NEXT_CHANGE:
        return None
    when = import_string(settings.PAGE_CACHE_NEXT_CHANGE)()
    return when.timestamp() if when else None


def lifetime(valid_until: float | None) -> int:
    """How long an entry may be kept: the cache's timeout, shortened to the next publication when one is due."""
    timeout = settings.PAGE_CACHE_TIMEOUT
    if valid_until is not None:
        timeout = max(1, min(timeout, int(valid_until - _now())))
    return timeout


def _valid_until(version: str) -> float | None:
    key = f"page-cache:next:{version}"
    cache = _cache()
    stored = cache.get(key)
    if stored is None or (stored and stored <= _now()):
        stored = next_change() or 0.0
        cache.set(key, stored, timeout=settings.PAGE_CACHE_TIMEOUT)
    return stored or None


def make_entry(response, *, version: str, valid_until: float | None) -> Entry:
    content = response.content
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = tuple((name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS)
    now = _now()
    compressed = compress_string(content) if len(content) >= 200 else content
    gzipped = len(compressed) < len(content)
    return Entry(
        version=version,
        status=response.status_code,
        headers=headers,
        body=compressed if gzipped else content,
        gzipped=gzipped,
        length=len(content),
        etag=f'W/"{hashlib.blake2b(content, digest_size=12).hexdigest()}"',
        last_modified=now,
        last_modified_http=formatdate(now, usegmt=True),
        valid_until=valid_until,
    )


def answer(request, entry: Entry, *, cache_status: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and body answering ``request`` from an entry (before conditional requests)."""
    accepts_gzip = entry.gzipped and _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    body = gzip.decompress(entry.body) if entry.gzipped and not accepts_gzip else entry.body
    headers = [
        *entry.headers,
        ("Content-Length", str(len(body))),
        ("ETag", entry.etag),
        ("Last-Modified", entry.last_modified_http),
        ("Cache-Control", _public_cache_control(entry)),
        ("X-Page-Cache", cache_status),
    ]
    if accepts_gzip:
        headers.append(("Content-Encoding", "gzip"))
    return entry.status, headers, body if request.method != "HEAD" else b""


def is_conditional(request) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def serve(request, entry: Entry, *, cache_status: str) -> HttpResponse:
    """The answer from an entry: the same bytes and headers, whether it was just made or stored long ago."""
    status, headers, body = answer(request, entry, cache_status=cache_status)
    response = HttpResponse(body, status=status)
    # Straight into the header store: these values were checked when the page was first answered,
    # and a hit should cost little more than copying bytes.
    response.headers._store.update((name.lower(), (name, value)) for name, value in headers)
    if not is_conditional(request):
        return response
    return get_conditional_response(request, etag=entry.etag, last_modified=int(entry.last_modified), response=response)


def _public_cache_control(entry: Entry) -> str:
    shared = settings.PAGE_CACHE_S_MAXAGE
    if entry.valid_until is not None:
        shared = max(0, min(shared, int(entry.valid_until - _now())))
    return f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}"


class PageCacheMiddleware:
    """Serves public pages from the cache, and gives every response the caching headers it deserves.

    Placed early (after the security and static-file middleware) so that a hit
    skips sessions, authentication, messages, language activation and the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_request(request):
            response = self.get_response(request)
            if is_private_request(request):
                add_never_cache_headers(response)
            return response
        key = page_key(request) if settings.PAGE_CACHE else None
        version, entry = lookup(key) if key else (None, None)
        if entry is not None:
            return serve(request, entry, cache_status="hit")
        if version is None:
            key = None
        response = self.get_response(request)
        if not _storable(response):
            return response
        valid_until = self._valid_until(version) if key else None
        entry = make_entry(response, version=version or "", valid_until=valid_until)
        if key and (valid_until is None or valid_until > _now()):
            self._set(key, entry)
        return serve(request, entry, cache_status="miss" if key else "off")

    def _set(self, key: str, entry: Entry) -> None:
        try:
            _cache().set(key, entry, timeout=lifetime(entry.valid_until))
        except Exception as error:
            health.failed(error, "storing a page")

    def _valid_until(self, version: str) -> float | None:
        try:
            return _valid_until(version)
        except Exception as error:
            health.failed(error, "reading the next publication time")
            return _now()  # unknown: the page is served, not stored
