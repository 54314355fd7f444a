"""Language codes as Django knows them, and as visitors see them in URLs.

Django's Simplified Chinese is ``zh-hans`` (its admin and validation messages
live under ``zh_Hans``); visitors read the shorter ``/zh/`` prefix.
"""

from django.conf import settings
from django.urls import LocalePrefixPattern, URLResolver
from django.utils.translation import get_language

URL_PREFIXES = {"zh-hans": "zh"}
LANGUAGE_BY_PREFIX = {prefix: code for code, prefix in URL_PREFIXES.items()}


def url_prefix(language_code: str) -> str:
    """The URL prefix that stands for a Django language code."""
    return URL_PREFIXES.get(language_code, language_code)


def language_from_prefix(prefix: str) -> str | None:
    """The Django language code for a URL prefix, or None if it is not one of ours."""
    code = LANGUAGE_BY_PREFIX.get(prefix, prefix)
    return code if code in dict(settings.LANGUAGES) else None


def other_languages(language_code: str) -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != language_code]


def html_lang(language_code: str) -> str:
    """The BCP 47 tag for ``lang`` attributes (``zh-Hans``, ``en``)."""
    if "-" in language_code:
        base, _sep, rest = language_code.partition("-")
        return f"{base}-{rest.title()}" if len(rest) == 4 else f"{base}-{rest.upper()}"
    return language_code


class ShortLocalePrefixPattern(LocalePrefixPattern):
    @property
    def language_prefix(self):
        return f"{url_prefix(get_language() or settings.LANGUAGE_CODE)}/"


def i18n_patterns(*urls):
    """Like Django's i18n_patterns, with the short prefixes above."""
    return [URLResolver(ShortLocalePrefixPattern(prefix_default_language=True), list(urls))]
