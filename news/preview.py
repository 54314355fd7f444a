"""The editor's live preview: a body rendered exactly as the public page renders it."""

from __future__ import annotations

from dataclasses import dataclass

from news import image_usage, markdown
from news.models import Article


@dataclass(frozen=True)
class Preview:
    html: str
    toc_html: str
    missing: list[str]  # image references no uploaded image answers


def render(*, text: str, language: str, title: str = "", article: Article | None = None) -> Preview:
    """``text`` rendered with ``article``'s images for ``language`` (none for an unsaved article)."""
    images = article.image_map(language) if article is not None else {}
    rendered = markdown.render(text, images=images, title=title)
    return Preview(html=rendered.html, toc_html=rendered.toc_html, missing=image_usage.missing(text, images))
