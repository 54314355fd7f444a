"""What the consumers ask of a body's structure: where code is, the first heading, images, targets."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from news.blocks.structure import CODE, HEADING, parse, split_lines


def code_lines(body: str) -> set[int]:
    """The lines (from 0) that are code blocks or raw HTML, where inline Markdown means nothing."""
    return {line for block in parse(body) if block.kind == CODE for line in range(block.start, block.end)}


_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


def split_code(body: str) -> list[str]:
    """``body`` cut into text and code, alternating: even items are text, odd ones code blocks or code spans.

    Joined, the items give ``body`` back exactly.
    """
    code = code_lines(body)
    lines = body.split("\n")
    runs: list[tuple[bool, str]] = []
    for number, line in enumerate(lines):
        chunk = line + ("\n" if number < len(lines) - 1 else "")
        is_code = number in code
        if runs and runs[-1][0] == is_code:
            runs[-1] = (is_code, runs[-1][1] + chunk)
        else:
            runs.append((is_code, chunk))
    parts = [""]
    for is_code, chunk in runs:
        if is_code:
            parts += [chunk, ""]
            continue
        position = 0
        for match in _CODE_SPAN.finditer(chunk):
            parts[-1] += chunk[position : match.start()]
            parts += [match.group(0), ""]
            position = match.end()
        parts[-1] += chunk[position:]
    return parts


def outside_code(body: str) -> list[tuple[int, str]]:
    """``(offset, text)`` pieces of the body that are neither code blocks nor inline code spans."""
    result, offset = [], 0
    for index, part in enumerate(split_code(body)):
        if index % 2 == 0 and part:
            result.append((offset, part))
        offset += len(part)
    return result


def first_heading(body: str) -> tuple[str, int]:
    """The text and line (from 1, within the body) of the first heading outside code, else ``("", 0)``."""
    lines = split_lines(body)
    for block in parse(body):
        if block.kind == HEADING and block.spans and not block.quote and not block.depth:
            text = " ".join(lines[span.line][span.begin : span.end].strip() for span in block.spans)
            return text.strip(), block.start + 1
    return "", 0


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*(<[^>\n]+>|[^)\n]+?)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_REFERENCE_TARGET = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:\s*(<[^>\n]+>|\S+)", re.M)


_HTML_ALT = re.compile(r"\salt\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)


def image_uses(body: str, *, line_offset: int = 0) -> list[tuple[str, int, str]]:
    """``(reference, line, alt text)`` for every image the body shows outside code, in order.

    Markdown images, ``<img src>`` and reference definitions of image files;
    lines count from 1 and are shifted by ``line_offset`` (where the body
    starts in its file). References are as written, without ``<>``.
    """
    if "![" not in body and "]:" not in body and "<img" not in body.lower():
        return []
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    found = []
    for start, part in outside_code(body):
        for match in _MD_IMAGE.finditer(part):
            found.append((match.group(2).strip().strip("<>"), start + match.start(), match.group(1).strip()))
        for match in _HTML_IMAGE.finditer(part):
            reference = next(group for group in match.groups() if group is not None)
            tag_end = part.find(">", match.end())
            alt = _HTML_ALT.search(part[match.start() : tag_end if tag_end >= 0 else len(part)])
            alt_text = next((group for group in alt.groups() if group is not None), "") if alt else ""
            found.append((reference, start + match.start(), alt_text.strip()))
        for match in _REFERENCE_TARGET.finditer(part):
            target = match.group(1).strip("<>")
            if posixpath.splitext(urlsplit(target).path)[1].lower() in IMAGE_SUFFIXES:
                found.append((target, start + match.start(), ""))
    found.sort(key=lambda item: item[1])
    return [(reference, line_offset + body.count("\n", 0, offset) + 1, alt) for reference, offset, alt in found]


def image_references(body: str, *, line_offset: int = 0) -> list[tuple[str, int]]:
    """``(reference, line)`` for every image the body shows outside code, in order (see ``image_uses``)."""
    return [(reference, line) for reference, line, _alt in image_uses(body, line_offset=line_offset)]


_TITLE = re.compile(r"""\s+(?:"[^"]*"|'[^']*'|\([^()]*\))\s*$""")


def normalize_target(target: str) -> str:
    """One form for every spelling of an image or link target.

    ``./media/a.png``, ``media/a.png``, ``media/a.png "title"``, ``<media/a.png>``
    and ``media/a%2Epng`` are all ``media/a.png``; URLs with a scheme keep their
    path as written. Compare targets with it; keep the written form in text.
    """
    value = target.strip()
    value = value[1 : value.index(">")] if value.startswith("<") and ">" in value else _TITLE.sub("", value)
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme or value.startswith(("//", "#")):
        return value
    path = unquote(parts.path).replace("\\", "/")
    if path:
        absolute = path.startswith("/")
        path = posixpath.normpath(path)
        path = "/" + path.lstrip("/") if absolute else path
        while path.startswith("./"):
            path = path[2:]
        path = "" if path == "." else path
    rest = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return path + rest
