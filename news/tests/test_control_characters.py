"""Control characters pasted into the admin, or stored by older paths, never break a page or a feed."""

import feedparser
import pytest
from django.contrib.auth.models import Group, User

from news.models import Article, Category
from news.tests.factories import article
from news.tests.pages import Page
from news.tests.test_admin import form_data
from tags.models import Tag

pytestmark = pytest.mark.django_db

DIRTY = "Ker\x00nel\x0b upd\x0eate\x1b"


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def test_the_article_form_drops_control_characters(client, editor):
    data = form_data(client.get("/admin/news/article/add/").content)
    data.update(
        title_en=DIRTY,
        summary_en="Sum\x0cmary",
        body_en="Some **Markdown**\x00 with\x0b a break.\r\nNext line.",
        source_language="en",
        category=str(Category.objects.get(slug="blog").pk),
        status="published",
        tags="kern\x00el, 内\x0b核",
        author="A\x1bnna",
    )
    response = client.post("/admin/news/article/add/", data)
    assert response.status_code == 302, Page(response.content).text[:2000]
    created = Article.objects.get()
    assert created.title_en == "Kernel update"
    assert created.summary_en == "Summary"
    assert created.body_en == "Some **Markdown** with a break.\r\nNext line."
    assert created.author == "Anna"
    assert sorted(tag.name for tag in created.tags.all()) == ["kernel", "内核"]


def test_the_category_and_tag_forms_drop_control_characters(admin_client):
    data = form_data(admin_client.get("/admin/news/category/add/").content, "category_form")
    data.update(name_zh_hans="活\x00动", name_en="Even\x0bts", slug="happenings", position="5")
    response = admin_client.post("/admin/news/category/add/", data)
    assert response.status_code == 302, Page(response.content).text[:2000]
    assert Category.objects.filter(slug="happenings", name_zh_hans="活动", name_en="Events").exists()

    data = form_data(admin_client.get("/admin/tags/tag/add/").content, "tag_form")
    data.update(name="secu\x0erity", slug="security", label_zh_hans="安\x00全", label_en="Secu\x7frity")
    response = admin_client.post("/admin/tags/tag/add/", data)
    assert response.status_code == 302, Page(response.content).text[:2000]
    assert Tag.objects.filter(name="security", label_zh_hans="安全", label_en="Security").exists()


@pytest.fixture
def dirty_article():
    """As an older import or a script may have stored it: model saves do not clean (PostgreSQL refuses NUL)."""
    stored = DIRTY.replace("\x00", "\x01")
    texts = {"zh": "内核\x0b更新", "en": stored, "body_en": "Body\x0b text.", "summary_en": "A\x02 summary"}
    return article(**texts, author="Ann\x0ea", slug="dirty")


@pytest.mark.parametrize("url", ["/en/news/rss/", "/en/news/atom/", "/zh/news/rss/", "/en/news/category/news/atom/"])
def test_feeds_never_fail_on_control_characters(client, dirty_article, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert ("Kernel update" in titles) or ("内核更新" in titles), titles


PAGES = ["/en/news/", "/en/news/dirty/", "/zh/news/dirty/", "/en/search/?q=kernel", "/sitemap.xml"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_with_control_characters_in_content_still_render(client, dirty_article, url):
    assert client.get(url).status_code == 200
