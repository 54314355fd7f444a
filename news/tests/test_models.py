import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from news.models import Article, ArticleImage
from news.tests.factories import article, category, png_file
from tags.models import Tag
from translations import languages

pytestmark = pytest.mark.django_db


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


@pytest.fixture
def states():
    return {
        "live": article(en="Live", days_ago=3),
        "scheduled": article(en="Later", days_ago=-2),
        "draft": article(en="Draft", status=Article.Status.DRAFT, days_ago=1),
        "future_draft": article(en="Future draft", status=Article.Status.DRAFT, days_ago=-1),
    }


def test_published_scheduled_and_drafts(states):
    assert slugs(Article.objects.published()) == {"live"}
    assert slugs(Article.objects.scheduled()) == {"later"}
    assert slugs(Article.objects.drafts()) == {"draft", "future-draft"}


def test_published_at_a_given_time(states):
    in_three_days = timezone.now() + timedelta(days=3)
    assert slugs(Article.objects.published(now=in_three_days)) == {"live", "later"}
    assert slugs(Article.objects.scheduled(now=in_three_days)) == set()


def test_visible_to_visitors_users_and_staff(states):
    user = User.objects.create_user("reader")
    staff = User.objects.create_user("editor", is_staff=True)
    assert slugs(Article.objects.visible_to(AnonymousUser())) == {"live"}
    assert slugs(Article.objects.visible_to(user)) == {"live"}
    assert slugs(Article.objects.visible_to(staff)) == {"live", "later", "draft", "future-draft"}


def test_in_language_and_missing_language():
    both = article(zh="双语", en="Both")
    chinese = article(zh="只有中文")
    english = article(en="English only")
    assert set(Article.objects.in_language("zh-hans")) == {both, chinese}
    assert set(Article.objects.in_language("en")) == {both, english}
    assert set(Article.objects.missing_language("en")) == {chinese}
    assert set(Article.objects.missing_language("zh-hans")) == {english}


def test_in_year_uses_the_site_time_zone():
    shanghai_new_year = timezone.make_aware(datetime(2024, 1, 1, 0, 30))  # 2023-12-31 16:30 UTC
    new_year = article(en="New year")
    Article.objects.filter(pk=new_year.pk).update(publish_at=shanghai_new_year)
    old = article(en="Old")
    Article.objects.filter(pk=old.pk).update(publish_at=timezone.make_aware(datetime(2023, 12, 31, 23, 0)))
    assert list(Article.objects.in_year(2024)) == [new_year]
    assert list(Article.objects.in_year(2023)) == [old]
    assert not Article.objects.in_year(2022).exists()


def test_in_category_and_tagged():
    kernel = article(en="Kernel news", tags=("kernel",))
    blog = article(en="A blog post", category_slug="blog", tags=("kernel", "community"))
    tag = Tag.objects.get(name="community")
    assert list(Article.objects.in_category(category("blog"))) == [blog]
    assert set(Article.objects.tagged(Tag.objects.get(name="kernel"))) == {kernel, blog}
    assert list(Article.objects.tagged(tag)) == [blog]


# Slugs -------------------------------------------------------------------


def test_slug_from_the_english_title():
    assert article(zh="内核发布", en="Kernel 6.6 is out!").slug == "kernel-66-is-out"


def test_slug_from_the_date_and_a_suffix_without_an_english_title():
    obj = article(zh="只有中文标题")
    local_date = timezone.localtime(obj.publish_at).strftime("%Y%m%d")
    assert re.fullmatch(rf"{local_date}-[0-9a-f]{{6}}", obj.slug)
    other = article(zh="只有中文标题")
    assert other.slug != obj.slug


def test_slugs_are_unique_and_ascii():
    first = article(en="Release notes")
    second = article(en="Release notes")
    third = article(en="Release notes", zh="发布说明")
    assert [first.slug, second.slug, third.slug] == ["release-notes", "release-notes-2", "release-notes-3"]
    accented = article(en="Café über Straße")
    assert accented.slug.isascii()
    assert accented.slug == "cafe-uber-strae"


