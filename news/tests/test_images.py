import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image

from news import images
from news.models import ArticleImage
from news.tests import factories

pytestmark = pytest.mark.django_db


def stored_size(name):
    with default_storage.open(name) as handle, Image.open(handle) as image:
        return image.format, image.size


def test_banner_gets_webp_renditions_at_several_widths_when_saved():
    article = factories.article(en="Banner", banner=factories.png_file("wide.png", (2000, 1000)))
    value = article.banner_renditions
    assert value["source"] == article.banner.name
    assert [item["width"] for item in value["items"]] == [480, 960, 1440]
    for item in value["items"]:
        assert stored_size(item["name"]) == ("WEBP", (item["width"], item["height"]))
        assert item["height"] == item["width"] // 2
    assert default_storage.exists(article.banner.name), "the original stays for download"


def test_small_images_are_never_upscaled():
    article = factories.article(en="Small", banner=factories.png_file("small.png", (300, 200)))
    assert [(item["width"], item["height"]) for item in article.banner_renditions["items"]] == [(300, 200)]


def test_renditions_are_made_once_per_image(monkeypatch):
    article = factories.article(en="Once", banner=factories.png_file("once.png", (1000, 500)))
    calls = []
    monkeypatch.setattr(images, "make_renditions", lambda *a, **k: calls.append(a) or {})
    article.title_en = "Edited"
    article.save()
    assert calls == []


def test_a_new_banner_replaces_the_old_renditions(django_capture_on_commit_callbacks):
    article = factories.article(en="Swap", banner=factories.png_file("first.png", (1000, 500)))
    old = [item["name"] for item in article.banner_renditions["items"]]
    article.banner = factories.png_file("second.png", (800, 800))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    article.refresh_from_db()
    assert article.banner_renditions["source"] == article.banner.name
    assert article.banner_renditions["items"][-1]["height"] == 800
    assert not any(default_storage.exists(name) for name in old)


def test_unreadable_image_gets_no_renditions_and_keeps_the_original():
    article = factories.article(en="Broken")
    article.banner.save("broken.png", SimpleUploadedFile("broken.png", b"not an image"), save=False)
    assert images.make_renditions(article.banner) == {}
    assert images.banner(article)["src"] == article.banner.url


def test_body_images_are_drawn_from_renditions_with_srcset_and_size():
    article = factories.article(en="Body", body_en="Text.\n\n![A diagram](media/diagram.png)")
    ArticleImage.objects.create(
        article=article, image=factories.png_file("diagram.png", (1200, 600)), reference="media/diagram.png"
    )
    article.refresh_from_db()
    img = re.search(r"<img [^>]*>", article.body_html_en).group()
    assert 'alt="A diagram"' in img
    assert 'width="1200"' in img and 'height="600"' in img
    assert 'loading="lazy"' in img
    assert re.search(r'srcset="[^"]+-480w\.webp 480w, [^"]+-960w\.webp 960w, [^"]+-1200w\.webp 1200w"', img)
    assert f'sizes="{images.BODY_SIZES}"' in img
    assert ".webp" in re.search(r'src="([^"]+)"', img).group(1)


def test_deleting_a_body_image_deletes_its_renditions(django_capture_on_commit_callbacks):
    article = factories.article(en="Delete")
    image = ArticleImage.objects.create(article=article, image=factories.png_file("gone.png", (600, 300)))
    names = [item["name"] for item in image.renditions["items"]]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_banner_tag_writes_a_responsive_img():
    article = factories.article(en="Tag", banner=factories.png_file("tag.png", (1600, 900)))
    html = Template('{% load images %}{% banner_img article "card" alt="Alt & text" css_class="x" %}').render(
        Context({"article": article})
    )
    assert 'srcset="' in html and "480w" in html and "1440w" in html
    assert f'sizes="{images.CARD_SIZES}"' in html
    assert 'width="1600" height="900"' in html
    assert 'alt="Alt &amp; text"' in html
    assert 'loading="lazy"' in html


def test_first_screen_banner_is_not_lazy(client):
    article = factories.article(en="Hero", banner=factories.png_file("hero.png", (1600, 900)))
    html = client.get(article.get_absolute_url("en")).content.decode()
    banner = re.search(r'<img [^>]*class="banner"[^>]*>', html).group()
    assert 'loading="lazy"' not in banner
    assert 'fetchpriority="high"' in banner
    assert f'href="{article.banner.url}"' not in html, "no “Original image” link under the banner"


def test_banner_tag_is_empty_without_a_banner():
    article = factories.article(en="None")
    html = Template("{% load images %}{% banner_img article %}").render(Context({"article": article}))
    assert html == ""


def test_only_the_first_card_image_loads_eagerly(client):
    for n in range(3):
        factories.article(en=f"Card {n}", banner=factories.png_file(f"c{n}.png", (800, 400)), days_ago=n + 1)
    html = client.get("/en/news/").content.decode()
    cards = re.findall(r'<img [^>]*class="card-banner"[^>]*>', html)
    assert len(cards) == 3
    assert 'fetchpriority="high"' in cards[0] and 'loading="lazy"' not in cards[0]
    assert all('loading="lazy"' in card for card in cards[1:])


def test_saving_an_article_without_banner_makes_no_rendition_work():
    article = factories.article(en="No banner")
    article.title_en = "Still no banner"
    with CaptureQueriesContext(connection) as queries:
        article.save()
    article_updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "news_article"')]
    assert len(article_updates) == 1, "only the save itself; no renditions written"


