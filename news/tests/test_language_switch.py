"""The language switch always leads to a path on this site, whatever address the visitor came by."""

import pytest

from news.templatetags.news import local_path, switch_url
from news.tests.factories import article
from news.tests.pages import Page
from translations import languages

pytestmark = pytest.mark.django_db


def switch_links(response) -> list[str]:
    page = Page(response.content)
    nav = next(node for node in page.root.iter() if "language-switch" in node.attrs.get("class", ""))
    return [node.attrs["href"] for node in nav.iter() if node.tag == "a"]


@pytest.mark.parametrize(
    "path",
    ["//evil.example/en/news/", "///evil.example/en/news/", "/\\evil.example/en/news/", "/\t/evil.example/en/news/"],
)
def test_a_404_reached_by_a_protocol_relative_path_switches_to_a_local_page(client, path):
    # As a server receives it: the test client would read "//evil.example" as a host.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    links = switch_links(response)
    assert links
    for href in links:
        assert href.startswith("/") and not href.startswith("//") and "\\" not in href and "\t" not in href, href
        assert "evil.example" not in href
    content = response.content.decode()
    assert "//evil.example" not in content  # nor in canonical or alternate links


def test_the_switch_keeps_leading_to_the_same_page(client):
    story = article(zh="切换", en="Switch", slug="switch")
    others = [languages.url_prefix(code) for code in languages.codes() if code != languages.from_prefix("en")]
    assert switch_links(client.get(f"/en/news/{story.slug}/?x=1")) == [
        f"/{prefix}/news/{story.slug}/?x=1" for prefix in others
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [("//evil.example/x", "/evil.example/x"), ("/\\evil/x", "/evil/x"), ("/\t/evil/x", "/evil/x"), ("/en/", "/en/")],
)
def test_local_path(path, expected):
    assert local_path(path) == expected


def test_switch_url_never_leaves_the_site():
    for path in ("//evil.example/en/news/", "/\\/evil.example/en/news/", "/\n/evil.example/en/"):
        assert switch_url(path, "zh-hans").startswith("/zh/")


def test_switching_is_what_translate_url_finds_for_every_page(client):
    """The switch swaps the language prefix; for every kind of page that is what resolving and
    reversing the path in the other language gives (the URL patterns are not translated)."""
    from django.urls import translate_url
    from django.utils import translation

    story = article(zh="切换", en="Switch", slug="switch-check", tags=("kernel",))
    paths = [
        "/en/",
        "/en/news/?page=2&tag=kernel",
        f"/en/news/{story.slug}/",
        "/en/news/category/news/",
        "/en/news/tag/kernel/",
        f"/en/news/archive/{story.publish_at.year}/{story.publish_at.month}/",
        "/en/news/archive/",
        "/en/news/rss/",
        "/en/search/?q=%E7%A4%BE%E5%8C%BA",
    ]
    with translation.override("en"):
        for path in paths:
            for code in languages.codes():
                assert switch_url(path, code) == translate_url(path, code), (path, code)
