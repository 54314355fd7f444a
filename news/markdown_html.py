"""The rendered HTML's images and links: stored images resolved and sized, external links marked.

Also its plain text: the comparisons the importer makes against rendered bodies, and the text by blocks
that search snippets are cut from.
"""

import html
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from news.blocks import normalize_target

EXTERNAL_LINK_REL = "noopener nofollow ugc"


@dataclass(frozen=True)
class ImageRef:
    """An image the body may point at: where it is served, and its size."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    srcset: str = ""
    sizes: str = ""


def normalize_reference(reference: str) -> str:
    """``./media/a.png``, ``media/a.png`` and ``/media/a.png`` all become ``media/a.png`` (an uploaded image's key)."""
    return normalize_target(reference).lstrip("/")


def resolve_image(src: str, images: dict[str, ImageRef]) -> ImageRef | None:
    """The stored image a body reference means, or None.

    External http(s) images are kept as they are; any other reference must
    match an uploaded image by its path, else by its file name.
    """
    parts = urlsplit(src)
    if parts.scheme in ("http", "https"):
        return ImageRef(url=src)
    if parts.scheme:
        return None
    key = normalize_reference(parts.path)
    if not key:
        return None
    if key in images:
        return images[key]
    basename = posixpath.basename(key)
    matches = [ref for name, ref in images.items() if posixpath.basename(name) == basename]
    return matches[0] if len(matches) == 1 else None


def same_text(first: str, second: str) -> bool:
    """Whether two texts say the same, ignoring whitespace, case and half/full-width forms (NFKC)."""
    return _comparable(first) == _comparable(second)


def _comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


_TAG = re.compile(r"<[^>]+>")


def markup_text(fragment: str) -> str:
    """The text of a fragment of stored (sanitised) HTML: no comment or ">" in its tags, so a pattern strips them."""
    return html.unescape(_TAG.sub("", fragment))


def first_paragraph_text(body_html: str) -> str:
    """The text of the first paragraph of rendered HTML, "" when there is none."""
    match = _FIRST_PARAGRAPH.search(body_html)
    return markup_text(match.group(1)) if match else ""


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)

# Where one block of text ends and the next begins: a heading must not run into its paragraph.
_BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|pre|blockquote|tr|dt|dd|figcaption|div)\s*>|<br\s*/?>|<hr\s*/?>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
BLOCK_SEPARATOR = " … "


def text_blocks(body_html: str) -> list[str]:
    """The plain text of each block (heading, paragraph, list item, table row, …) of a body."""
    parts = _BLOCK_END.split(body_html or "")
    return [block for part in parts if (block := " ".join(markup_text(_CELL_END.sub(" ", part)).split()))]


def block_text(*fragments: str) -> str:
    """Plain text of HTML fragments, with blocks kept apart by " … " (an article's stored ``body_text``)."""
    return BLOCK_SEPARATOR.join(block for fragment in fragments for block in text_blocks(fragment))


def display_size(
    width: str | int | None, height: str | int | None, *, natural: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    """The ``width`` and ``height`` an ``<img>`` gets, so the browser reserves its box before it loads.

    As written when both are given; a width alone (``<img width="400">``) gets
    the height of the image's aspect ratio, and a height alone the width;
    neither: the image's own size. A value that is not a whole number of
    pixels (``50%``) is left to the browser, with no partner computed from it.
    """
    natural_width, natural_height = natural

    def pixels(value) -> int | None:
        text = str(value or "").strip().removesuffix("px")
        return int(text) if text.isdigit() and int(text) > 0 else None

    given_width, given_height = pixels(width), pixels(height)
    if not natural_width or not natural_height:
        return given_width, given_height
    if given_width and not given_height and not height:
        return given_width, round(given_width * natural_height / natural_width)
    if given_height and not given_width and not width:
        return round(given_height * natural_width / natural_height), given_height
    if not width and not height:
        return natural_width, natural_height
    return given_width, given_height


_TAG_ATTRIBUTES = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_A_TAG = re.compile(r"<a\b([^>]*)>")


def _attributes(source: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _TAG_ATTRIBUTES.findall(source)}


def _format_attributes(attrs: dict[str, str | int | None]) -> str:
    return "".join(
        f' {name}="{html.escape(str(value), quote=True)}"' for name, value in attrs.items() if value not in (None, "")
    )


def resolve_images(clean_html: str, images: dict[str, ImageRef]) -> str:
    def replace(match):
        attrs = _attributes(match.group(1))
        alt = attrs.get("alt", "")
        ref = resolve_image(attrs.get("src", ""), images)
        if ref is None:
            label = alt or posixpath.basename(attrs.get("src", "")) or "image"
            return (
                f'<span class="image-missing" role="img" aria-label="{html.escape(label)}">{html.escape(label)}</span>'
            )
        width, height = display_size(attrs.get("width"), attrs.get("height"), natural=(ref.width, ref.height))
        # A size that is no pixel count (50%) is the browser's to work out.
        width, height = width or attrs.get("width"), height or attrs.get("height")
        external = urlsplit(ref.url).scheme in ("http", "https")
        new = {
            "src": ref.url,
            "width": width,
            "height": height,
            # An image on another site learns nothing of the page that shows it.
            "referrerpolicy": "no-referrer" if external else None,
            "srcset": ref.srcset,
            "sizes": ref.sizes if ref.srcset else None,
            "title": attrs.get("title"),
            "class": attrs.get("class"),
            "loading": "lazy",
            "decoding": "async",
        }
        return f'<img alt="{html.escape(alt or ref.alt)}"{_format_attributes(new)}>'

    return _IMG_TAG.sub(replace, clean_html)


def mark_external_links(clean_html: str) -> str:
    def replace(match):
        attrs = _attributes(match.group(1))
        href = attrs.get("href", "")
        if urlsplit(href).scheme in ("http", "https") or href.startswith("//"):
            attrs["rel"] = EXTERNAL_LINK_REL
        return "<a" + _format_attributes(attrs) + ">"

    return _A_TAG.sub(replace, clean_html)
