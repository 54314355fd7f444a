"""What the importer reads from a Markdown body, asked of the site's one Markdown structure (news.blocks)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from news import blocks, markdown

IMAGE_SUFFIXES = blocks.IMAGE_SUFFIXES


def first_heading(body: str) -> tuple[str, int]:
    """The text and line (within the body) of the first heading outside code blocks, else ``("", 0)``."""
    return blocks.first_heading(body)


def image_references(body: str, *, line_offset: int) -> list[tuple[str, int, str]]:
    """``(reference, file line, alt text)`` for every image in the body outside code."""
    return blocks.image_uses(body, line_offset=line_offset)


def normalize_target(reference: str) -> str:
    """An image reference as articles store and match it (no query, no ``./``)."""
    return markdown.normalize_reference(urlsplit(reference).path)


def framework_tags(body: str) -> list[str]:
    """Site-generator components (``<ClientOnly>``) the renderer drops."""
    return markdown.framework_tags(body)


def comparable(text: str) -> str:
    """Text as duplicates are compared: NFKC (full-width punctuation as half-width), no whitespace, no case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
