"""``reverse()`` for the addresses a page asks for many times: a list page builds some sixty.

Django's ``reverse`` walks its pattern table each time (about 25 µs). The
addresses of articles, tags and categories differ only by their slug, so the
first call per view name, language, URL configuration and script prefix
reverses a placeholder and keeps the result as a template; later calls put the
slug into it. A value that ``reverse`` would quote or refuse (anything outside
``[-A-Za-z0-9_]``) goes through ``reverse`` itself, so the result is always the
same as Django's.
"""

import re

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation

_PLAIN = re.compile(r"[-A-Za-z0-9_]+").fullmatch
_PLACEHOLDER = "qqslugplaceholderqq"
_MAX_TEMPLATES = 1024
_templates: dict[tuple, tuple[str, str] | None] = {}


def _template(viewname: str, kwarg: str) -> tuple[str, str] | None:
    # The resolver object changes when URL caches are cleared (tests that swap patterns).
    key = (viewname, kwarg, get_resolver(get_urlconf()), get_script_prefix(), translation.get_language())
    try:
        return _templates[key]
    except KeyError:
        pass
    address = reverse(viewname, kwargs={kwarg: _PLACEHOLDER})
    before, found, after = address.partition(_PLACEHOLDER)
    template = (before, after) if found and _PLACEHOLDER not in after else None
    if len(_templates) >= _MAX_TEMPLATES:
        _templates.clear()
    _templates[key] = template
    return template


def reverse_slug(viewname: str, kwarg: str, value: str) -> str:
    """``reverse(viewname, kwargs={kwarg: value})``, without walking the patterns again."""
    if isinstance(value, str) and _PLAIN(value):
        template = _template(viewname, kwarg)
        if template is not None:
            return template[0] + value + template[1]
    return reverse(viewname, kwargs={kwarg: value})


def slug_reverser(viewname: str, kwarg: str):
    """``reverse_slug`` for one view, its template looked up once: for a page that writes many such links."""
    template = _template(viewname, kwarg)

    def address(value: str) -> str:
        if template is not None and isinstance(value, str) and _PLAIN(value):
            return template[0] + value + template[1]
        return reverse(viewname, kwargs={kwarg: value})

    return address
