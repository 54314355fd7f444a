"""Over 150 XSS payloads through the article save path, then every page that shows articles.

The payloads (``data/xss_payloads.txt``) are stored as an article's title,
summary and body, by a model save (as the admin and the importer do) and by
an editor through the admin add form; the article page, the list, search
results, feeds, the sitemap and the admin list are parsed like a browser
would and must contain nothing executable.
"""

import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.contrib.auth.models import Group, User

from news.models import Article, Category
from news.tests.pages import Page
from news.tests.test_admin import form_data
from news.tests.xss import attack_articles, payloads, unsafe_parts

pytestmark = pytest.mark.django_db
PAYLOADS = payloads()


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    text = "\n".join(PAYLOADS).lower()
    for kind in ("<script", "onerror", "javascript:", "<svg", "<math", "style=", "&#", "](javascript", "[^", "]: "):
        assert kind in text, kind


def test_the_checker_sees_executable_markup():
    """The checks below would catch what they look for."""
    for markup in (
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="java&#x09;script:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        '<p style="x">y</p>',
        '<iframe src="/x"></iframe>',
    ):
        assert unsafe_parts(markup), markup


@pytest.fixture
def attacked():
    """One article per payload, saved through the model."""
    attack_articles(PAYLOADS)
    return Article.objects.order_by("pk")


def assert_safe(response, where):
    assert response.status_code == 200, where
    problems = unsafe_parts(response.content.decode(), page=True)
    assert not problems, (where, problems)


def _feed_html(content: bytes) -> list[str]:
    """The HTML fragments a feed reader would render: item descriptions and Atom content/summary."""
    root = ET.fromstring(content)
    return [
        element.text
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("description", "summary", "content") and element.text
    ]


def test_no_page_shows_executable_markup(client, admin_client, attacked):
    """One test, so that the 190 articles are written once."""
    for obj in attacked:
        for language in ("zh_hans", "en"):
            html = getattr(obj, f"body_html_{language}")
            assert not unsafe_parts(html), (obj.slug, html)
        assert_safe(client.get(f"/en/news/{obj.slug}/"), obj.slug)
    for obj in attacked[::7]:
        assert_safe(client.get(f"/zh/news/{obj.slug}/"), obj.slug)

    for number in range(1, (len(PAYLOADS) + 19) // 20 + 1):
        assert_safe(client.get(f"/en/news/?page={number}"), f"list page {number}")
    for url in ("/zh/news/", "/en/news/tag/attack/", "/en/", "/zh/", "/en/news/archive/"):
        assert_safe(client.get(url), url)
    for query in ("attack", "script", "alert", "攻击", "javascript", "onerror"):
        for language in ("en", "zh"):
            assert_safe(client.get(f"/{language}/search/", {"q": query}), query)

    for url in ("/en/news/rss/", "/en/news/atom/", "/zh/news/rss/", "/en/news/tag/attack/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
        fragments = _feed_html(response.content)
        assert fragments, url
        for fragment in fragments:
            assert not unsafe_parts(fragment), (url, fragment)

    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [element.text for element in root.iter() if element.tag.endswith("loc")]
    assert len(locations) >= len(PAYLOADS)
    assert all(location.startswith("http://testserver/") for location in locations)

    # The admin's own markup (its forms, its icons, its script files) is what a list without rows has.
    empty = admin_client.get("/admin/news/article/", {"q": "no-such-article"})
    own = Counter(unsafe_parts(empty.content.decode(), page=True))
    for query in ({"p": 1}, {"p": 2}, {"q": "script"}, {"q": "javascript"}):
        response = admin_client.get("/admin/news/article/", query)
        assert response.status_code == 200
        assert not Counter(unsafe_parts(response.content.decode(), page=True)) - own, query


def test_the_admin_add_form_as_an_editor(client):
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    blank = form_data(client.get("/admin/news/article/add/").content)
    blog = str(Category.objects.get(slug="blog").pk)
    chosen = PAYLOADS[::4]
    for number, payload in enumerate(chosen):
        data = {
            **blank,
            "title_en": f"Editor attack {number}",
            "body_en": payload,
            "summary_en": payload[:300],
            "source_language": "en",
            "category": blog,
            # Drafts: a payload naming an image nobody uploaded may not be published (the editor sees why),
            # and the editor previews drafts on the site.
            "status": "draft",
            "slug": f"editor-attack-{number}",
        }
        response = client.post("/admin/news/article/add/", data)
        assert response.status_code == 302, (payload, Page(response.content).text[:500])
    for obj in Article.objects.filter(slug__startswith="editor-attack-"):
        assert not unsafe_parts(obj.body_html_en), obj.body_en
        assert_safe(client.get(f"/en/news/{obj.slug}/"), obj.slug)
    assert Article.objects.filter(slug__startswith="editor-attack-").count() == len(chosen)