def test_an_editor_slug_is_kept_and_saving_again_keeps_it():
    obj = article(en="Title", slug="my-own-slug")
    obj.title_en = "Another title"
    obj.save()
    obj.refresh_from_db()
    assert obj.slug == "my-own-slug"


# Validation --------------------------------------------------------------


def test_clean_needs_a_title_in_the_source_language():
    obj = Article(title_en="Only English", source_language="zh-hans", category=category())
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert languages.field("title", "zh-hans") in error.value.message_dict


def test_clean_needs_a_title_for_a_body():
    obj = Article(title_en="English", body_zh_hans="正文", source_language="en", category=category())
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert list(error.value.message_dict) == [languages.field("title", "zh-hans")]


def test_clean_rejects_a_non_ascii_slug():
    obj = Article(title_en="English", source_language="en", slug="中文-slug", category=category())
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert "slug" in error.value.message_dict


def test_slugs_that_are_site_pages_are_refused_and_never_generated(client):
    obj = Article(title_en="Archive", source_language="en", slug="archive", category=category())
    with pytest.raises(ValidationError) as error, translation.override("en"):
        obj.full_clean()
    assert "address of a page" in error.value.message_dict["slug"][0]
    generated = article(en="Archive")
    assert generated.slug == "archive-2"
    assert client.get("/en/news/archive-2/").status_code == 200


def test_a_valid_article_passes_clean():
    Article(title_zh_hans="标题", source_language="zh-hans", category=category()).full_clean()


# Text per language -------------------------------------------------------


def test_translation_falls_back_to_the_source_language():
    obj = article(zh="中文标题", body_zh="中文正文")
    text = obj.translation("en")
    assert (text.language, text.requested, text.title, text.is_fallback) == ("zh-hans", "en", "中文标题", True)
    assert "中文正文" in text.body_html
    own = obj.translation("zh-hans")
    assert not own.is_fallback
    assert own.banner_alt == "中文标题"  # no alt text: the title stands in


def test_saving_renders_every_language():
    obj = article(zh="标题", en="Title", body_zh="## 小节\n\n中文", body_en="## Section\n\n**bold**")
    assert "<strong>bold</strong>" in obj.body_html_en
    assert 'id="小节"' in obj.body_html_zh_hans


def test_authors_are_split_on_commas_and_chinese_enumeration_commas():
    assert article(en="A", author="Ann, Bo、陈晨 ,").authors == ["Ann", "Bo", "陈晨"]


# Tags --------------------------------------------------------------------


def test_chinese_tag_names_get_an_ascii_slug_and_a_chinese_label():
    obj = article(en="Tagged", tags=("内核", "云原生", "kernel"))
    tags = {tag.name: tag for tag in obj.tags.all()}
    for name, slug in (("内核", "neihe"), ("云原生", "yunyuansheng")):  # spelled in pinyin
        assert tags[name].slug == slug
        assert tags[name].label_zh_hans == name
        assert not tags[name].label_en
    assert tags["内核"].slug != tags["云原生"].slug
    assert tags["kernel"].slug == "kernel"
    assert tags["kernel"].label_en == "kernel"


def test_a_chinese_tag_slug_is_stable():
    first = Tag.objects.create(name="社区")
    slug = first.slug
    first.delete()
    assert Tag.objects.create(name="社区").slug == slug


def test_tag_display_name_follows_the_active_language():
    tag = Tag.objects.create(name="security", label_zh_hans="安全", label_en="Security")
    with translation.override("zh-hans"):
        assert tag.display_name == "安全"
    with translation.override("en"):
        assert tag.display_name == "Security"
    only_zh = Tag.objects.create(name="社区")
    with translation.override("en"):
        assert only_zh.display_name == "社区"


# Body images -------------------------------------------------------------


def test_adding_an_image_renders_the_body_again():
    obj = article(en="With image", body_en="![A chart](./media/chart.png)")
    assert "image-missing" in obj.body_html_en
    image = ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    obj.refresh_from_db()
    assert "image-missing" not in obj.body_html_en
    assert f'src="{image.as_ref().url}"' in obj.body_html_en
    assert 'width="40"' in obj.body_html_en


