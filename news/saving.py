"""What runs after an article is saved, for apps that news must not import.

``after_article_save`` holds callables ``(article, created, languages_written)``;
the translations app registers its recorder here when it starts. Article's
save path, and the save or deletion of one of its images, calls them once,
in order, in the same transaction. ``languages_written`` names the
languages whose text that save changed (all of them for a new article).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from news.models import Article

AfterSave = Callable[["Article", bool, frozenset[str]], None]

after_article_save: list[AfterSave] = []


def register(hook: AfterSave) -> AfterSave:
    """Add ``hook`` once (a second registration of the same callable is ignored)."""
    if hook not in after_article_save:
        after_article_save.append(hook)
    return hook


def article_saved(article: Article, *, created: bool, languages_written: frozenset[str]) -> None:
    for hook in after_article_save:
        hook(article, created, languages_written)


class _Held:
    """What the saves inside ``one_save`` left to do at its end."""

    def __init__(self):
        self.created = False
        self.written: frozenset[str] = frozenset()


_held = threading.local()


def _holds() -> dict[int, _Held]:
    if not hasattr(_held, "articles"):
        _held.articles = {}
    return _held.articles


def held(article: Article) -> _Held | None:
    """The pending work of ``article`` while ``one_save`` holds it (the very object, saved or not), else None."""
    return _holds().get(id(article))


@contextmanager
def one_save(article: Article):
    """Save an article and its images as one, the way every form does.

    Inside, the article's own save renders nothing and its images' saves and
    deletions neither render it again nor run the hooks. At the end it is
    rendered once (each language once, with the images now saved), its search
    document is written and the hooks run once, told what the saves wrote.
    """
    if held(article) is not None:
        yield
        return
    pending = _holds()[id(article)] = _Held()
    try:
        yield
    finally:
        del _holds()[id(article)]
    if article.pk is None:
        return
    article.rerender()
    article_saved(article, created=pending.created, languages_written=pending.written)
