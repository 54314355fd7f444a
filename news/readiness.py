"""When a translation goes live: each target language of an article is in progress or ready.

Visitors see a language only when it is ready (``TranslatedContent.has_language``);
these functions change the states and save through ``Article.save``, so the
page cache, the search document and the translation records follow.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from news import history
from news.content import STATES_FIELD, LanguageState
from news.models import Article
from translations import languages


def save_states(article: Article, states: dict[str, str], *, user=None, comment: str = "") -> list[str]:
    """Set each ``{language: state}`` and save once if anything changed; returns the languages changed.

    The source language is always ready; an unknown language or state is a ValueError, and nothing is saved.
    """
    for code, state in states.items():
        if not languages.is_enabled(code):
            raise ValueError(f"“{code}” is not an enabled language (enabled: {', '.join(languages.codes())}).")
        if state not in LanguageState.values:
            raise ValueError(f"“{state}” is not a translation state ({', '.join(LanguageState.values)}).")
    changed = []
    for code, state in states.items():
        before = article.language_state(code)
        article.set_language_state(code, state)
        if article.language_state(code) != before:
            changed.append(code)
    if changed:
        article.save(render=False, update_fields=[STATES_FIELD, "updated_at"])
        if user is not None:
            history.record(article, user=user, comment=comment)
    return changed


def mark_ready(article: Article, language: str, *, user=None) -> bool:
    """Publish ``language``'s translation of ``article`` alone; True if it was in progress."""
    comment = gettext("%(language)s translation marked ready.") % {"language": languages.get(language).name}
    return bool(save_states(article, {language: LanguageState.READY}, user=user, comment=comment))


def mark_language_ready(articles: Iterable[Article], language: str, *, user=None) -> list[Article]:
    """``mark_ready`` for each article; the articles whose state changed."""
    return [article for article in articles if mark_ready(article, language, user=user)]


def publish_all_languages(articles: Iterable[Article], *, user=None) -> list[Article]:
    """Release day: every language of each article ready; the articles whose state changed."""
    changed = []
    comment = gettext("Every translation marked ready.")
    for article in articles:
        states = dict.fromkeys(languages.codes(), LanguageState.READY)
        if save_states(article, states, user=user, comment=comment):
            changed.append(article)
    return changed
