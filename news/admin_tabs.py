"""What the change form's language tabs say: names, which are empty, filled or wrong, and which opens first.

modeltranslation draws one set of tabs per translated field; ``static/js/admin-tabs.js``
relabels them from this and opens the language given as ``active``: the one
holding the first error after a refused save, else the article's source language.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext

from news.models import Article
from translations import languages

TEXT_FIELDS = Article.WRITTEN_FIELDS  # title, summary, body, banner alt text
EMPTY, FILLED, ERRORS = "empty", "filled", "errors"


def _value(form, article: Article | None, name: str) -> str:
    if form.is_bound and name in form.fields:
        return str(form.data.get(form.add_prefix(name), "") or "")
    if name in form.fields:
        return str(form.get_initial_for_field(form.fields[name], name) or "")
    return str(getattr(article, name, "") or "") if article is not None else ""


def _has_errors(form, names: list[str]) -> bool:
    return form.is_bound and any(name in form.errors for name in names)


def language_state(form, article: Article | None, code: str) -> str:
    """``errors`` if a field of this language was refused, else ``filled`` if any has text, else ``empty``."""
    names = [languages.field(name, code) for name in TEXT_FIELDS]
    if _has_errors(form, names):
        return ERRORS
    return FILLED if any(_value(form, article, name).strip() for name in names) else EMPTY


def first_error_language(form) -> str | None:
    """The language of the first refused text field, in the form's order; None when none was refused."""
    if not form.is_bound:
        return None
    owner = {languages.field(name, code): code for code in languages.codes() for name in TEXT_FIELDS}
    return next((owner[name] for name in form.fields if name in owner and name in form.errors), None)


def source_language(form, article: Article | None) -> str:
    chosen = _value(form, article, "source_language") if "source_language" in form.fields or article else ""
    return chosen if languages.is_enabled(chosen) else languages.default_code()


def language_tabs(form, article: Article | None) -> dict:
    """Everything the tabs' script needs (as a JSON data attribute)."""
    labels = {EMPTY: gettext("empty"), FILLED: gettext("filled"), ERRORS: gettext("has errors")}
    source = source_language(form, article)
    tabs = []
    for language in languages.languages():
        state = language_state(form, article, language.code)
        tabs.append(
            {
                "code": language.code,
                "suffix": languages.field("", language.code).lstrip("_"),
                "name": str(language.name),
                "state": state,
                "state_label": labels[state],
                "source": language.code == source,
            }
        )
    active = first_error_language(form) or source
    return {"active": active, "languages": tabs, "json": json.dumps({"active": active, "languages": tabs})}
