import pytest
from django.contrib.auth.models import Group, User
from reversion.models import Version

from news import history
from news.models import Article
from news.tests.factories import article
from news.tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def edit(client, obj, **changes):
    data = form_data(client.get(change_url(obj)).content)
    response = client.post(change_url(obj), {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_every_admin_change_is_a_version_with_its_user_and_message(client, editor):
    obj = article(zh="标题", en="Title", body_en="First line.\nSecond line.")
    edit(client, obj, summary_en="A summary")
    edit(client, obj, body_en="First line.\nSecond line, changed.")
    versions = list(history.versions(obj))
    assert len(versions) == 3  # the article as it was, then the two changes
    assert versions[-1].revision.user is None
    assert all(version.revision.user == editor for version in versions[:2])
    assert "Body" in versions[0].revision.comment


def test_versions_hold_each_languages_own_fields():
    obj = article(zh="中文标题", en="English title")
    history.record(obj, comment="imported")
    stored = history.versions(obj).get().field_dict
    assert stored["title_zh_hans"] == "中文标题"
    assert stored["title_en"] == "English title"
    assert "title" not in stored and "version" not in stored


def test_programmatic_saves_are_versions_without_a_user():
    obj = article(zh="标题", en="Title")
    history.record(obj, comment="Imported from news/a.md")
    version = history.versions(obj).get()
    assert version.revision.user is None
    assert version.revision.comment == "Imported from news/a.md"


def test_the_version_page_shows_a_line_diff_of_the_body(client, editor):
    obj = article(zh="标题", en="Title", body_en="# Intro\n\nKeep this.\n\nOld sentence.\n")
    edit(client, obj, body_en="# Intro\n\nKeep this.\n\nNew sentence.\n", title_en="New title")
    version = history.versions(obj).first()
    history_page = client.get(f"/admin/news/article/{obj.pk}/history/").content.decode()
    assert f"/admin/news/article/{obj.pk}/history/{version.pk}/" in history_page
    response = client.get(f"/admin/news/article/{obj.pk}/history/{version.pk}/")
    changes = {change.name: change for change in response.context["changes"]}
    assert ("removed", "Old sentence.") in [(line.kind, line.text) for line in changes["body_en"].lines]
    assert ("added", "New sentence.") in [(line.kind, line.text) for line in changes["body_en"].lines]
    assert (changes["title_en"].before, changes["title_en"].after) == ("Title", "New title")
    text = response.content.decode()
    assert '<span class="diff-removed">- Old sentence.</span>' in text
    assert '<span class="diff-added">+ New sentence.</span>' in text


def test_line_diff_keeps_a_little_context_around_changes():
    before = "\n".join(f"line {n}" for n in range(20))
    after = before.replace("line 10", "line ten")
    kinds = [line.kind for line in history.line_diff(before, after)]
    assert kinds == ["gap", "same", "same", "removed", "added", "same", "same"]


def test_restoring_makes_an_earlier_version_current_as_a_new_version(client, editor):
    obj = article(zh="标题", en="Title", body_en="Version one.")
    edit(client, obj, summary_en="One")
    edit(client, obj, summary_en="Two", body_en="Version two.")
    first = history.versions(obj)[1]
    response = client.post(f"/admin/news/article/{obj.pk}/history/{first.pk}/")
    assert response.status_code == 302
    obj = Article.objects.get(pk=obj.pk)
    assert (obj.summary_en, obj.body_en) == ("One", "Version one.")
    assert "Version one." in obj.body_html_en
    assert Version.objects.get_for_object(obj).count() == 4  # nothing lost
    assert "Restored" in history.versions(obj).first().revision.comment


def test_translators_may_read_versions_but_not_restore(client):
    obj = article(zh="标题", en="Title")
    history.record(obj, comment="first")
    user = User.objects.create_user("translator", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    version = history.versions(obj).get()
    url = f"/admin/news/article/{obj.pk}/history/{version.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403


def test_an_applied_translation_upload_is_a_version(client, editor):
    obj = article(zh="标题", en="")
    from django.contrib import admin
    from django.test import RequestFactory

    from translations.admin import TranslatableArticleAdmin

    request = RequestFactory().post("/")
    request.user = editor
    admin.site._registry[Article].log_change(request, obj, "Translation into English imported from a.po.")
    assert isinstance(admin.site._registry[Article], TranslatableArticleAdmin)
    assert history.versions(obj).get().revision.comment == "Translation into English imported from a.po."


def test_imported_articles_appear_as_versions(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "en" / "news" / "versioned.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: Versioned import\ndate: 2026-01-02\n---\n\nFirst text.\n", encoding="utf-8")
    call_command("import_news", str(tmp_path), verbosity=0)
    article = Article.objects.get(title_en="Versioned import")
    path.write_text("---\ntitle: Versioned import\ndate: 2026-01-02\n---\n\nSecond text.\n", encoding="utf-8")
    call_command("import_news", str(tmp_path), verbosity=0)
    found = list(history.versions(article))
    assert len(found) == 2
    assert {version.revision.comment for version in found} == {"Imported from Markdown files"}


def test_restoring_brings_back_tags_and_images_as_they_were(client, editor, django_capture_on_commit_callbacks):
    from news.models import ArticleImage
    from news.tests.factories import png_file

    obj = article(zh="标题", en="Title", body_en="![a](media/a.png)\n\n![b](media/b.png)")
    obj.tags.add("cloud", "web")
    first_image = ArticleImage.objects.create(
        article=obj, image=png_file("a.png"), reference="media/a.png", alt_en="Old", alt_zh_hans="旧"
    )
    history.record(obj, comment="first")
    obj.tags.set(["kernel", "web"])
    first_image.alt_en, first_image.reference = "New", "media/renamed.png"
    first_image.save()
    ArticleImage.objects.create(article=obj, image=png_file("b.png"), reference="media/b.png", alt_en="Later")
    history.record(obj, comment="second")

    first = history.versions(obj).last()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/news/article/{obj.pk}/history/{first.pk}/", follow=True)
    assert [str(message) for message in response.context["messages"]] == ["The earlier version is now the current one."]
    obj = Article.objects.get(pk=obj.pk)
    assert sorted(obj.tags.names()) == ["cloud", "web"]
    images = list(obj.images.all())
    restored = [(image.pk, image.reference, image.alt_en, image.alt_zh_hans) for image in images]
    assert restored == [(first_image.pk, "media/a.png", "Old", "旧")]
    # rendered once more, with the images as restored: the later image is a placeholder again
    assert 'class="image-missing" role="img" aria-label="b"' in obj.body_html_en
    newest = history.versions(obj).first()
    assert sorted(history.history_relations.held(newest).tags.values()) == ["cloud", "web"]


def test_restoring_back_and_forth_loses_no_image(client, editor, django_capture_on_commit_callbacks):
    """An image a restore removes keeps its file while a version names it: restoring that version brings it back."""
    from django.core.files.storage import default_storage

    from news.models import ArticleImage
    from news.tests.factories import png_file

    obj = article(zh="标题", en="Title", body_en="![b](media/b.png)")
    history.record(obj, comment="without the image")
    later = ArticleImage.objects.create(article=obj, image=png_file("b.png"), reference="media/b.png")
    name = later.image.name
    history.record(obj, comment="with the image")
    without, with_image = history.versions(obj).last(), history.versions(obj).first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/news/article/{obj.pk}/history/{without.pk}/")
    assert not ArticleImage.objects.filter(article=obj).exists() and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/news/article/{obj.pk}/history/{with_image.pk}/", follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert not [message for message in messages if "could not come back" in message], messages
    assert [image.image.name for image in ArticleImage.objects.filter(article=obj)] == [name]
    assert "image-missing" not in Article.objects.get(pk=obj.pk).body_html_en
    # Deleting the article deletes the files its history kept.
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=obj.pk).delete()
    assert not default_storage.exists(name)


def test_an_image_whose_file_was_deleted_since_is_named_in_the_restore_message(client, editor):
    from django.core.files.storage import default_storage

    from news.models import ArticleImage
    from news.tests.factories import png_file

    obj = article(zh="标题", en="Title", body_en="![a](media/a.png)")
    image = ArticleImage.objects.create(article=obj, image=png_file("a.png"), reference="media/a.png")
    history.record(obj, comment="with the image")
    name = image.image.name
    image.delete()
    default_storage.delete(name)
    history.record(obj, comment="without")
    first = history.versions(obj).last()
    response = client.post(f"/admin/news/article/{obj.pk}/history/{first.pk}/", follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "These images' files were deleted since and could not come back: media/a.png" in shown
    assert not obj.images.exists()


def test_a_version_recorded_without_tags_and_images_leaves_them_as_they_are():
    from news.models import RevisionRelations

    obj = article(zh="标题", en="Title", summary_en="Old")
    obj.tags.add("cloud")
    history.record(obj, comment="older")
    RevisionRelations.objects.all().delete()  # as versions recorded before tags were followed
    obj.tags.set(["kernel"])
    obj.summary_en = "New"
    obj.save()
    history.record(obj, comment="newer")
    restored, notes = history.restore(history.versions(obj).last())
    assert restored.summary_en == "Old"
    assert list(restored.tags.names()) == ["kernel"]
    assert notes == ["This version was recorded without tags and images: they stay as they are."]


def test_the_version_page_shows_tag_and_image_changes(client, editor):
    from news.models import ArticleImage
    from news.tests.factories import png_file

    obj = article(zh="标题", en="Title")
    obj.tags.add("cloud")
    image = ArticleImage.objects.create(article=obj, image=png_file("a.png"), reference="media/a.png", alt_en="Old")
    history.record(obj, comment="first")
    obj.tags.set(["kernel"])
    image.alt_en = "New"
    image.save()
    history.record(obj, comment="second")
    second = history.versions(obj).first()
    response = client.get(f"/admin/news/article/{obj.pk}/history/{second.pk}/")
    changes = {change.name: change for change in response.context["changes"]}
    assert changes["tags"].summary == "+kernel \u2212cloud"
    assert [(line.kind, line.text.split(" (")[0]) for line in changes["images"].lines] == [
        ("removed", "media/a.png — “Old”"),
        ("added", "media/a.png — “New”"),
    ]
    text = response.content.decode()
    assert '<p class="version-summary">+kernel \u2212cloud</p>' in text
    assert "+ media/a.png — “New”" in text
