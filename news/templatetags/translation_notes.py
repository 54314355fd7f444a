"""Telling visitors when a translation lags behind its original (no query: counts are stored)."""

from django import template

from news import translation_files

register = template.Library()


@register.filter
def translation_outdated(article, language: str) -> bool:
    """True when ``article`` is shown in ``language`` and the original changed after it was translated."""
    state, _count = translation_files.translation_state(article, language)
    return state == translation_files.OUTDATED


@register.filter
def original_url(article) -> str:
    return article.url_for(article.source_language)
