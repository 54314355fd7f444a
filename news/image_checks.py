"""One gate for every uploaded image: the admin's forms, drag and drop in the editor, the importer.

An image is accepted by what its bytes are (Pillow reads and verifies them),
never by its name: JPEG, PNG, GIF and WebP only; SVG, HTML and anything
else are refused. Size and pixel count are checked from the header before
any decoding, so a decompression bomb is refused without being unpacked.
What is stored is re-encoded from the pixels, turned upright as its EXIF
orientation says, with location and every other metadata left behind.
"""

from __future__ import annotations

import io
import posixpath
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Pillow's format name → (extension, MIME type).
ACCEPTED = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}


def max_bytes() -> int:
    return getattr(settings, "IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _refuse(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _read(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def check_upload(file):
    """The upload as a clean image file to store, or ValidationError saying what is wrong with it.

    ``file`` is any file object with a ``name`` (an ``UploadedFile``, a ``File``); the result is a
    new ``SimpleUploadedFile`` named like the original with the extension its content calls for.
    """
    name = posixpath.basename(getattr(file, "name", "") or "image") or "image"
    size = getattr(file, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _refuse(
            _("“%(name)s” is %(size)s; images may be at most %(limit)s."),
            "too_large",
            name=name,
            size=filesizeformat(size),
            limit=filesizeformat(limit),
        )
    data = _read(file)
    if len(data) > limit:
        raise _refuse(
            _("“%(name)s” is %(size)s; images may be at most %(limit)s."),
            "too_large",
            name=name,
            size=filesizeformat(len(data)),
            limit=filesizeformat(limit),
        )
    with warnings.catch_warnings():
        # Pillow's own bomb guard fires from the header too, far beyond our limit: the same refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Reads the header only: format and dimensions, no pixels yet.
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _pixels_error(name) from None
        except (UnidentifiedImageError, OSError):
            kind, width, height = None, 0, 0
    if kind not in ACCEPTED:
        raise _refuse(
            _("“%(name)s” is not a JPEG, PNG, GIF or WebP image (SVG, HTML and other files are not accepted)."),
            "not_an_image",
            name=name,
        )
    if width * height > max_pixels():
        raise _pixels_error(name, width=width, height=height)
    try:
        with Image.open(io.BytesIO(data)) as checked:
            checked.verify()
        return _clean_copy(data, name=name, kind=kind)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _refuse(
            _("“%(name)s” is damaged or incomplete and cannot be read as an image."), "broken_image", name=name
        ) from error


def _pixels_error(name: str, *, width: int = 0, height: int = 0) -> ValidationError:
    megapixels = max_pixels() / 1_000_000
    if width and height:
        return _refuse(
            _("“%(name)s” is %(width)d by %(height)d pixels; images may have at most %(limit)g million pixels."),
            "too_many_pixels",
            name=name,
            width=width,
            height=height,
            limit=megapixels,
        )
    return _refuse(
        _("“%(name)s” has far too many pixels; images may have at most %(limit)g million pixels."),
        "too_many_pixels",
        name=name,
        limit=megapixels,
    )


def _pixels_only(image: Image.Image) -> Image.Image:
    image.load()
    # Savers fall back on what was read (comments, EXIF, text chunks): forget all of it.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    return image


def _clean_copy(data: bytes, *, name: str, kind: str) -> SimpleUploadedFile:
    """Pixels only, upright, in the same format: no EXIF (location, camera), no comments or text chunks."""
    extension, content_type = ACCEPTED[kind]
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        if getattr(image, "n_frames", 1) > 1 and kind in ("GIF", "WEBP"):
            frames = [_pixels_only(frame.copy()) for frame in ImageSequence.Iterator(image)]
            timing = {"loop": image.info.get("loop", 0), "duration": image.info.get("duration", 100)}
            frames[0].save(buffer, format=kind, save_all=True, append_images=frames[1:], **timing)
        else:
            upright = _pixels_only(ImageOps.exif_transpose(image))
            options = {"quality": 90, "optimize": True} if kind == "JPEG" else {}
            if kind == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            if kind == "PNG" and "transparency" in image.info and upright.mode == "P":
                options["transparency"] = image.info["transparency"]
            if kind == "GIF" and "transparency" in image.info:
                options["transparency"] = image.info["transparency"]
            upright.save(buffer, format=kind, **options)
    stem = posixpath.splitext(name)[0] or "image"
    return SimpleUploadedFile(f"{stem}.{extension}", buffer.getvalue(), content_type=content_type)
