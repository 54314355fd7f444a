"""Cache hits answered before Django's handler (portal.fastcache), byte for byte what Django answers."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from news.tests import factories
from portal import cache as page_cache
from portal.fastcache import PageCacheApplication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """As Django's test client does: a request must not close the connection holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class CountingDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def call(application, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, list(headers)

    chunks = application(dict(environ), start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], answer["headers"], body


def environ(path: str, *, method: str = "GET", secure: bool = False, **headers) -> dict:
    request = getattr(RequestFactory(), method.lower())(path, secure=secure, headers=headers)
    return request.environ


def header(answer, name: str) -> str | None:
    return next((value for key, value in answer[1] if key.lower() == name.lower()), None)


@pytest.fixture
def article():
    return factories.article(zh="快速缓存", en="Served before Django", tags=("kernel",))


@pytest.fixture
def django_app(settings):
    # Only sent over HTTPS: the layer before Django must do the same. Middleware reads it when built.
    settings.SECURE_HSTS_SECONDS = 3600
    return CountingDjango()


@pytest.fixture
def application(django_app):
    return PageCacheApplication(django_app)


VARIANTS = {
    "gzip": {"Accept-Encoding": "gzip, br"},
    "identity": {},
    "language": {"Accept-Language": "zh-CN,zh;q=0.9"},
}


@pytest.mark.parametrize(
    "path", ["/en/", "/zh/news/", "/en/news/tag/kernel/", "/en/news/rss/", "/sitemap.xml", "/robots.txt"]
)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("secure", [False, True])
def test_a_hit_before_django_is_exactly_the_hit_django_serves(
    page_cache_on, article, application, django_app, path, variant, secure, django_assert_num_queries
):
    request = environ(path, secure=secure, **VARIANTS[variant])
    assert header(call(application, request), "X-Page-Cache") == "miss"
    by_django = call(django_app, request)
    assert django_app.calls == 2
    with django_assert_num_queries(0):
        before_django = call(application, request)
    assert django_app.calls == 2, "the hit reached Django"
    assert header(by_django, "X-Page-Cache") == "hit"
    assert before_django == by_django  # status, every header in the same order, body
    names = {name.lower() for name, _value in before_django[1]}
    assert {"content-security-policy", "permissions-policy", "x-content-type-options", "etag", "vary"} <= names
    assert ("strict-transport-security" in names) is secure


def test_head_and_conditional_requests_are_answered_as_django_does(page_cache_on, article, application, django_app):
    path = f"/en/news/{article.slug}/"
    first = call(application, environ(path, **{"Accept-Encoding": "gzip"}))
    etag = header(first, "ETag")
    for request in (
        environ(path, method="HEAD", **{"Accept-Encoding": "gzip"}),
        environ(path, **{"If-None-Match": etag, "Accept-Encoding": "gzip"}),
        environ(path, **{"If-None-Match": 'W/"something else"'}),
    ):
        calls = django_app.calls
        by_django = call(django_app, request)
        before_django = call(application, request)
        assert django_app.calls == calls + 1
        assert before_django == by_django
    assert by_django[0].startswith("200")
    not_modified = call(application, environ(path, **{"If-None-Match": etag}))
    assert not_modified[0] == "304 Not Modified" and not_modified[2] == b""
    head = call(application, environ(path, method="HEAD"))
    assert head[2] == b"" and int(header(head, "Content-Length")) > 1000


def test_a_change_is_seen_by_the_next_request(page_cache_on, article, application, django_app):
    request = environ("/en/news/")
    call(application, request)
    assert header(call(application, request), "X-Page-Cache") == "hit"
    article.title_en = "Renamed a moment ago"
    article.save()
    after = call(application, request)
    assert header(after, "X-Page-Cache") == "miss" and b"Renamed a moment ago" in after[2]
    assert django_app.calls == 2


