"""What the importer reads from a Markdown body: its first heading and the images it uses.

Kept in one small module so that the site's shared Markdown structure can
take its place once it offers the same (block splitting, image references,
first-heading detection, target normalisation).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import urlsplit

from news import markdown

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*(<[^>\n]+>|[^)\n]+?)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_HTML_ALT = re.compile(r"\salt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)>?", re.M)


def first_heading(body: str) -> tuple[str, int]:
    """The text and line (within the body) of the first heading outside code blocks, else ``("", 0)``."""
    fenced = False
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _HEADING.match(line)
        if match:
            return match.group(1).strip(), index + 1
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and _SETEXT.match(following) and not line.lstrip().startswith(("-", "*", "|", ">")):
            return line.strip(), index + 1
    return "", 0


def image_references(body: str, *, line_offset: int) -> list[tuple[str, int, str]]:
    """``(reference, file line, alt text)`` for every image in the body outside code."""
    if "![" not in body and "]:" not in body and "<img" not in body.lower():
        return []
    found = []
    position = 0
    for index, part in enumerate(markdown._CODE_PARTS.split(body)):
        if index % 2 == 0:
            for match in _MD_IMAGE.finditer(part):
                found.append((match.group(2).strip("<>"), position + match.start(), match.group(1).strip()))
            for match in _HTML_IMAGE.finditer(part):
                reference = next(group for group in match.groups() if group is not None)
                tag_end = part.find(">", match.end())
                alt = _HTML_ALT.search(part[match.start() : tag_end if tag_end >= 0 else len(part)])
                alt_text = next((group for group in alt.groups() if group is not None), "") if alt else ""
                found.append((reference, position + match.start(), alt_text.strip()))
            for match in _REFERENCE_DEFINITION.finditer(part):
                if posixpath.splitext(urlsplit(match.group(1)).path)[1].lower() in IMAGE_SUFFIXES:
                    found.append((match.group(1), position + match.start(), ""))
        position += len(part)
    found.sort(key=lambda item: item[1])
    return [(reference, line_offset + body.count("\n", 0, offset) + 1, alt) for reference, offset, alt in found]


def normalize_target(reference: str) -> str:
    """An image reference as articles store and match it (no query, no ``./``)."""
    return markdown.normalize_reference(urlsplit(reference).path)


def framework_tags(body: str) -> list[str]:
    """Site-generator components (``<ClientOnly>``) the renderer drops."""
    return markdown.framework_tags(body)


def comparable(text: str) -> str:
    """Text as duplicates are compared: NFKC (full-width punctuation as half-width), no whitespace, no case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
