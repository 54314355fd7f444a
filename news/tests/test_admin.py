from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article, ArticleImage, Category
from news.tests.factories import article, png_file
from news.tests.pages import Page
from tags.models import Tag

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/news/article/"


def change_url(obj) -> str:
    return f"/admin/news/article/{obj.pk}/change/"


def member(group: str) -> User:
    user = User.objects.create_user(group.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture(params=["superuser", "Editors", "Translators"])
def anyone(request):
    if request.param == "superuser":
        return User.objects.create_superuser("root", password="pw")
    return member(request.param)


@pytest.fixture
def editor():
    return member("Editors")


@pytest.fixture
def translator():
    return member("Translators")


@pytest.fixture
def draft():
    obj = article(
        zh="内核调度器",
        en="",
        body_zh="## 小节\n\n中文正文。",
        status=Article.Status.DRAFT,
        days_ago=1,
        tags=("kernel",),
        slug="scheduler",
        author="陈思远",
    )
    ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png", alt_zh_hans="图")
    return obj


def form_data(content: bytes, form_id: str = "article_form") -> dict[str, object]:
    """What a browser would submit from the admin change form, unchanged."""
    page = Page(content)
    form = next(node for node in page.find_all("form") if node.attrs.get("id") == form_id)
    data: dict[str, object] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name or "disabled" in node.attrs:
            continue
        if node.tag == "input":
            kind = node.attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in node.attrs:
                continue
            if kind in ("submit", "button", "file", "image"):
                continue
            data[name] = node.attrs.get("value", "on" if kind == "checkbox" else "")
        elif node.tag == "textarea":
            data[name] = node.text.removeprefix("\n")
        elif node.tag == "select":
            chosen = [option.attrs.get("value", "") for option in node.iter() if "selected" in option.attrs]
            if "multiple" in node.attrs:
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
    return data


# Pages load ---------------------------------------------------------------------


def test_list_and_change_pages_load(client, anyone, draft):
    client.force_login(anyone)
    assert client.get(CHANGELIST).status_code == 200
    response = client.get(change_url(draft))
    assert response.status_code == 200
    assert "内核调度器" in response.content.decode()


def test_add_page_loads_for_editors(client, editor):
    client.force_login(editor)
    response = client.get("/admin/news/article/add/")
    assert response.status_code == 200
    assert 'name="title_zh_hans"' in response.content.decode()
    assert 'name="title_en"' in response.content.decode()


def test_add_page_loads_for_superusers(admin_client):
    assert admin_client.get("/admin/news/article/add/").status_code == 200
    assert admin_client.get("/admin/news/category/").status_code == 200
    assert admin_client.get("/admin/tags/tag/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/news/article/add/", "/admin/news/category/add/", "/admin/tags/tag/add/"])
def test_admin_scripts_are_served_by_the_portal(admin_client, url):
    """The language tabs need jQuery UI: ours, from static files, never a CDN the admin may not reach."""
    scripts = [
        node.attrs["src"] for node in Page(admin_client.get(url).content).find_all("script") if "src" in node.attrs
    ]
    assert "/static/vendor/jquery-ui.min.js" in scripts
    assert all(src.startswith(("/static/", "/admin/")) for src in scripts), scripts


def test_the_admin_offers_one_tag_model(admin_client):
    """Articles use tags.Tag; taggit's own table would be a second, unused "Tags" entry."""
    content = admin_client.get("/admin/").content.decode()
    assert "/admin/tags/tag/" in content and "/admin/taggit/" not in content
    assert admin_client.get("/admin/taggit/tag/").status_code == 404


def test_translators_cannot_add_articles(client, translator):
    """Adding means writing a source text and choosing category and dates: editors' work."""
    client.force_login(translator)
    assert client.get("/admin/news/article/add/").status_code == 403


def test_change_page_has_a_tab_per_language_and_view_on_site_links(client, editor, draft):
    client.force_login(editor)
    content = client.get(change_url(draft)).content.decode()
    assert 'name="body_zh_hans"' in content and 'name="body_en"' in content
    assert f'href="/zh/news/{draft.slug}/"' in content and f'href="/en/news/{draft.slug}/"' in content
    assert 'name="images-0-alt_en"' in content


