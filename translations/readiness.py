"""A translation goes live when it is complete: what the PO import and the segment editor call.

The states themselves live on the article (``news.readiness``); this module
decides from the translation records whether a language is finished.
"""

from __future__ import annotations

from collections.abc import Sequence

from news import readiness
from news.content import LanguageState
from news.models import Article
from translations.models import SourceSegment
from translations.records import COMPLETE, current_translations, records_for, translation_state


def mark_ready(article: Article, language: str, *, user=None) -> bool:
    """Let visitors see ``article`` in ``language``; True if it was in progress."""
    return readiness.mark_ready(article, language, user=user)


def untranslated(article: Article, language: str, segments: Sequence[SourceSegment]) -> list[SourceSegment]:
    """The source segments that have no translation in ``language`` yet."""
    found = current_translations(
        article=article, language=language, segments=segments, records=records_for(segments, language)
    )
    return [segment for segment in segments if segment.pk not in found]


def is_complete(article: Article, language: str, segments: Sequence[SourceSegment]) -> bool:
    """Every segment translated and none outdated (``segments``: what ``records.refresh`` returned)."""
    return translation_state(article, language)[0] == COMPLETE and not untranslated(article, language, segments)


def start(article: Article, language: str) -> None:
    """A first text in ``language`` arrives: hidden until complete (on the instance; the caller saves)."""
    if not article.has_text(language):
        article.set_language_state(language, LanguageState.IN_PROGRESS)


def mark_ready_if_complete(article: Article, language: str, *, segments: Sequence[SourceSegment], user=None) -> bool:
    """After a PO file or the segment editor wrote ``language``: ready once nothing is left to translate."""
    if article.is_ready(language) or not is_complete(article, language, segments):
        return False
    return mark_ready(article, language, user=user)