@pytest.mark.parametrize(
    "request_headers",
    [{"Cookie": "sessionid=abc"}, {"Cookie": "messages=xyz"}, {"Authorization": "Basic eDp5"}],
    ids=["session", "messages", "authorization"],
)
def test_a_visitor_who_may_see_a_private_page_goes_to_django(page_cache_on, article, application, django_app,
                                                             request_headers):  # fmt: skip
    call(application, environ("/en/news/"))
    assert header(call(application, environ("/en/news/")), "X-Page-Cache") == "hit"
    calls = django_app.calls
    answer = call(application, environ("/en/news/", **request_headers))
    assert django_app.calls == calls + 1 and header(answer, "X-Page-Cache") is None


@pytest.mark.parametrize("request_environ", [environ("/en/news/?utm_source=x"), environ("/en/news/", method="POST")])
def test_requests_the_cache_does_not_keep_go_to_django(
    page_cache_on, article, application, django_app, request_environ
):
    call(application, environ("/en/news/"))
    calls = django_app.calls
    call(application, request_environ)
    assert django_app.calls == calls + 1


def test_no_cache_no_layer(settings, article, application, django_app):
    settings.PAGE_CACHE = False
    for _ in range(2):
        assert header(call(application, environ("/en/")), "X-Page-Cache") == "off"
    assert django_app.calls == 2


def test_the_version_and_the_page_come_in_one_round_trip(redis_page_cache, article, application, monkeypatch):
    request = environ("/en/news/")
    call(application, request)
    real = page_cache._cache
    calls = []

    class Spy:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real(), name)

    monkeypatch.setattr(page_cache, "_cache", Spy)
    answer = call(application, request)
    assert header(answer, "X-Page-Cache") == "hit"
    assert calls == ["get_many"]


def test_what_it_knows_of_a_request_is_learned_again_when_settings_change(
    page_cache_on, article, application, django_app, settings
):
    """The layer remembers each distinct request's key; a setting the key depends on empties that memory."""
    request = environ("/en/news/")
    call(application, request)
    assert header(call(application, request), "X-Page-Cache") == "hit"
    calls = django_app.calls
    settings.PAGE_CACHE_PRIVATE_PATHS = ["/admin/", "/en/news/"]
    answer = call(application, request)
    assert django_app.calls == calls + 1 and header(answer, "X-Page-Cache") is None
    settings.ALLOWED_HOSTS = ["elsewhere.example"]
    answer = call(application, request)
    assert django_app.calls == calls + 2 and answer[0].startswith("400")


def test_a_request_differing_in_any_header_is_judged_on_its_own(page_cache_on, article, application, django_app):
    call(application, environ("/en/news/", **{"User-Agent": "one"}))
    assert header(call(application, environ("/en/news/", **{"User-Agent": "one"})), "X-Page-Cache") == "hit"
    calls = django_app.calls
    call(application, environ("/en/news/", **{"User-Agent": "one", "Cookie": "sessionid=abc"}))
    assert django_app.calls == calls + 1


def test_an_answer_made_once_is_the_same_and_a_counting_down_one_is_made_each_time(
    page_cache_on, article, application, django_app, monkeypatch
):
    """A hit's answer is remembered per entry and request variant, except while the page's lifetime counts
    down to a scheduled publication: then its Cache-Control is made for the moment of each hit."""
    from datetime import timedelta

    from django.utils import timezone

    request = environ("/en/news/", **{"Accept-Encoding": "gzip"})
    call(application, request)
    first, again = call(application, request), call(application, request)
    assert first == again and header(first, "X-Page-Cache") == "hit"
    assert header(call(application, environ("/en/news/")), "Content-Encoding") is None  # another variant

    page_cache_on.PAGE_CACHE_S_MAXAGE = 86400
    factories.article(en="Scheduled for later", days_ago=-1 / 24)  # in an hour: a new version
    now = timezone.now()
    call(application, request)  # stored for the new version, valid until the publication
    shared = []
    for minutes in (0, 10):
        monkeypatch.setattr(timezone, "now", lambda minutes=minutes: now + timedelta(minutes=minutes))
        answer = call(application, request)
        assert header(answer, "X-Page-Cache") == "hit"
        shared.append(int(header(answer, "Cache-Control").split("s-maxage=")[1].split(",")[0]))
    assert shared[0] <= 3600 and shared[0] - shared[1] >= 599, shared
