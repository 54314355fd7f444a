"""Every kind of content change reaches the page cache (news.caching, portal.cache)."""

import io
from datetime import timedelta

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from news.models import ArticleImage, Category
from news.tests import factories
from news.tests.factories import png_file
from portal import cache as page_cache
from tags.models import Tag
from translations import po_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(page_cache_on):
    return factories.article(zh="原来的标题", en="The original title", tags=("kernel",))


def page(path: str) -> tuple[str, str]:
    """What an anonymous visitor reads, and whether it came from the cache."""
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode(), response["X-Page-Cache"]


def cached(path: str) -> str:
    """The page, after making sure the next request would be answered from the cache."""
    page(path)
    text, state = page(path)
    assert state == "hit"
    return text


def test_saving_an_article_through_the_admin(article, admin_client):
    from news.tests.test_admin import form_data

    assert "The original title" in cached(f"/en/news/{article.slug}/")
    url = f"/admin/news/article/{article.pk}/change/"
    data = form_data(admin_client.get(url).content)
    data["title_en"] = "Edited in the admin"
    assert admin_client.post(url, data).status_code == 302
    text, state = page(f"/en/news/{article.slug}/")
    assert state == "miss" and "Edited in the admin" in text


def test_deleting_an_article(article, admin_client):
    assert "The original title" in cached("/en/news/")
    response = admin_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "The original title" not in page("/en/news/")[0]


def test_tags_of_an_article_and_tag_labels(article):
    assert "kernel" in cached(f"/en/news/{article.slug}/")
    article.tags.add("security")
    assert "/en/news/tag/security/" in page(f"/en/news/{article.slug}/")[0]
    cached(f"/en/news/{article.slug}/")
    tag = Tag.objects.get(name="security")
    tag.label_en = "Safety first"
    tag.save()
    assert "Safety first" in page(f"/en/news/{article.slug}/")[0]
    cached(f"/en/news/{article.slug}/")
    article.tags.set(["kernel"])
    assert "/en/news/tag/security/" not in page(f"/en/news/{article.slug}/")[0]
    cached("/en/news/tag/kernel/")
    Tag.objects.get(name="kernel").delete()
    assert Client().get("/en/news/tag/kernel/").status_code == 404


def test_category_names(article):
    assert "News" in cached("/en/news/")
    category = Category.objects.get(slug="news")
    category.name_en = "Announcements"
    category.save()
    assert "Announcements" in page("/en/news/")[0]


def test_body_images(article):
    article.body_en = "![A chart](media/chart.png)"
    article.save()
    assert "A chart" in cached(f"/en/news/{article.slug}/")
    ArticleImage.objects.create(article=article, image=png_file("chart.png"), reference="media/chart.png")
    assert '<img alt="A chart"' in page(f"/en/news/{article.slug}/")[0]


def test_the_import_command(page_cache_on, tmp_path):
    assert "Imported on the command line" not in cached("/en/news/")
    post = "---\ntitle: Imported on the command line\ndate: 2024-05-01\ncategory: news\n---\nBody.\n"
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "imported.md").write_text(post)
    call_command("import_news", str(tmp_path), stdout=io.StringIO())
    assert "Imported on the command line" in page("/en/news/")[0]


def test_the_po_import_command(article, tmp_path):
    assert "The original title" in cached(f"/en/news/{article.slug}/")
    po = po_export.export_po(language="en", articles=[article])
    for entry in po:
        if entry.msgctxt == f"article:{article.pk}:title":
            entry.msgstr = "Translated from a PO file"
    path = tmp_path / "en.po"
    po.save(str(path))
    assert isinstance(polib.pofile(str(path)), polib.POFile)
    call_command("import_translations", str(path), stdout=io.StringIO())
    assert "Translated from a PO file" in page(f"/en/news/{article.slug}/")[0]


def test_a_scheduled_article_appears_when_its_time_comes(page_cache_on, monkeypatch):
    page_cache_on.PAGE_CACHE_S_MAXAGE = 86400
    now = timezone.now()
    factories.article(en="Published already")
    later = factories.article(en="Scheduled for later", days_ago=-1 / 24)  # in an hour
    assert "Scheduled for later" not in cached("/en/news/")
    response = Client().get("/en/news/")
    shared_for = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert shared_for <= 3600  # shared caches are not told to keep it past the publication either

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=1, minutes=1))
    text, state = page("/en/news/")
    assert state == "miss" and "Scheduled for later" in text
    assert f"/en/news/{later.slug}/" in cached("/en/")


def test_changes_inside_a_transaction_bump_again_when_it_commits(page_cache_on, django_capture_on_commit_callbacks):
    versions = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_cache.content_changed()
        versions.append(page_cache.current_version())
        page_cache.content_changed()  # one more bump at commit, not two
    versions.append(page_cache.current_version())
    assert len(callbacks) == 1
    assert versions[0] != versions[1]


def test_bulk_writers_bump_once_at_the_end(page_cache_on):
    before = page_cache.current_version()
    with page_cache.changes_deferred():
        factories.article(en="One of many")
        factories.article(en="Another of many")
        assert page_cache.current_version() == before
    assert page_cache.current_version() != before


def test_a_save_in_the_segment_editor(article, admin_client):
    assert "The original title" in cached(f"/en/news/{article.slug}/")
    url = f"/admin/news/article/{article.pk}/translate/en/"
    response = admin_client.get(url)
    data = {"version": response.context["version"]}
    for row in response.context["rows"]:
        data[f"seg-{row.key}"] = "Saved in the segment editor" if row.source == "原来的标题" else row.value
    assert admin_client.post(url, data).status_code == 302
    text, state = page(f"/en/news/{article.slug}/")
    assert state == "miss" and "Saved in the segment editor" in text
