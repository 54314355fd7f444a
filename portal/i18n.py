"""Language prefixes in URLs: ``/zh/…`` and ``/en/…``, as the language registry names them."""

from django.conf import settings
from django.urls import LocalePrefixPattern, URLResolver
from django.utils.translation import get_language

from translations import languages


class ShortLocalePrefixPattern(LocalePrefixPattern):
    @property
    def language_prefix(self):
        return f"{languages.url_prefix(get_language() or settings.LANGUAGE_CODE)}/"


def i18n_patterns(*urls):
    """Like Django's i18n_patterns, with the registry's short prefixes."""
    return [URLResolver(ShortLocalePrefixPattern(prefix_default_language=True), list(urls))]
