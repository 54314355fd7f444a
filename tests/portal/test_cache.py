"""The page cache and the HTTP caching headers (portal.cache)."""

import gzip
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client

from news.tests import factories
from portal import cache as page_cache
from tests.page_cache_fixtures import REDIS, closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return factories.article(zh="缓存的文章", en="A cached article", tags=("kernel",))


PUBLIC_PAGES = ["/en/", "/zh/news/", "/en/news/tag/kernel/", "/en/news/rss/", "/robots.txt", "/sitemap.xml"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_hit_serves_the_same_bytes_and_headers_without_a_query(page_cache_on, article, client, path,
                                                                    django_assert_num_queries):  # fmt: skip
    first = client.get(path)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    headers = {name: value for name, value in first.items() if name != "X-Page-Cache"}
    assert {name: value for name, value in second.items() if name != "X-Page-Cache"} == headers


def test_the_article_page_is_cached_in_each_language(page_cache_on, article, client):
    zh = client.get(f"/zh/news/{article.slug}/")
    en = client.get(f"/en/news/{article.slug}/")
    assert "缓存的文章" in zh.content.decode() and "A cached article" in en.content.decode()
    assert client.get(f"/zh/news/{article.slug}/").content == zh.content
    assert client.get(f"/en/news/{article.slug}/")["X-Page-Cache"] == "hit"


def test_gzip_for_clients_that_accept_it_same_page_otherwise(page_cache_on, article, client):
    plain = client.get("/en/news/")
    packed = client.get("/en/news/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["X-Page-Cache"] == "hit" and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert packed["ETag"] == plain["ETag"]


def test_page_filters_and_search_are_part_of_the_key(page_cache_on, client):
    factories.article(en="Kernel news", tags=("kernel",))
    desktop_article = factories.article(en="Desktop news", tags=("desktop",))
    kernel = client.get("/en/news/?tag=kernel").content.decode()
    desktop = client.get("/en/news/?tag=desktop").content.decode()
    assert "Kernel news" in kernel and "Desktop news" not in kernel
    assert "Desktop news" in desktop and "Kernel news" not in desktop
    assert client.get("/en/news/?tag=kernel")["X-Page-Cache"] == "hit"
    found = client.get("/en/search/?q=desktop")
    assert found["X-Page-Cache"] == "miss" and f"/en/news/{desktop_article.slug}/" in found.content.decode()
    assert client.get("/en/search/?q=kernel")["X-Page-Cache"] == "miss"
    assert client.get("/en/search/?q=desktop")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("query", ["utm_source=feed", "page=1&page=2", "q=" + "x" * 300])
def test_unknown_or_repeated_parameters_are_served_but_not_stored(page_cache_on, article, client, query):
    for _ in range(2):
        response = client.get(f"/en/news/?{query}")
        assert response.status_code in (200, 404)
        assert "X-Page-Cache" not in response


def test_logged_in_users_bypass_the_cache_and_get_private_pages(page_cache_on, article, client):
    anonymous = client.get(f"/en/news/{article.slug}/")
    assert anonymous["X-Page-Cache"] == "miss"
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    for _ in range(2):
        response = client.get(f"/en/news/{article.slug}/")
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    draft = factories.article(en="Unpublished", status="draft")
    assert client.get(f"/en/news/{draft.slug}/").status_code == 200  # staff preview, never stored
    client.logout()
    assert Client().get(f"/en/news/{draft.slug}/").status_code == 404


def test_a_session_cookie_alone_bypasses_the_cache(page_cache_on, article, client):
    client.get("/en/")
    client.cookies["sessionid"] = "whatever"
    response = client.get("/en/")
    assert "X-Page-Cache" not in response and "no-store" in response["Cache-Control"]


def test_errors_are_not_stored(page_cache_on, client):
    for _ in range(2):
        response = client.get("/en/news/no-such-article/")
        assert response.status_code == 404 and "X-Page-Cache" not in response


def test_head_is_answered_from_the_stored_page(page_cache_on, article, client):
    full = client.get("/en/")
    head = client.head("/en/")
    assert head["X-Page-Cache"] == "hit" and head.content == b""
    assert head["Content-Length"] == str(len(full.content)) and head["ETag"] == full["ETag"]


# HTTP caching ------------------------------------------------------------------


def test_conditional_requests_get_304(page_cache_on, article, client):
    first = client.get("/en/news/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"')
    again = client.get("/en/news/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get("/en/news/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/en/news/", HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    article.title_en = "Changed"
    article.save()
    changed = client.get("/en/news/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_conditional_requests_work_without_the_page_cache(settings, article, client):
    settings.PAGE_CACHE = False
    first = client.get("/en/")
    assert first["X-Page-Cache"] == "off"
    assert client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_public_pages_tell_shared_caches_to_keep_them_briefly(page_cache_on, settings, article, client):
    settings.PAGE_CACHE_S_MAXAGE = 45
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 15
    response = client.get("/zh/news/")
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "s-maxage=45", "stale-while-revalidate=15"}
    assert response["Vary"] == "Accept-Encoding"  # the language is in the path
    assert "Set-Cookie" not in response and not response.cookies


def test_pages_without_a_language_in_the_path_vary_by_accept_language(page_cache_on, client):
    robots = client.get("/robots.txt")
    assert {"Accept-Language", "Accept-Encoding"} <= {part.strip() for part in robots["Vary"].split(",")}
    redirect = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert redirect.status_code == 302 and redirect["Location"] == "/zh/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/"


def test_the_admin_is_never_stored_anywhere(page_cache_on, admin_client):
    response = admin_client.get("/admin/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response and "Content-Encoding" not in response
    login = Client().get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "no-store" in login["Cache-Control"] and "Content-Encoding" not in login  # a CSRF token: no gzip


# Redis ---------------------------------------------------------------------------


def test_two_app_servers_sharing_redis_see_each_others_changes(redis_page_cache, article):
    one, two = Client(), Client()
    assert one.get("/en/news/")["X-Page-Cache"] == "miss"
    assert two.get("/en/news/")["X-Page-Cache"] == "hit"
    article.title_en = "Renamed on server one"
    article.save()
    response = two.get("/en/news/")
    assert response["X-Page-Cache"] == "miss" and "Renamed on server one" in response.content.decode()
    assert one.get("/en/news/")["X-Page-Cache"] == "hit"


def test_redis_down_pages_are_served_uncached_and_the_error_logged_once(settings, article, client, caplog):
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    with caplog.at_level(logging.ERROR, logger="portal.cache"):
        for _ in range(3):
            response = client.get("/en/")
            assert response.status_code == 200 and response["X-Page-Cache"] == "off"
            assert "A cached article" in response.content.decode()
        article.title_en = "Saved while Redis is down"
        article.save()
        assert "Saved while Redis is down" in client.get("/en/").content.decode()
    errors = [record for record in caplog.records if record.name == "portal.cache"]
    assert len(errors) == 1 and "uncached" in errors[0].getMessage()
    assert page_cache.health.pending_bump  # the change is recorded once Redis answers again


def test_a_version_lost_from_redis_restarts_from_a_new_number(redis_page_cache, article, client):
    from django.core.cache import cache

    client.get("/en/")
    before = cache.get(page_cache.VERSION_KEY)
    cache.delete(page_cache.VERSION_KEY)
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    assert cache.get(page_cache.VERSION_KEY) != before


def test_the_version_file_is_read_anew_after_every_change_even_many_in_a_row(settings, tmp_path):
    """The version file is held open between reads; each change replaces it, and the next read sees it."""
    from portal import cache as page_cache

    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "version"
    seen = {page_cache._version_from_file()}
    for _ in range(200):  # faster than the file system's clock: a new file each time, never the same
        page_cache._write_version_file(settings.PAGE_CACHE_VERSION_FILE)
        version = page_cache._version_from_file()
        assert version == settings.PAGE_CACHE_VERSION_FILE.read_text()
        seen.add(version)
    assert len(seen) == 201


def test_threads_read_the_version_while_it_changes(settings, tmp_path):
    import threading

    from portal import cache as page_cache

    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "version"
    path = settings.PAGE_CACHE_VERSION_FILE
    page_cache._write_version_file(path)
    errors, done = [], threading.Event()

    def read():
        while not done.is_set():
            try:
                assert page_cache._version_from_file()
            except Exception as error:  # a closed or reused descriptor would show here
                errors.append(error)
                return

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for _ in range(300):
        page_cache._write_version_file(path)
    done.set()
    for reader in readers:
        reader.join()
    assert not errors
    assert page_cache._version_from_file() == path.read_text()
