"""Rendering the Markdown of new articles in worker processes while the main process writes."""

from __future__ import annotations

import multiprocessing
from contextlib import contextmanager

from django.db import connections

from news.models import Article
from translations import languages

# Below this many new articles, rendering in worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
RenderTexts = tuple[tuple[str, str, str], ...]  # (language, title, body)
_render_article: Article | None = None


def render_texts(texts: RenderTexts | None) -> dict[str, str] | None:
    """The stored HTML fields of a new article with these texts, through ``Article.render``."""
    if texts is None:
        return None
    global _render_article  # in a worker process, which renders one text at a time
    if _render_article is None:
        _render_article = Article()  # building a translated model costs as much as a short render
    article = _render_article
    given = {language: (title, body) for language, title, body in texts}
    for code in languages.codes():
        title, body = given.get(code, ("", ""))
        setattr(article, languages.field("title", code), title)
        setattr(article, languages.field("body", code), body)
    article.render(images={})
    return {
        languages.field(name, code): getattr(article, languages.field(name, code))
        for name in Article.RENDERED_FIELDS
        for code in languages.codes()
    }


@contextmanager
def rendering(texts: list[RenderTexts | None], *, processes: int):
    """Render the texts of new articles in worker processes while the caller writes.

    Rendering Markdown is most of an import's time; with ``processes`` > 1 and
    enough texts it is spread over the machine's cores (not inside a caller's
    transaction: the workers are forked, so the connection is closed first).
    Yields the results in order (``None`` where nothing was rendered in advance).
    """
    work = sum(item is not None for item in texts)
    in_transaction = any(connection.in_atomic_block for connection in connections.all(initialized_only=True))
    if processes <= 1 or work < PARALLEL_THRESHOLD or in_transaction:
        yield (None for _item in texts)  # Article.save() renders
        return
    connections.close_all()  # the forked workers must not share the database connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield pool.imap(render_texts, texts, chunksize=32)
