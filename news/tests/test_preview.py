import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from news.models import ArticleImage
from news.tests.factories import article, png_file

pytestmark = pytest.mark.django_db

TEXT = "## Setup\n\nA **bold** step with a chart:\n\n![Chart](media/chart.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


@pytest.fixture
def editor_client():
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def preview_url(obj=None) -> str:
    return f"/admin/news/article/{obj.pk}/preview/" if obj else "/admin/news/article/preview/"


def test_the_preview_is_the_public_pages_body_for_the_same_text(editor_client, client):
    obj = article(zh="图表", en="Chart", body_en=TEXT)
    ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    obj.refresh_from_db()
    response = editor_client.post(preview_url(obj), {"text": TEXT, "language": "en", "title": "Chart"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<table>" in html and 'src="/media/' in html
    public = client.get(f"/en/news/{obj.slug}/").content.decode()
    body = public.split('<div class="article-body"', 1)[1].split(">", 1)[1]
    assert body.startswith(f"{html}</div>")
    assert response.json()["missing"] == []


def test_the_preview_names_references_no_image_answers(editor_client):
    obj = article(zh="图表", en="Chart")
    response = editor_client.post(
        preview_url(obj), {"text": "![a](media/gone.png) ![b](https://example.org/x.png)", "language": "en"}
    )
    assert response.json()["missing"] == ["media/gone.png"]
    assert 'class="image-missing"' in response.json()["html"]


def test_an_unsaved_article_is_previewed_without_images(editor_client):
    response = editor_client.post(preview_url(), {"text": "# 标题\n\n正文", "language": "zh-hans"})
    assert response.status_code == 200
    assert "正文" in response.json()["html"]


def test_the_preview_is_for_staff_only(client):
    obj = article(zh="图表", en="Chart")
    assert client.post(preview_url(obj), {"text": "x", "language": "en"}).status_code == 403
    visitor = User.objects.create_user("visitor", password="pw")
    client.force_login(visitor)
    assert client.post(preview_url(obj), {"text": "x", "language": "en"}).status_code == 403


def test_the_preview_enforces_csrf():
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(preview_url(), {"text": "x", "language": "en"}).status_code == 403
    page = client.get("/admin/news/article/add/")
    token = page.cookies["csrftoken"].value
    response = client.post(preview_url(), {"text": "x", "language": "en"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_the_preview_refuses_get_and_unknown_languages(editor_client):
    assert editor_client.get(preview_url()).status_code == 405
    response = editor_client.post(preview_url(), {"text": "x", "language": "xx"})
    assert response.status_code == 400
    assert json.loads(response.content)["error"]


def test_the_change_form_sets_up_the_editor(editor_client):
    obj = article(zh="图表", en="Chart")
    text = editor_client.get(f"/admin/news/article/{obj.pk}/change/").content.decode()
    assert f'data-preview-url="{preview_url(obj)}"' in text
    assert 'data-markdown-editor="en"' in text and 'data-markdown-editor="zh-hans"' in text
    assert "js/admin-editor.js" in text