def test_editors_can_add_an_article(client, editor):
    client.force_login(editor)
    response = client.get("/admin/news/article/add/")
    data = form_data(response.content)
    data.update(
        title_en="Written in the admin",
        body_en="Some **Markdown**.",
        source_language="en",
        category=str(Category.objects.get(slug="blog").pk),
        status="published",
        tags="kernel, 内核",
    )
    response = client.post("/admin/news/article/add/", data)
    assert response.status_code == 302, Page(response.content).text[:2000]
    created = Article.objects.get(title_en="Written in the admin")
    assert created.slug == "written-in-the-admin"
    assert "<strong>Markdown</strong>" in created.body_html_en
    assert sorted(tag.name for tag in created.tags.all()) == ["kernel", "内核"]


def post_new_images(client, obj, *images: dict[str, object]):
    """The change form as shown, plus these new image rows (field name → value)."""
    data = form_data(client.get(change_url(obj)).content)
    first = int(data["images-TOTAL_FORMS"])
    data["images-TOTAL_FORMS"] = str(first + len(images))
    for number, fields in enumerate(images, start=first):
        data.update({f"images-{number}-{name}": value for name, value in {"article": obj.pk, **fields}.items()})
    return client.post(change_url(obj), data)


def test_two_images_with_one_reference_are_refused(client, editor, draft):
    """``./media/chart.png`` and ``media/chart.png`` are one name in the Markdown: which image would it show?"""
    client.force_login(editor)
    response = post_new_images(client, draft, {"reference": "./media/chart.png", "image": png_file("other.png")})
    assert response.status_code == 200
    assert "Images 1 and 2 both use the reference “media/chart.png”" in Page(response.content).text
    assert list(draft.images.values_list("reference", flat=True)) == ["media/chart.png"]


def test_one_reference_may_have_an_image_per_language(client, editor, draft):
    """The shared image and an English screenshot of the same name: the English page shows the latter."""
    client.force_login(editor)
    assert form_data(client.get(change_url(draft)).content)["images-0-language"] == ""
    english = {"reference": "./media/chart.png", "language": "en", "image": png_file("chart-en.png")}
    response = post_new_images(client, draft, english)
    assert response.status_code == 302, Page(response.content).text[:2000]
    assert sorted(draft.images.values_list("reference", "language")) == [
        ("./media/chart.png", "en"),
        ("media/chart.png", ""),
    ]


def test_two_images_with_one_reference_in_one_language_are_refused(client, editor, draft):
    client.force_login(editor)
    response = post_new_images(
        client,
        draft,
        {"reference": "media/chart.png", "language": "en", "image": png_file("one.png")},
        {"reference": "media/chart.png", "language": "en", "image": png_file("two.png")},
    )
    assert response.status_code == 200
    text = Page(response.content).text
    assert "Images 2 and 3 both use the reference “media/chart.png” in English" in text
    assert "Please correct the duplicate" not in text  # the generic message names no image
    assert list(draft.images.values_list("reference", "language")) == [("media/chart.png", "")]


def test_an_image_without_reference_answers_to_its_file_name(client, editor, draft):
    client.force_login(editor)
    data = form_data(client.get(change_url(draft)).content)
    data.update({"images-TOTAL_FORMS": "2", "images-1-image": png_file("chart.png"), "images-1-article": str(draft.pk)})
    response = client.post(change_url(draft), data)
    assert response.status_code == 302
    assert sorted(draft.images.values_list("reference", flat=True)) == ["chart.png", "media/chart.png"]


# Translators: only the other language's text --------------------------------------


def crafted_post(client, obj, **changes):
    data = form_data(client.get(change_url(obj)).content)
    data.update(changes)
    return client.post(change_url(obj), data)


ATTEMPTED = {
    "status": "published",
    "slug": "hijacked",
    "publish_at_0": "2020-01-01",
    "publish_at_1": "08:00:00",
    "title_zh_hans": "篡改的标题",
    "body_zh_hans": "篡改的正文",
    "summary_zh_hans": "篡改的摘要",
    "source_language": "en",
    "author": "Someone else",
    "tags": "spam",
}


