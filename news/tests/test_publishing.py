from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import signing
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from news import history, publishing
from news.models import Article, ArticleImage
from news.tests.factories import article, category, png_file
from news.tests.test_admin import change_url

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/news/article/"


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def act(client, action: str, *articles, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in articles], "index": 0, **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_status_and_publication_time_come_first_in_the_form(editor):
    obj = article(zh="草稿", en="Draft")
    text = editor.get(change_url(obj)).content.decode()
    assert text.index('name="status"') < text.index('name="publish_at_0"') < text.index('name="title_zh_hans"')


def test_lists_say_when_a_scheduled_article_appears(editor):
    obj = article(zh="预告", en="Coming", days_ago=-2)
    when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
    text = editor.get(CHANGELIST).content.decode()
    assert f"Scheduled for {when}" in text
    assert publishing.state_text(obj).startswith("Scheduled for ")
    assert publishing.state_text(article(zh="已发布", en="Out")) == "Published"


def test_scheduled_visibility_at_the_exact_boundary():
    obj = article(zh="准时", en="On time", days_ago=-1)
    moment = obj.publish_at
    assert not Article.objects.published(moment - timedelta(microseconds=1)).filter(pk=obj.pk).exists()
    assert Article.objects.scheduled(moment - timedelta(microseconds=1)).filter(pk=obj.pk).exists()
    assert Article.objects.published(moment).filter(pk=obj.pk).exists()
    assert not Article.objects.scheduled(moment).filter(pk=obj.pk).exists()


def test_a_visitor_sees_an_article_from_its_publication_time(client):
    obj = article(zh="准时", en="On time", days_ago=-1)
    assert client.get(f"/en/news/{obj.slug}/").status_code == 404
    Article.objects.filter(pk=obj.pk).update(publish_at=timezone.now())
    assert client.get(f"/en/news/{obj.slug}/").status_code == 200


def test_bulk_publish_and_unpublish(editor):
    first = article(zh="一", en="One", status=Article.Status.DRAFT)
    second = article(zh="二", en="Two", status=Article.Status.DRAFT)
    act(editor, "publish_selected", first, second)
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}
    assert "Published from the list." in history.versions(first).first().revision.comment
    act(editor, "unpublish_selected", first)
    assert Article.objects.get(pk=first.pk).status == "draft"


def test_bulk_publish_refuses_articles_with_missing_images(editor):
    broken = article(zh="坏图", en="Broken", body_en="![x](media/x.png)", status=Article.Status.DRAFT)
    fine = article(zh="好", en="Fine", body_en="![y](media/y.png)", status=Article.Status.DRAFT)
    ArticleImage.objects.create(article=fine, image=png_file("y.png"), reference="media/y.png")
    response = act(editor, "publish_selected", broken, fine)
    assert Article.objects.get(pk=broken.pk).status == "draft"
    assert Article.objects.get(pk=fine.pk).status == "published"
    assert "was not published: no image answers media/x.png (English)" in response.content.decode()


def test_bulk_set_category_and_tags(editor):
    events = category("events")
    first, second = article(zh="一", en="One"), article(zh="二", en="Two", tags=("kernel",))
    act(editor, "set_category", first, second, category=events.pk)
    assert set(Article.objects.values_list("category", flat=True)) == {events.pk}
    act(editor, "add_tags", first, second, tag_list="release, kernel")
    assert set(Article.objects.get(pk=first.pk).tags.names()) == {"release", "kernel"}
    act(editor, "remove_tags", first, second, tag_list="kernel")
    assert set(Article.objects.get(pk=second.pk).tags.names()) == {"release"}


def test_bulk_category_needs_a_category(editor):
    obj = article(zh="一", en="One")
    response = act(editor, "set_category", obj)
    assert "Choose a category beside the action first." in response.content.decode()
    assert Article.objects.get(pk=obj.pk).category == obj.category


def test_translators_have_no_publishing_actions():
    user = User.objects.create_user("translator", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client = Client()
    client.force_login(user)
    obj = article(zh="一", en="One", status=Article.Status.DRAFT)
    text = client.get(CHANGELIST).content.decode()
    assert 'value="publish_selected"' not in text
    act(client, "publish_selected", obj)
    assert Article.objects.get(pk=obj.pk).status == "draft"


def test_a_preview_link_shows_a_draft_to_anyone_until_it_expires(client, settings):
    obj = article(zh="草稿", en="Draft post", body_en="Secret plans.", status=Article.Status.DRAFT)
    assert client.get(f"/en/news/{obj.slug}/").status_code == 404
    url = publishing.preview_url(obj, "en")
    assert url.startswith("/en/news/preview/")
    response = client.get(url)
    assert response.status_code == 200
    assert "Secret plans." in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert client.post(url).status_code == 405
    zh = client.get(publishing.preview_url(obj, "zh-hans"))
    assert zh.status_code == 200 and "草稿" in zh.content.decode()

    settings.PREVIEW_LINK_DAYS = 0
    assert client.get(url).status_code == 404


def test_a_forged_preview_link_is_404(client):
    obj = article(zh="草稿", en="Draft post", status=Article.Status.DRAFT)
    forged = signing.dumps({"article": obj.pk}, salt="another purpose")
    assert client.get(f"/en/news/preview/{forged}/").status_code == 404
    assert client.get("/en/news/preview/not-a-token/").status_code == 404


def test_the_change_form_offers_preview_links_for_unpublished_articles(editor):
    obj = article(zh="草稿", en="Draft post", status=Article.Status.DRAFT)
    text = editor.get(change_url(obj)).content.decode()
    assert 'class="preview-link"' in text and "/en/news/preview/" in text
