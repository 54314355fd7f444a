"""Fixtures of the page cache tests (portal.cache): local memory or Redis, each test with its own keys."""

import socket
import uuid

import pytest

from portal import cache as page_cache

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_health(monkeypatch):
    """A failure remembered by one test does not make the next one skip the cache."""
    monkeypatch.setattr(page_cache, "health", page_cache._Health())


@pytest.fixture
def page_cache_on(settings, tmp_path):
    """The page cache in local memory, its version in a file of this test."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "page-cache-version"
    settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": f"pages-{uuid.uuid4().hex}"}}
    return settings


@pytest.fixture
def redis_page_cache(settings):
    """The page cache in the local Redis, under a key prefix of this test."""
    if not redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    return settings
