"""The one registry of the site's languages, built from settings.

Everything else asks it: which languages are enabled, their URL prefixes,
import folder names, PO headers, Open Graph locales, names, the model field
that holds a text in a language, and which language a piece of text is in.
No other module spells a language code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.functional import Promise
from modeltranslation.utils import build_localized_fieldname


@dataclass(frozen=True)
class Language:
    code: str  # Django's code: zh-hans, en
    prefix: str  # in URLs: /zh/
    folders: tuple[str, ...]  # folder names that hold its files when importing, lower case
    gettext: str  # the Language header of PO files and locale folder name: zh_Hans
    plural_forms: str
    og_locale: str
    name: str | Promise  # in the active interface language
    local_name: str  # in itself
    script: re.Pattern | None  # characters that only text in this language has
    script_priority: int  # among languages whose characters a text has, the highest wins
    search_config: str  # PostgreSQL text search configuration

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``lang`` attributes (``zh-Hans``, ``en``)."""
        base, _sep, rest = self.code.partition("-")
        if not rest:
            return base
        return f"{base}-{rest.title()}" if len(rest) == 4 else f"{base}-{rest.upper()}"

    def field(self, name: str) -> str:
        return field(name, self.code)

    def __str__(self) -> str:
        return str(self.name)


@cache
def _registry() -> dict[str, Language]:
    definitions = settings.LANGUAGE_DEFINITIONS
    return {
        code: Language(
            code=code,
            prefix=definitions[code]["prefix"],
            folders=tuple(name.lower() for name in definitions[code]["folders"]),
            gettext=definitions[code]["gettext"],
            plural_forms=definitions[code]["plural_forms"],
            og_locale=definitions[code]["og_locale"],
            name=definitions[code]["name"],
            local_name=definitions[code]["local_name"],
            script=re.compile(definitions[code]["script"]) if definitions[code]["script"] else None,
            script_priority=definitions[code].get("script_priority", 0),
            search_config=definitions[code]["search_config"],
        )
        for code, _name in settings.LANGUAGES
    }


def languages() -> list[Language]:
    """The enabled languages, the default source language first."""
    return list(_registry().values())


def codes() -> list[str]:
    return list(_registry())


def get(code: str) -> Language:
    """The enabled language with this Django code; KeyError for any other."""
    return _registry()[code]


def is_enabled(code: str) -> bool:
    return code in _registry()


def default() -> Language:
    """The language articles are written in first unless they say otherwise."""
    return next(iter(_registry().values()))


def choices() -> list[tuple[str, str | Promise]]:
    return [(language.code, language.name) for language in _registry().values()]


def others(code: str) -> list[str]:
    return [other for other in _registry() if other != code]


def field(name: str, code: str) -> str:
    """The model field holding ``name`` in a language: ``field("title", "zh-hans")`` → ``title_zh_hans``."""
    return build_localized_fieldname(name, code)


def fields(name: str) -> list[str]:
    """``name``'s field in every enabled language."""
    return [field(name, code) for code in _registry()]


def url_prefix(code: str) -> str:
    language = _registry().get(code)
    return language.prefix if language else code


def from_prefix(prefix: str) -> str | None:
    """The code for a URL prefix, or None if it is not one of ours."""
    return next((language.code for language in _registry().values() if language.prefix == prefix), None)


def from_folder(name: str) -> str | None:
    """The language whose files a folder of this name holds (``zh``, ``en-US``), or None."""
    lowered = name.lower()
    return next((language.code for language in _registry().values() if lowered in language.folders), None)


def from_name(value: str) -> str | None:
    """A language named by code, prefix, folder name, gettext name or BCP 47 tag, case-insensitively."""
    lowered = value.strip().lower().replace("_", "-")
    for language in _registry().values():
        names = {language.code, language.prefix, language.gettext.lower().replace("_", "-"), *language.folders}
        if lowered in names:
            return language.code
    base = lowered.split("-", 1)[0]
    return next((language.code for language in _registry().values() if language.prefix == base), None)


def html_lang(code: str) -> str:
    language = _registry().get(code)
    return language.html_lang if language else code


def of_text(text: str) -> str:
    """The enabled language a text is written in, told by its characters.

    A language with a script of its own wins when the text has any of its
    characters, the highest ``script_priority`` first (Japanese kana before Han
    characters); otherwise the first language that has no script test (Latin text).
    """
    scripted = [language for language in _registry().values() if language.script]
    for language in sorted(scripted, key=lambda language: -language.script_priority):
        if language.script.search(text):
            return language.code
    plain = next((language.code for language in _registry().values() if not language.script), None)
    return plain or default().code


def default_code() -> str:
    """The default source language's code (a model field default)."""
    return default().code


def latin_first() -> list[str]:
    """Codes with languages written in Latin letters first (where ASCII slugs come from)."""
    return sorted(_registry(), key=lambda code: _registry()[code].script is not None)


def from_header(value: str) -> str | None:
    """The language a PO ``Language`` header names (``zh_Hans``, ``zh_CN``, ``en_US``), or None.

    Exact names first (code, prefix, gettext name, folder names). Otherwise
    a regional variant (``en_AU``) is its base language, unless that
    language's code names a script (``zh-hans``): then ``zh_TW`` or
    ``zh_Hant`` is another language.
    """
    lowered = value.strip().lower().replace("_", "-")
    if not lowered:
        return None
    for language in _registry().values():
        names = {language.code, language.prefix, language.gettext.lower().replace("_", "-"), *language.folders}
        if lowered in names:
            return language.code
    base = lowered.split("-", 1)[0]
    return next(
        (language.code for language in _registry().values() if language.code == base and "-" not in language.code),
        None,
    )
