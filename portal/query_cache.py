"""Query results kept for one content version, like the pages of ``portal.cache``: never stale.

A value is stored under the current content version and, when an article is
scheduled, only until its publication time (``next_change``): the first
request after a change or a due publication computes it again. Without a
readable version, or with ``QUERY_CACHE`` off, every call computes.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from portal import cache as page_cache

T = TypeVar("T")
KEY_PREFIX = "query-cache"


def remember(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned earlier for the same ``key`` and content version while still due."""
    if not settings.QUERY_CACHE:
        return compute()
    version = page_cache.current_version()
    if version is None:
        return compute()
    full_key = f"{KEY_PREFIX}:{version}:{key}"
    store = page_cache._cache()
    try:
        stored = store.get(full_key)
    except Exception as error:
        page_cache.health.failed(error, "reading a query result")
        return compute()
    now = page_cache._now()
    if stored is not None and (stored[1] is None or now < stored[1]):
        return stored[0]
    value = compute()
    try:
        valid_until = page_cache._valid_until(version)
        if valid_until is None or valid_until > now:
            store.set(full_key, (value, valid_until), timeout=page_cache.lifetime(valid_until))
    except Exception as error:
        page_cache.health.failed(error, "storing a query result")
    return value
