import html
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from news import demo
from news.demo_articles import ARTICLES, TAGS
from news.models import Article, ArticleImage, Category
from tags.models import Tag

pytestmark = pytest.mark.django_db


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    load_demo()
    return Article.objects.prefetch_related("tags", "images").select_related("category")


def test_creates_the_articles_and_tags_and_says_so(loaded):
    assert loaded.count() == len(ARTICLES) >= 16
    assert Tag.objects.count() == len(TAGS) >= 8
    published = Article.objects.published()
    assert published.count() >= 14
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.drafts().count() == 1
    assert {article.category.slug for article in published} == {"news", "blog", "events"}


def test_second_run_changes_nothing_and_says_so(loaded):
    before = {a.slug: (a.updated_at, a.banner.name, a.body_html_en, a.body_html_zh_hans) for a in loaded}
    image_files = set(ArticleImage.objects.values_list("image", flat=True))

    output = load_demo()

    assert "nothing changed" in output
    after = {a.slug: (a.updated_at, a.banner.name, a.body_html_en, a.body_html_zh_hans) for a in Article.objects.all()}
    assert after == before
    assert set(ArticleImage.objects.values_list("image", flat=True)) == image_files
    assert Tag.objects.count() == len(TAGS)


def test_an_existing_article_is_left_alone_and_the_missing_ones_are_created():
    article = ARTICLES[0]
    demo.load()
    Article.objects.filter(slug=ARTICLES[1].slug).delete()
    Article.objects.filter(slug=article.slug).update(title_en="Edited by an editor")

    output = load_demo()

    assert "Created 1 demo articles and 0 tags" in output
    assert Article.objects.get(slug=article.slug).title_en == "Edited by an editor"
    assert Article.objects.filter(slug=ARTICLES[1].slug).exists()


def test_dry_run_creates_nothing():
    output = load_demo("--dry-run")

    assert f"Would create {len(ARTICLES)} demo articles" in output
    assert not Article.objects.exists()
    assert not Tag.objects.exists()


def test_fails_clearly_without_the_categories():
    Category.objects.filter(slug="events").delete()

    with pytest.raises(CommandError, match="events"):
        load_demo()
    assert not Article.objects.exists()


def test_language_mix(loaded):
    languages = [tuple(article.languages) for article in loaded]
    assert languages.count(("zh-hans", "en")) > len(languages) / 2
    assert 2 <= languages.count(("zh-hans",)) <= 3
    assert languages.count(("en",)) == 2
    for article in loaded:
        assert article.has_language(article.source_language)


def test_publish_dates_spread_over_two_years(loaded):
    now = timezone.now()
    published = sorted(a.publish_at for a in loaded if a.is_public)
    assert now - published[0] > timezone.timedelta(days=600)
    assert now - published[0] < timezone.timedelta(days=2 * 366)
    assert len({(date.year, date.month) for date in published}) >= 10


def test_tags_have_chinese_and_english_labels(loaded):
    for tag in Tag.objects.all():
        assert tag.label_zh_hans and tag.label_en
        assert tag.slug.isascii()
    assert any(re.search(r"[\u4e00-\u9fff]", tag.label_zh_hans) for tag in Tag.objects.all())
    assert all(article.tags.all() for article in loaded)


def test_banners_are_real_distinct_images_with_alt_text_per_language(loaded):
    colours = set()
    for article in loaded:
        with Image.open(article.banner.path) as banner:
            assert banner.size == (1200, 600)
            colours.add(banner.convert("RGB").resize((1, 1)).getpixel((0, 0)))
        for language in article.languages:
            assert getattr(article, f"banner_alt_{language.replace('-', '_')}")
    assert len(colours) == loaded.count()


def test_bodies_use_the_markdown_features(loaded):
    html = "".join((a.body_html_en or "") + (a.body_html_zh_hans or "") for a in loaded)
    assert "<table>" in html
    assert 'class="highlight"' in html
    assert '<span class="nb">' in html  # Pygments highlighted a shell builtin
    sources = "".join((a.body_en or "") + (a.body_zh_hans or "") for a in loaded)
    for language in ("bash", "python", "yaml"):
        assert f"```{language}\n" in sources
    assert 'class="footnote"' in html
    assert 'rel="noopener nofollow ugc"' in html
    assert sum(1 for a in loaded if a.toc_html_en or a.toc_html_zh_hans) >= 3


def test_body_images_are_uploaded_and_resolved(loaded):
    with_images = [a for a in loaded if a.images.all()]
    assert len(with_images) >= 5
    for article in with_images:
        for image in article.images.all():
            with Image.open(image.image.path) as drawn:
                assert drawn.format == "PNG"
            assert image.alt_zh_hans and image.alt_en
        for language in article.languages:
            body = getattr(article, f"body_html_{language.replace('-', '_')}")
            assert "image-missing" not in body
            for image in article.images.all():
                # Served through its rendition when it has one.
                assert html.escape(image.as_ref().url) in body, (article.slug, language, image.reference)


def test_a_first_heading_repeating_the_title_is_dropped(loaded):
    article = loaded.get(slug="lantern-os-24-09-released")
    assert "# " in article.body_zh_hans.splitlines()[0]
    assert article.title_zh_hans not in article.body_html_zh_hans
