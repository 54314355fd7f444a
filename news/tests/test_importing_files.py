"""Every image an import stores passes the admin's gate: size and pixels from the header, before decoding."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageFile

from news.models import Article
from news.tests.test_admin_import import IMPORT_URL, staff, upload, zip_bytes
from news.tests.test_importing import png, post, run, write

pytestmark = pytest.mark.django_db
HUGE = (13_000, 13_000)


@pytest.fixture
def editor(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    client.force_login(staff("Editors"))
    return client


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """169 million pixels in a few kilobytes: a 1-bit PNG of one colour."""
    buffer = io.BytesIO()
    Image.new("1", HUGE).save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < 100_000
    return buffer.getvalue()


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The sizes of the images Pillow decodes while the test runs."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording)
    return sizes


def test_a_huge_body_image_and_banner_are_refused_from_the_header_with_their_line(tmp_path, huge_png, decoded):
    write(tmp_path, "en/news/a/index.md", post(title="A", banner="huge.png", body="Text.\n\n![Big](huge.png)\n"))
    write(tmp_path, "en/news/a/huge.png", huge_png)
    report = run(tmp_path)
    where = str(tmp_path / "en/news/a/index.md")
    assert sorted(str(warning) for warning in report.warnings) == [
        f"{where}:4: “huge.png” has far too many pixels; images may have at most 40 million pixels;"
        " the article shows no banner: huge.png",
        f"{where}:9: “huge.png” has far too many pixels; images may have at most 40 million pixels;"
        " the page shows a placeholder with its alt text: huge.png",
    ]
    article = Article.objects.get()
    assert not article.banner and article.images.count() == 0
    assert HUGE not in decoded
    assert not default_storage.exists("imported")


def test_an_image_over_the_byte_limit_is_refused(tmp_path, settings):
    settings.IMAGE_MAX_BYTES = 100
    write(tmp_path, "en/news/a.md", post(title="A", body="![Pic](pic.png)\n"))
    write(tmp_path, "en/news/pic.png", png(size=(200, 200)))
    report = run(tmp_path)
    assert len(report.warnings) == 1 and report.warnings[0].line == 6
    assert "“pic.png” is" in report.warnings[0].message and "images may be at most 100" in report.warnings[0].message
    assert Article.objects.get().images.count() == 0


def test_imported_images_are_stored_as_clean_copies_without_metadata(tmp_path):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    Image.new("RGB", (40, 20), "#336699").save(buffer, format="JPEG", exif=exif)
    write(tmp_path, "en/news/a.md", post(title="A", body="![Pic](pic.jpg)\n"))
    write(tmp_path, "en/news/pic.jpg", buffer.getvalue())
    assert run(tmp_path).warnings == []
    image = Article.objects.get().images.get()
    with default_storage.open(image.image.name) as handle, Image.open(handle) as stored:
        assert stored.size == (40, 20) and not stored.getexif()


def test_a_huge_image_in_an_uploaded_zip_is_refused_in_the_preview(
    editor,
    huge_png,
    decoded,
):
    data = zip_bytes(
        {
            "site/en/news/a/index.md": post(title="A", body="![Big](huge.png)\n").encode(),
            "site/en/news/a/huge.png": huge_png,
        }
    )
    response = upload(editor, "site.zip", data)
    warnings = [str(warning) for warning in response.context["report"].warnings]
    assert len(warnings) == 1 and warnings[0].startswith(
        "site/en/news/a/index.md:6: “huge.png” has far too many pixels"
    )
    editor.post(reverse(IMPORT_URL), {"confirm": editor.session["news_import_upload"]["token"]})
    assert Article.objects.get().images.count() == 0
    assert HUGE not in decoded