def test_exif_orientation_is_applied_and_transparency_kept():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise: a 400 by 200 picture is seen as 200 by 400
    Image.new("RGB", (400, 200), "#884422").save(buffer, format="JPEG", exif=exif)
    article = factories.article(en="Rotated", banner=SimpleUploadedFile("r.jpg", buffer.getvalue()))
    assert (article.banner_renditions["width"], article.banner_renditions["height"]) == (200, 400)

    buffer = io.BytesIO()
    Image.new("LA", (300, 300), (128, 0)).save(buffer, format="PNG")
    image = ArticleImage.objects.create(article=article, image=SimpleUploadedFile("t.png", buffer.getvalue()))
    with default_storage.open(image.renditions["items"][0]["name"]) as handle, Image.open(handle) as webp:
        assert webp.mode == "RGBA"


def test_a_width_alone_gets_the_height_of_the_aspect_ratio():
    from news.markdown import display_size

    assert display_size("400", None, natural=(1200, 600)) == (400, 200)
    assert display_size(None, "150px", natural=(1200, 600)) == (300, 150)
    assert display_size(None, None, natural=(1200, 600)) == (1200, 600)
    assert display_size("400", "100", natural=(1200, 600)) == (400, 100)  # as written
    assert display_size("50%", None, natural=(1200, 600)) == (None, None)  # left to the browser
    assert display_size("400", None, natural=(None, None)) == (400, None)  # external: size unknown


def stored_files(value: dict, name: str) -> list[str]:
    return [name, *(item["name"] for item in value["items"])]


def test_deleting_an_article_deletes_its_banner_and_images_with_their_renditions(django_capture_on_commit_callbacks):
    article = factories.article(en="Gone", banner=factories.png_file("banner.png", (1000, 500)))
    image = ArticleImage.objects.create(article=article, image=factories.png_file("body.png", (600, 300)))
    files = stored_files(article.banner_renditions, article.banner.name) + stored_files(
        image.renditions, image.image.name
    )
    assert all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert [name for name in files if default_storage.exists(name)] == []


def test_a_replaced_banner_file_is_deleted(django_capture_on_commit_callbacks):
    article = factories.article(en="Swap", banner=factories.png_file("first.png", (1000, 500)))
    article = type(article).objects.get(pk=article.pk)
    old = stored_files(article.banner_renditions, article.banner.name)
    article.banner = factories.png_file("second.png", (800, 800))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert [name for name in old if default_storage.exists(name)] == []
    assert default_storage.exists(article.banner.name)


def test_a_replaced_body_image_file_is_deleted(django_capture_on_commit_callbacks):
    article = factories.article(en="Swap")
    image = ArticleImage.objects.create(article=article, image=factories.png_file("first.png", (600, 300)))
    image = ArticleImage.objects.get(pk=image.pk)
    old = stored_files(image.renditions, image.image.name)
    image.image = factories.png_file("second.png", (500, 500))
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert [name for name in old if default_storage.exists(name)] == []
    assert default_storage.exists(image.image.name)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_or_replacement_deletes_nothing():
    from django.db import transaction

    article = factories.article(en="Kept", banner=factories.png_file("kept.png", (1000, 500)))
    image = ArticleImage.objects.create(article=article, image=factories.png_file("body.png", (600, 300)))
    files = stored_files(article.banner_renditions, article.banner.name) + stored_files(
        image.renditions, image.image.name
    )
    for change in (
        lambda: type(article).objects.get(pk=article.pk).delete(),
        lambda: ArticleImage.objects.get(pk=image.pk).delete(),
        lambda: ArticleImage.objects.get(pk=image.pk).delete(),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            change()
            raise RuntimeError("rolled back")
        assert [name for name in files if not default_storage.exists(name)] == []
    loaded = type(article).objects.get(pk=article.pk)
    loaded.banner = factories.png_file("new.png", (700, 700))
    with pytest.raises(RuntimeError), transaction.atomic():
        loaded.save()
        raise RuntimeError("rolled back")
        assert [name for name in files if not default_storage.exists(name)] == []


def test_a_file_another_article_still_uses_is_kept(django_capture_on_commit_callbacks):
    """Imports store each content once: two articles may share a file."""
    first = factories.article(en="One", banner=factories.png_file("shared.png", (600, 300)))
    second = factories.article(en="Two")
    second.banner.name = first.banner.name
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert default_storage.exists(second.banner.name)
    assert all(default_storage.exists(item["name"]) for item in second.banner_renditions["items"])


def test_a_replaced_banner_a_version_names_is_kept_for_restore_until_the_article_goes(
    django_capture_on_commit_callbacks,
):
    from news import history

    article = factories.article(en="Versions", banner=factories.png_file("v1.png", (600, 300)))
    history.record(article, comment="first")
    first = article.banner.name
    article = type(article).objects.get(pk=article.pk)
    article.banner = factories.png_file("v2.png", (600, 300))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    history.record(article, comment="second")
    replacement = article.banner.name
    assert default_storage.exists(first), "restoring the first version shows its banner again"
    with django_capture_on_commit_callbacks(execute=True):
        restored, _ = history.restore(history.versions(article).last())
    assert restored.banner.name == first and restored.banner_renditions["source"] == first
    assert default_storage.exists(replacement)
    with django_capture_on_commit_callbacks(execute=True):
        type(article).objects.get(pk=article.pk).delete()
    assert not default_storage.exists(first) and not default_storage.exists(replacement)