def test_translators_can_change_the_other_languages_text_only(client, translator, draft):
    client.force_login(translator)
    before = Article.objects.get(pk=draft.pk)
    response = crafted_post(
        client,
        draft,
        title_en="Kernel scheduler",
        summary_en="Notes on the scheduler.",
        body_en="## Section\n\nEnglish text.",
        category=str(Category.objects.get(slug="events").pk),
        **ATTEMPTED,
    )
    assert response.status_code == 302
    after = Article.objects.get(pk=draft.pk)
    assert (after.title_en, after.summary_en) == ("Kernel scheduler", "Notes on the scheduler.")
    assert "English text." in after.body_html_en
    for field in ("status", "slug", "publish_at", "title_zh_hans", "body_zh_hans", "summary_zh_hans"):
        assert getattr(after, field) == getattr(before, field), field
    assert (after.source_language, after.author, after.category_id) == ("zh-hans", "陈思远", before.category_id)
    assert [tag.name for tag in after.tags.all()] == ["kernel"]


def test_the_same_post_by_an_editor_changes_everything(client, editor, draft):
    """The control for the test above: the crafted fields are real form fields."""
    client.force_login(editor)
    response = crafted_post(
        client, draft, title_en="Kernel scheduler", category=str(Category.objects.get(slug="events").pk), **ATTEMPTED
    )
    assert response.status_code == 302
    after = Article.objects.get(pk=draft.pk)
    assert (after.status, after.slug, after.title_zh_hans, after.source_language) == (
        "published",
        "hijacked",
        "篡改的标题",
        "en",
    )
    assert after.publish_at.year == 2020
    assert after.category.slug == "events"
    assert [tag.name for tag in after.tags.all()] == ["spam"]


def test_translators_cannot_delete(client, translator, draft):
    client.force_login(translator)
    assert client.get(f"/admin/news/article/{draft.pk}/delete/").status_code == 403
    assert client.post(f"/admin/news/article/{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert Article.objects.filter(pk=draft.pk).exists()


def test_translators_cannot_add_or_delete_images(client, translator, draft):
    client.force_login(translator)
    data = form_data(client.get(change_url(draft)).content)
    image = draft.images.get()
    data.update({"images-0-DELETE": "on", "images-0-reference": "media/other.png", "images-0-alt_en": "A chart"})
    response = client.post(change_url(draft), data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.reference, image.alt_en) == ("media/chart.png", "A chart")


def test_translators_cannot_change_image_alt_text_in_the_source_language(client, translator, draft):
    """An image's alt text in the source language is source text, like the body around it."""
    client.force_login(translator)
    content = client.get(change_url(draft)).content.decode()
    assert 'name="images-0-alt_en"' in content and 'name="images-0-alt_zh_hans"' not in content
    assert 'name="images-0-language"' not in content
    data = form_data(content.encode())
    data.update({"images-0-alt_zh_hans": "篡改的说明", "images-0-alt_en": "A chart", "images-0-language": "en"})
    assert client.post(change_url(draft), data).status_code == 302
    image = draft.images.get()
    assert (image.alt_zh_hans, image.alt_en, image.language) == ("图", "A chart", "")


def test_translators_for_an_english_source_may_edit_the_chinese_text(client, translator):
    obj = article(en="English source", zh="", body_en="Text.", days_ago=2)
    client.force_login(translator)
    response = crafted_post(client, obj, title_zh_hans="英文原文的译文", title_en="Changed source")
    assert response.status_code == 302
    obj.refresh_from_db()
    assert (obj.title_zh_hans, obj.title_en) == ("英文原文的译文", "English source")


def test_editors_can_delete(client, editor, draft):
    client.force_login(editor)
    assert client.post(f"/admin/news/article/{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


# List filters and search ---------------------------------------------------------


@pytest.fixture
def listed():
    return {
        "both": article(zh="双语的内核文章", en="Bilingual kernel article", days_ago=2),
        "zh": article(zh="只有中文的调度器笔记", days_ago=3),
        "en": article(en="English only scheduler notes", days_ago=4),
        "scheduled": article(zh="定时发布", en="Scheduled one", days_ago=-3),
        "draft": article(zh="草稿", en="Draft one", status=Article.Status.DRAFT),
    }


def listed_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("missing=en", {"zh"}),
        ("missing=zh-hans", {"en"}),
        ("visibility=live", {"both", "zh", "en"}),
        ("visibility=scheduled", {"scheduled"}),
        ("visibility=draft", {"draft"}),
        ("status__exact=draft", {"draft"}),
        ("q=内核", {"both"}),
        ("q=kernel", {"both"}),
        ("q=scheduler", {"en"}),
        ("q=调度器", {"zh"}),
        ("q=scheduler&missing=zh-hans", {"en"}),
    ],
)
def test_list_filters_and_search(admin_client, listed, query, expected):
    response = admin_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed_pks(response) == {listed[key].pk for key in expected}


