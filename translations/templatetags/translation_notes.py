"""Telling visitors when a translation lags behind its original (no query: counts are stored)."""

from django import template

from translations import records

register = template.Library()


@register.filter
def translation_outdated(article, language: str) -> bool:
    """True when ``article`` is shown in ``language`` and the original changed after it was translated."""
    state, _count = records.translation_state(article, language)
    return state == records.OUTDATED


@register.filter
def original_url(article) -> str:
    return article.url_for(article.source_language)
