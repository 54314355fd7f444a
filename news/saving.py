"""What runs after an article is saved, for apps that news must not import.

``after_article_save`` holds callables ``(article, created, languages_written)``;
the translations app registers its recorder here when it starts. Article's
save path, and the save or deletion of one of its images, calls them once,
in order, in the same transaction. ``languages_written`` names the
languages whose text that save changed (all of them for a new article).
"""

from __future__ import annotations

from collections.abc import Callable
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
