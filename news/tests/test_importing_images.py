"""Importing Markdown: images beside the files and in static roots, raw HTML and framework components."""

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from news.models import ArticleImage
from news.tests.test_importing import only_article, png, post, run, write

pytestmark = pytest.mark.django_db

# Images -----------------------------------------------------------------------


def test_body_images_resolve_beside_the_file_and_in_the_static_root(tmp_path):
    site, public = tmp_path / "docs", tmp_path / "public"
    write(
        site,
        "zh/news/a/index.md",
        post(body="![一](./media/image1.png)\n\n![二](images/x.png)\n\n![三](bare.png)\n\n![四](/img/news/y.png)\n"),
    )
    write(site, "zh/news/a/media/image1.png", png("#ff0000"))
    write(site, "zh/news/a/images/x.png", png("#00ff00"))
    write(site, "zh/news/a/bare.png", png("#0000ff"))
    write(public, "img/news/y.png", png("#ffff00"))
    report = run(site, static_roots=[public])
    article = only_article()
    assert report.warnings == []
    assert set(article.images.values_list("reference", flat=True)) == {
        "media/image1.png",
        "images/x.png",
        "bare.png",
        "img/news/y.png",
    }
    html = article.body_html_zh_hans
    assert html.count('src="/media/') == 4  # served from storage (renditions of the imported files)
    assert "image-missing" not in html


def test_image_names_with_spaces_chinese_and_titles(tmp_path):
    body = '![一](./my photo.png)\n\n![二](<./图 二.png> "Title")\n\n![三](./三.png "Title")\n'
    write(tmp_path, "zh/news/a.md", post(body=body))
    for name, color in (("my photo.png", "#111111"), ("图 二.png", "#222222"), ("三.png", "#333333")):
        write(tmp_path, f"zh/news/{name}", png(color))
    report = run(tmp_path)
    assert report.warnings == []
    assert only_article().body_html_zh_hans.count('src="/media/') == 3


def test_banner_resolves_against_the_static_root(tmp_path):
    site, public = tmp_path / "docs", tmp_path / "public"
    write(site, "zh/news/a.md", post(banner='"img/banners/a.png?t=20191219"'))
    write(public, "img/banners/a.png", png())
    run(site, static_roots=[public])
    article = only_article()
    assert article.banner.name.startswith("imported/")
    assert article.banner.width == 30


def test_the_same_image_content_is_stored_once(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", body="![a](./one.png)\n\n![b](./two.png)\n"))
    write(tmp_path, "en/news/b.md", post(title="B", body="![c](./one.png)\n"))
    write(tmp_path, "en/news/one.png", png())
    write(tmp_path, "en/news/two.png", png())  # same bytes, other name
    run(tmp_path)
    names = set(ArticleImage.objects.values_list("image", flat=True))
    assert ArticleImage.objects.count() == 3
    assert len(names) == 1
    assert default_storage.exists(names.pop())


def test_one_name_for_different_pictures_in_each_language_gives_each_language_its_own(tmp_path):
    """Screenshots of a Chinese and of an English interface often share a file name."""
    write(tmp_path, "zh/news/a/index.md", post(title="甲", body="![设置](./shot.png)\n\n![标志](./logo.png)\n"))
    write(tmp_path, "en/news/a/index.md", post(title="A", body="![Settings](./shot.png)\n\n![Logo](./logo.png)\n"))
    write(tmp_path, "zh/news/a/shot.png", png("#aa0000"))
    write(tmp_path, "en/news/a/shot.png", png("#0000aa"))
    write(tmp_path, "zh/news/a/logo.png", png("#00aa00"))
    write(tmp_path, "en/news/a/logo.png", png("#00aa00"))  # same picture: shared
    report = run(tmp_path)
    assert report.warnings == [] and not report.has_rejections
    article = only_article()
    images = {(image.reference, image.language): image for image in article.images.all()}
    assert set(images) == {("shot.png", "zh-hans"), ("shot.png", "en"), ("logo.png", "")}
    assert Image.open(images["shot.png", "zh-hans"].image).getpixel((0, 0)) == (0xAA, 0, 0)
    assert Image.open(images["shot.png", "en"].image).getpixel((0, 0)) == (0, 0, 0xAA)
    assert images["shot.png", "en"].as_ref().url in article.body_html_en
    assert images["shot.png", "zh-hans"].as_ref().url in article.body_html_zh_hans
    assert images["shot.png", "zh-hans"].as_ref().url not in article.body_html_en
    assert run(tmp_path).counts["unchanged"] == 1


def test_a_missing_image_is_a_warning_with_file_and_line_and_a_visible_placeholder(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A", body="Text.\n\n![Team photo](./media/gone.png)\n"))
    report = run(tmp_path)
    article = only_article()
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:8: image not found, the page shows a placeholder with its alt text: ./media/gone.png"
    ]
    assert '<span class="image-missing" role="img" aria-label="Team photo">Team photo</span>' in article.body_html_en


def test_a_missing_banner_is_a_warning_and_kept_for_export(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A", banner="img/banners/gone.png"))
    report = run(tmp_path)
    assert f"{path}:4: banner not found" in str(report.warnings[0])
    article = only_article()
    assert not article.banner
    assert article.metadata["banner"] == "img/banners/gone.png"


def test_a_changed_image_updates_the_article(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", body="![a](./one.png)\n"))
    image = write(tmp_path, "en/news/one.png", png("#111111"))
    run(tmp_path)
    before = only_article().images.get().image.name
    image.write_bytes(png("#eeeeee"))
    report = run(tmp_path)
    assert report.counts["updated"] == 1
    after = only_article().images.get()
    assert after.image.name != before
    assert f'src="{after.as_ref().url}"' in only_article().body_html_en


# Raw HTML and framework components -----------------------------------------------


def test_raw_html_is_kept_where_safe_and_framework_components_are_dropped_with_a_note(tmp_path):
    body = (
        "<ClientOnly>\n  <news-newsHeader/>\n</ClientOnly>\n\n"
        '<div style="color:red">Boxed **text**</div>\n\n'
        '<img src="./pic.png" width="300">\n\n'
        "<center><font color=white>Centred</font></center>\n\n"
        "<script>alert(1)</script>\n"
    )
    path = write(tmp_path, "en/news/a.md", post(title="A", body=body))
    write(tmp_path, "en/news/pic.png", png())
    report = run(tmp_path)
    html = only_article().body_html_en
    assert "newsHeader" not in html and "ClientOnly" not in html
    assert "<strong>text</strong>" in html
    assert 'width="300"' in html
    assert "Centred" in html and "<font" not in html
    assert "alert" not in html and "<script" not in html
    dropped = "<ClientOnly>, <news-newsHeader/>, </ClientOnly>"
    assert [str(note) for note in report.notes] == [
        f"{path}:6: framework components dropped, not shown on the page: {dropped}"
    ]
