import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from news import history
from news.models import Article, ArticleImage
from news.tests.factories import article, png_file
from news.tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def member(name: str, group: str) -> Client:
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return member("editor", "Editors")


def upload_url(obj) -> str:
    return f"/admin/news/article/{obj.pk}/images/upload/"


def jpeg_with_location(name="photo.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "#393").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_dropped_images_become_article_images_with_free_references(editor):
    obj = article(zh="图", en="Pictures")
    ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    response = editor.post(upload_url(obj), {"image": [png_file("chart.png"), jpeg_with_location()]})
    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["images"]] == ["media/chart-2.png", "media/photo.jpg"]
    stored = ArticleImage.objects.get(article=obj, reference="media/photo.jpg")
    with Image.open(stored.image.path) as image:
        assert not image.getexif()
    assert "Added images media/chart-2.png, media/photo.jpg." in history.versions(obj).first().revision.comment


def test_refused_uploads_say_why_and_create_nothing(editor):
    obj = article(zh="图", en="Pictures")
    svg = SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/png")
    response = editor.post(upload_url(obj), {"image": [svg]})
    assert "not a JPEG, PNG, GIF or WebP" in response.json()["images"][0]["error"]
    assert not ArticleImage.objects.filter(article=obj).exists()


def test_refusals_are_in_the_editors_language(editor):
    obj = article(zh="图", en="Pictures")
    svg = SimpleUploadedFile("logo.png", b"<svg/>", content_type="image/png")
    editor.cookies["django_language"] = "zh-hans"
    response = editor.post(upload_url(obj), {"image": [svg]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不是" in response.json()["images"][0]["error"]


def test_translators_cannot_upload_images():
    obj = article(zh="图", en="Pictures")
    translator = member("translator", "Translators")
    assert translator.post(upload_url(obj), {"image": [png_file()]}).status_code == 403


def test_the_change_form_refuses_an_svg_banner_with_a_message(editor):
    obj = article(zh="图", en="Pictures")
    data = form_data(editor.get(change_url(obj)).content)
    data["banner"] = SimpleUploadedFile("banner.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = editor.post(change_url(obj), data)
    assert response.status_code == 200
    assert "not a JPEG, PNG, GIF or WebP" in response.content.decode()
    assert not Article.objects.get(pk=obj.pk).banner


def test_a_missing_reference_blocks_publishing_but_a_draft_saves_with_a_warning(editor):
    obj = article(zh="图", en="Pictures", status=Article.Status.DRAFT)
    data = form_data(editor.get(change_url(obj)).content)
    body = "Here: ![chart](media/chart.png)"
    response = editor.post(change_url(obj), {**data, "body_en": body}, follow=True)
    assert Article.objects.get(pk=obj.pk).body_en == body
    assert "No image answers these references yet" in response.content.decode()
    assert "media/chart.png" in response.content.decode()

    data = form_data(editor.get(change_url(obj)).content)
    response = editor.post(change_url(obj), {**data, "status": "published"})
    assert response.status_code == 200
    assert "A published article cannot show missing images" in response.content.decode()
    assert Article.objects.get(pk=obj.pk).status == Article.Status.DRAFT

    ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    data = form_data(editor.get(change_url(obj)).content)
    assert editor.post(change_url(obj), {**data, "status": "published"}).status_code == 302
    assert Article.objects.get(pk=obj.pk).status == Article.Status.PUBLISHED


def test_unused_images_are_a_warning(editor):
    obj = article(zh="图", en="Pictures")
    ArticleImage.objects.create(article=obj, image=png_file("spare.png"), reference="media/spare.png")
    data = form_data(editor.get(change_url(obj)).content)
    response = editor.post(change_url(obj), data, follow=True)
    assert "No text uses these images: media/spare.png" in response.content.decode()


def test_the_form_is_checked_for_unused_images_and_missing_references_before_saving(editor):
    url = "/admin/news/article/images/check/"
    response = editor.post(url, {"body_en": "![a](media/a.png)", "reference": ["media/unused.png"], "language": [""]})
    assert response.json()["warnings"] == [
        "No image answers these references yet; they show as placeholders: English: media/a.png",
        "No text uses these images: media/unused.png",
    ]
    both_used = {"body_en": "![a](media/a.png)", "body_zh_hans": "![b](media/unused.png)"}
    response = editor.post(url, {**both_used, "reference": ["media/a.png", "media/unused.png"], "language": ["", ""]})
    assert response.json()["warnings"] == []
    assert editor.post(url, {"reference": ["x.png"], "language": ["xx"]}).status_code == 400


def test_the_form_check_speaks_the_editors_language(editor):
    editor.cookies["django_language"] = "zh-hans"
    response = editor.post("/admin/news/article/images/check/", {"reference": ["media/unused.png"], "language": [""]})
    assert response.json()["warnings"] == ["没有正文使用这些图片：media/unused.png"]
