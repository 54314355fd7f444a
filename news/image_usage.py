"""Which images a Markdown body refers to, which of them no uploaded image answers, which images go unused.

Used by the editor's preview, the change form's warnings, the publishing check
and the dashboard, so they all agree with what the renderer resolves
(``news.markdown.resolve_image``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from news import markdown
from translations import languages

_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
_INLINE_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]+)")
_REFERENCE_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\](?:\[([^\]]*)\])?")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def references(text: str) -> list[str]:
    """The image sources a body uses, in order, code blocks and spans left out."""
    text = _INLINE_CODE.sub("", _FENCED.sub("", text or ""))
    definitions = {label.strip().casefold(): target for label, target in _DEFINITION.findall(text)}
    found = _INLINE_IMAGE.findall(text) + _HTML_IMAGE.findall(text)
    for match in _REFERENCE_IMAGE.finditer(text):
        if text[match.end() : match.end() + 1] == "(":
            continue  # an inline image, found above
        label = (match.group(2) or match.group(1)).strip().casefold()
        if label in definitions:
            found.append(definitions[label])
    return list(dict.fromkeys(found))


def is_local(src: str) -> bool:
    return not urlsplit(src).scheme and bool(markdown.normalize_reference(urlsplit(src).path))


def missing(text: str, images: dict[str, markdown.ImageRef]) -> list[str]:
    """Local references in ``text`` that none of ``images`` answers (they would show as placeholders)."""
    return [
        markdown.normalize_reference(src)
        for src in references(text)
        if is_local(src) and markdown.resolve_image(src, images) is None
    ]


def unused(texts: Iterable[str], images: dict[str, markdown.ImageRef]) -> list[str]:
    """Reference names of ``images`` that none of ``texts`` uses."""
    used = set()
    for text in texts:
        for src in references(text):
            ref = markdown.resolve_image(src, images) if is_local(src) else None
            if ref is not None:
                used.add(id(ref))
    return sorted(name for name, ref in images.items() if id(ref) not in used)


def _placeholders(images, language: str) -> dict[str, markdown.ImageRef]:
    from news.models import images_shown  # models import this module's neighbours, not the reverse

    return {name: markdown.ImageRef(url=name) for name in images_shown(images, language)}


def missing_in_article(article, images=None) -> dict[str, list[str]]:
    """Per language: the references its body uses that none of the article's images (or ``images``) answers."""
    images = list(article.images.all()) if images is None else images
    found = {}
    for code in languages.codes():
        body = getattr(article, languages.field("body", code), "") or ""
        refs = missing(body, _placeholders(images, code))
        if refs:
            found[code] = refs
    return found


def unused_in_article(article, images=None) -> list[str]:
    """Reference names of the article's images (or ``images``) that no language's body uses."""
    images = list(article.images.all()) if images is None else images
    used = set()
    for code in languages.codes():
        refs = _placeholders(images, code)
        body = getattr(article, languages.field("body", code), "") or ""
        used |= set(refs) - set(unused([body], refs))
    return sorted({markdown.normalize_reference(image.reference) for image in images} - used)