def test_deleting_an_image_renders_the_placeholder_again():
    obj = article(en="With image", body_en="![A chart](media/chart.png)")
    image = ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    image.delete()
    obj.refresh_from_db()
    assert "<img" not in obj.body_html_en
    assert "A chart" in obj.body_html_en


def test_an_image_without_reference_is_referenced_by_its_file_name():
    obj = article(en="With image", body_en="![Logo](logo.png)")
    image = ArticleImage.objects.create(article=obj, image=png_file("logo.png"))
    assert image.reference == image.image.name.rsplit("/", 1)[-1]
    obj.refresh_from_db()
    assert image.as_ref().url in obj.body_html_en


def test_image_alt_text_is_used_when_the_markdown_has_none():
    obj = article(en="With image", body_en="![](media/map.png)")
    ArticleImage.objects.create(article=obj, image=png_file("map.png"), reference="media/map.png", alt_en="A map")
    obj.refresh_from_db()
    assert 'alt="A map"' in obj.body_html_en


def test_saving_the_article_keeps_resolved_images():
    obj = article(en="With image", body_en="![A chart](media/chart.png)")
    image = ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png")
    obj = Article.objects.get(pk=obj.pk)
    obj.body_en = "New text.\n\n![A chart](media/chart.png)"
    obj.save()
    assert image.as_ref().url in obj.body_html_en


def test_a_tag_typed_as_another_tags_label_means_that_tag():
    """Typing 内核 where the tag kernel is labelled 内核 must not create a second tag."""
    article(en="First", tags=("kernel", "security"))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核", label_en="Kernel")
    second = article(en="Second", tags=("内核", "Security", "云原生"))
    assert sorted(tag.name for tag in second.tags.all()) == sorted(["kernel", "security", "云原生"])
    assert Tag.objects.count() == 3


def test_a_tag_name_wins_over_another_tags_label():
    article(en="First", tags=("kernel", "内核"))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核")
    second = article(en="Second", tags=("内核",))
    assert [tag.name for tag in second.tags.all()] == ["内核"]


def test_a_language_shows_its_own_image_in_place_of_the_shared_one():
    """Bilingual articles often hold a Chinese and an English screenshot under one name."""
    obj = article(zh="截图", en="Screenshots", body_zh="![图](media/shot.png)", body_en="![Shot](media/shot.png)")
    shared = ArticleImage.objects.create(article=obj, image=png_file("shot.png"), reference="media/shot.png")
    english = ArticleImage.objects.create(
        article=obj, image=png_file("shot.png", color="#cc3333"), reference="media/shot.png", language="en"
    )
    other = ArticleImage.objects.create(article=obj, image=png_file("map.png"), reference="media/map.png")
    obj = Article.objects.get(pk=obj.pk)
    assert obj.image_map("en") == {"media/shot.png": english.as_ref(), "media/map.png": other.as_ref()}
    assert obj.image_map("zh-hans") == {"media/shot.png": shared.as_ref(), "media/map.png": other.as_ref()}
    assert obj.image_map() == obj.image_map("zh-hans")
    assert english.as_ref().url in obj.body_html_en and shared.as_ref().url not in obj.body_html_en
    assert shared.as_ref().url in obj.body_html_zh_hans and english.as_ref().url not in obj.body_html_zh_hans


def test_a_reference_is_unique_per_language():
    obj = article(en="Screenshots")
    ArticleImage.objects.create(article=obj, image=png_file("a.png"), reference="shot.png")
    ArticleImage.objects.create(article=obj, image=png_file("b.png"), reference="shot.png", language="en")
    ArticleImage.objects.create(article=obj, image=png_file("c.png"), reference="shot.png", language="zh-hans")
    twice = ArticleImage(article=obj, image=png_file("d.png"), reference="shot.png", language="en")
    with pytest.raises(ValidationError):
        twice.full_clean()
