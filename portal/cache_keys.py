"""Which requests the page cache (``portal.cache``) may answer, and the key of the page each asks for.

One set of rules for the page cache middleware and for the WSGI layer that
answers hits before Django (``portal.fastcache``): both look at a request
built from the same WSGI environ.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.translation import get_language_from_request

from translations import languages

# The parameters pages read. Lists echo their query string into their links, so a page
# asked for with any other parameter is rendered for that request and not stored.
QUERY_PARAMETERS = frozenset({"page", "category", "tag", "year", "q"})
MAX_QUERY_LENGTH = 200


def is_public_request(request) -> bool:
    """An anonymous read of a public page, whose answer is the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies or "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path_info
    if any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_PRIVATE_PATHS):
        return False
    query = request.META.get("QUERY_STRING", "")
    if query:
        if len(query) > MAX_QUERY_LENGTH:
            return False
        names = [name for name, _value in request.GET.lists()]
        if not set(names) <= QUERY_PARAMETERS or any(len(values) > 1 for _name, values in request.GET.lists()):
            return False
    return True


def is_private_request(request) -> bool:
    """Pages of one person (a session) and the admin: no shared cache may keep them."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or any(
        request.path_info.startswith(prefix) for prefix in settings.PAGE_CACHE_PRIVATE_PATHS
    )


def cache_key(request) -> str | None:
    """The key of the page a request asks for, or None when the cache may neither answer nor keep it.

    The one rule for the middleware and for the WSGI layer before Django (``portal.fastcache``).
    """
    if not settings.PAGE_CACHE or not is_public_request(request):
        return None
    return page_key(request)


def page_key(request) -> str | None:
    """The cache key of the page a request asks for (None: the host is not allowed)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    path = request.path_info
    language = languages.from_prefix(path.lstrip("/").split("/", 1)[0])
    if language is None:  # /robots.txt, /sitemap.xml: the visitor's language is chosen from the request
        language = get_language_from_request(request, check_path=False)
    address = f"{request.scheme}://{host}{path}?{request.META.get('QUERY_STRING', '')}#{language}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"page-cache:{release()}:{digest}"


@functools.cache
def release() -> str:
    """A token of the code, templates and translations in use: a deployment leaves old pages behind.

    ``PAGE_CACHE_RELEASE`` (e.g. the release's commit) lets every app server share entries.
    """
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    digest = hashlib.blake2b(digest_size=6)
    roots = [Path(settings.BASE_DIR) / name for name in ("portal", "news", "templates")]
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".mo", ".txt", ".xml"}:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()
