"""Headers on every response, and addresses with control characters refused before any view."""

import re

import pytest
from django.test import RequestFactory, override_settings

from news.tests.factories import article
from news.tests.pages import Page
from portal.security import client_address

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def story():
    return article(zh="安全", en="Security", tags=("kernel",), slug="security")


PUBLIC_PAGES = ["/en/", "/zh/news/", "/en/news/security/", "/zh/search/?q=安全", "/en/news/archive/", "/en/nowhere/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_allow_no_inline_script_or_style(client, story, url):
    response = client.get(url)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_have_no_inline_script_nor_style_attribute(client, story, url):
    """What the policy forbids is not there to be blocked: every script is a file or JSON-LD data."""
    page = Page(client.get(url).content)
    for node in page.root.iter():
        assert "style" not in node.attrs, node.tag
        assert not any(name.startswith("on") for name in node.attrs), node.attrs
        if node.tag == "script":
            assert node.attrs.get("src") or node.attrs.get("type") == "application/ld+json", node.attrs
        assert node.tag != "style"


def test_admin_may_use_inline_styles_but_no_inline_script(admin_client):
    policy = directives(admin_client.get("/admin/news/article/"))
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]


def test_admin_templates_of_the_project_have_no_inline_script(settings):
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "application/ld+json" in tag, (template, tag)
        assert not re.search(r"\sstyle=|<style\b|\son[a-z]+=", text), template


@pytest.mark.parametrize("url", ["/en/", "/admin/login/", "/robots.txt", "/sitemap.xml", "/en/news/rss/"])
def test_every_response_has_a_permissions_policy(client, url):
    response = client.get(url)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/?tag=%00",
        "/en/news/?category=%0b",
        "/en/search/?q=abc%0edef",
        "/en/news/?page=%00",
        "/en/news/?year=2024%1b",
        "/en/news/?tag=a+%7f",
        "/en/news/%00/",
        "/en/news/security%0b/",
        "/en/search/?q=%C2%85",
    ],
)
def test_control_characters_in_the_address_are_a_400(client, story, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_the_400_is_in_the_visitors_language(client, story):
    response = client.get("/zh/news/?tag=%00")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/news/article/?q=%00", "/admin/news/article/?tags__id__exact=%00"])
def test_admin_filters_with_control_characters_are_a_400(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_tag_suggestions_with_a_nul_are_a_400(admin_client):
    assert admin_client.get("/admin/news/article/tag-suggestions/?q=%00ker").status_code == 400


@pytest.mark.parametrize("url", ["/en/news/?tag=a%09b", "/en/search/?q=two%0Alines"])
def test_tabs_and_line_breaks_are_not_refused(client, story, url):
    assert client.get(url).status_code in (200, 404)


def test_login_throttling_counts_the_address_the_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.0.0.2"
    with override_settings(BEHIND_PROXY=True):
        assert client_address(request) == "203.0.113.9"


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/?page=abc",
        "/en/news/?page=-1",
        "/en/news/?page=99999999999999999999",
        "/en/news/?year=abcd",
        "/en/news/?year=99999",
        "/en/news/?tag=no-such-tag&category=no-such-category",
        "/en/search/?q=%27%20OR%201%3D1%20--",
        "/en/search/?q=%26%7C!%3A*()%3C%3E%5C",
        "/zh/search/?q=" + "内核" * 200,
        "/en/search/?q=%F0%9F%92%A5&page=2",
        "/en/news/archive/9999/99/",
        "/en/news/%FF%FE/",
    ],
)
def test_odd_but_printable_parameters_are_never_a_server_error(client, story, url):
    assert client.get(url).status_code in (200, 400, 404)


def test_raw_utf8_in_the_query_string_is_text_not_control_characters(client, story):
    """A client may send 内核 unencoded: its UTF-8 bytes (e5 86 85) are not C1 control characters."""
    assert client.get("/en/search/", QUERY_STRING="q=\u5185\u6838".encode().decode("latin-1")).status_code == 200
