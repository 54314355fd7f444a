import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.image_checks import check_upload


def upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; no pixel data follows (what a bomb's header looks like)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "GIF", "WEBP"])
def test_the_four_formats_are_accepted_by_content_whatever_their_name(kind):
    data = encoded(Image.new("RGB", (30, 20), "#36c"), kind)
    cleaned = check_upload(upload(data, name="misnamed.txt"))
    with Image.open(cleaned) as image:
        assert image.format == kind and image.size == (30, 20)
    assert cleaned.name.startswith("misnamed.")


def test_svg_is_refused_even_named_png():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as error:
        check_upload(upload(svg, name="logo.png"))
    assert error.value.code == "not_an_image"
    assert "logo.png" in str(error.value.messages[0]) and "SVG" in error.value.messages[0]


def test_html_is_refused():
    with pytest.raises(ValidationError, match="not a JPEG, PNG, GIF or WebP"):
        check_upload(upload(b"<!doctype html><script>alert(1)</script>", name="page.jpg"))


def test_an_html_polyglot_keeps_only_its_pixels():
    gif = encoded(Image.new("P", (8, 8)), "GIF", comment=b"<script>alert(1)</script>")
    polyglot = gif + b"<html><script>alert(2)</script></html>"
    cleaned = check_upload(upload(polyglot, name="poly.gif")).read()
    assert b"<script>" not in cleaned and b"<html>" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "GIF" and image.size == (8, 8)


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ValidationError) as error:
        check_upload(upload(png_header_only(100_000, 100_000), name="bomb.png"))
    assert error.value.code == "too_many_pixels"


def test_images_over_the_pixel_limit_are_refused_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as error:
        check_upload(upload(png_header_only(2000, 1000), name="wide.png"))
    assert error.value.code == "too_many_pixels"
    assert "2000 by 1000" in error.value.messages[0]


def test_files_over_the_size_limit_are_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = encoded(Image.effect_noise((100, 100), 64).convert("RGB"), "PNG")
    with pytest.raises(ValidationError) as error:
        check_upload(upload(data, name="big.png"))
    assert error.value.code == "too_large"


def test_a_truncated_image_is_refused_as_damaged():
    data = encoded(Image.new("RGB", (200, 200), "red"), "PNG")
    with pytest.raises(ValidationError) as error:
        check_upload(upload(data[:-60], name="cut.png"))
    assert error.value.code == "broken_image"


def test_exif_orientation_is_applied_and_location_stripped():
    image = Image.new("RGB", (40, 20), "#c63")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to view
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}  # GPS
    data = encoded(image, "JPEG", exif=exif)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)
    cleaned = check_upload(upload(data, name="photo.jpg")).read()
    with Image.open(io.BytesIO(cleaned)) as stored:
        assert stored.size == (20, 40)
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert b"Camera maker" not in cleaned