def test_list_shows_which_languages_exist(admin_client, listed):
    text = Page(admin_client.get(CHANGELIST).content).text
    assert "Chinese · English" in text or "中文 · 英文" in text


def test_list_tells_scheduled_articles_from_live_ones(admin_client, listed):
    rows = {
        row.text.strip()
        for row in Page(admin_client.get(CHANGELIST).content).find_all("td")
        if "field-publication_state" in row.attrs.get("class", "")
    }
    assert {row.split(" for ")[0] for row in rows} == {"Published", "Scheduled", "Draft"}
    page = Page(admin_client.get(f"{CHANGELIST}?visibility=scheduled").content)
    scheduled = [
        row.text.strip() for row in page.find_all("td") if "field-publication_state" in row.attrs.get("class", "")
    ]
    assert len(scheduled) == 1 and scheduled[0].startswith("Scheduled for ")


def test_list_page_query_count_does_not_grow_with_articles(admin_client, listed):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    before = count()
    for n in range(10):
        article(en=f"More {n}", tags=(f"tag{n}", "kernel"))
    assert count() == before


# Tag suggestions --------------------------------------------------------------------

SUGGESTIONS = "/admin/tags/tag/suggestions/"


def test_tag_suggestions(client, translator):
    article(en="Tagged", tags=("kernel", "kernel-dev", "security", "内核"))
    client.force_login(translator)
    assert client.get(SUGGESTIONS, {"q": "KERN"}).json()["tags"] == ["kernel", "kernel-dev"]
    assert client.get(SUGGESTIONS, {"q": "内"}).json()["tags"] == ["内核"]
    assert set(client.get(SUGGESTIONS).json()["tags"]) == {"kernel", "kernel-dev", "security", "内核"}


def test_tag_suggestions_find_tags_by_their_label_in_any_language(client, editor):
    """Typing the Chinese label of an existing tag offers that tag, not a new duplicate."""
    article(en="Tagged", tags=("kernel", "security"))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核", label_en="Kernel")
    Tag.objects.filter(name="security").update(label_zh_hans="安全", label_en="Security")
    client.force_login(editor)
    assert client.get(SUGGESTIONS, {"q": "内核"}).json() == {"tags": ["kernel"], "labels": ["内核 · Kernel"]}
    assert client.get(SUGGESTIONS, {"q": "secur"}).json() == {"tags": ["security"], "labels": ["安全 · Security"]}


def test_tag_suggestions_are_limited(admin_client):
    article(en="Many tags", tags=tuple(f"t{n:02d}" for n in range(30)))
    assert len(admin_client.get(SUGGESTIONS, {"q": "t"}).json()["tags"]) == 20


def test_tag_suggestions_need_permission(client):
    anonymous = client.get(SUGGESTIONS, {"q": "k"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(SUGGESTIONS, {"q": "k"}).status_code == 403


def test_change_form_points_the_tag_field_at_the_suggestions(client, editor, draft):
    client.force_login(editor)
    assert f'data-suggestions-url="{SUGGESTIONS}"' in client.get(change_url(draft)).content.decode()


def test_scheduled_articles_can_be_saved_by_editors(client, editor):
    obj = article(en="Later", days_ago=-5)
    client.force_login(editor)
    assert crafted_post(client, obj, summary_en="Soon.").status_code == 302
    obj.refresh_from_db()
    assert obj.summary_en == "Soon." and obj.publish_at > timezone.now() + timedelta(days=4)
