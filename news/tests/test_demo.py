import html
import re
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from news import demo
from news.models import Article, ArticleImage, Category
from tags.models import Tag
from translations import languages

pytestmark = [pytest.mark.django_db, pytest.mark.module_media]

TAGS = yaml.safe_load((demo.DEMO_DIR / "tags.yml").read_text(encoding="utf-8"))
FILES = sorted((demo.DEMO_DIR / "content").glob("*/*/*.md"))
SLUGS = sorted({path.stem for path in FILES})


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


# Tests that start from an empty site come first: the demo loaded below stays for the rest of the module.
def test_an_existing_article_is_left_alone_and_the_missing_ones_are_created():
    edited, deleted = "lantern-os-24-09-released", "berlin-meetup-recap"
    demo.load()
    Article.objects.filter(slug=deleted).delete()
    Article.objects.filter(slug=edited).update(title_en="Edited by an editor")

    output = load_demo()

    assert "Created 1 demo articles and 0 tags" in output
    assert Article.objects.get(slug=edited).title_en == "Edited by an editor"
    assert Article.objects.filter(slug=deleted).exists()


def test_dry_run_creates_nothing():
    output = load_demo("--dry-run")

    assert f"Would create {len(SLUGS)} demo articles and {len(TAGS)} tags" in output
    assert not Article.objects.exists()
    assert not Tag.objects.exists()


def test_fails_clearly_without_the_categories():
    Category.objects.filter(slug="events").delete()

    with pytest.raises(CommandError, match="events"):
        load_demo()
    assert not Article.objects.exists()


def test_a_changed_demo_file_is_imported_again_but_an_edited_article_is_kept(tmp_path):
    copy = tmp_path / "demo"
    for name in ("tags.yml", "images.yml"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((demo.DEMO_DIR / name).read_bytes())
    for path in FILES:
        target = copy / "content" / path.relative_to(demo.DEMO_DIR / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    demo.load(directory=copy)
    source = copy / "content" / "en" / "events" / "berlin-meetup-recap.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Recap: our Berlin meetup", "Berlin recap"))

    report = demo.load(directory=copy)

    assert report.imported.counts["updated"] == 1
    assert Article.objects.get(slug="berlin-meetup-recap").title_en == "Berlin recap"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, module_media_root):
    """The demo loaded once for the module; each test's own changes roll back with its transaction."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=module_media_root):
        load_demo()
    yield Article.objects.prefetch_related("tags", "images").select_related("category")
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)  # and what migrations make is made again


def test_creates_the_articles_and_tags_and_says_so(loaded):
    assert loaded.count() == len(SLUGS) == 17
    assert Tag.objects.count() == len(TAGS) == 11
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


def test_language_mix(loaded):
    languages = [tuple(article.languages) for article in loaded]
    assert languages.count(("zh-hans", "en")) > len(languages) / 2
    assert 2 <= languages.count(("zh-hans",)) <= 3
    assert languages.count(("en",)) == 2
    for article in loaded:
        assert article.has_language(article.source_language)


def test_publish_dates_spread_over_two_years(loaded):
    published = sorted(a.publish_at for a in loaded if a.is_public)
    assert published[-1] - published[0] > timezone.timedelta(days=600)
    assert published[-1] - published[0] < timezone.timedelta(days=2 * 366)
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
            for language in article.languages:  # from the Markdown of each language
                assert getattr(image, languages.field("alt", language))
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


def test_the_demo_is_files_the_importer_reads_and_tags_keep_both_labels(loaded):
    """Every demo file is an article's source; tags typed as labels in each language are the tags of tags.yml."""
    assert len(FILES) == 29
    assert sorted(Article.objects.values_list("slug", flat=True)) == SLUGS
    for spec in TAGS:
        tag = Tag.objects.get(name=spec["name"])
        for folder, label in spec["labels"].items():
            assert getattr(tag, languages.field("label", languages.from_folder(folder))) == label
    bilingual = loaded.get(slug="reproducible-packages-with-lpkg")
    assert sorted(tag.name for tag in bilingual.tags.all()) == ["packaging", "toolchain"]
    assert bilingual.sources.count() == 2
