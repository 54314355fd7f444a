"""Control characters in text: removed where text comes in, refused where it must already be clean.

Tab, line feed and carriage return are text (a textarea sends CRLF); every other
control character (``\\x00``, ``\\x0b`` from word processors, ``\\x1b``, C1 codes) and
the non-characters U+FFFE/U+FFFF cannot be written to XML (feeds, sitemaps),
break PostgreSQL (NUL) and mean nothing to a reader.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_control_chars(value):
    """``value`` without control characters other than tab and line breaks; non-strings as they are."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    return value


def first_control_char(value: str) -> tuple[int, str] | None:
    """The position and character of the first control character in ``value``, or None."""
    match = CONTROL_CHARACTERS.search(value)
    return (match.start(), match.group()) if match else None


def describe(char: str) -> str:
    """``U+000B``: how a message names an invisible character."""
    return f"U+{ord(char):04X}"


def validate_no_control_chars(value) -> None:
    """Model and form field validator: refuses text holding a control character, saying which and where."""
    if not isinstance(value, str):
        return
    found = first_control_char(value)
    if found:
        position, char = found
        raise ValidationError(
            _("This text contains the invisible control character %(char)s at position %(position)d; remove it."),
            code="control_character",
            params={"char": describe(char), "position": position + 1},
        )


def clean_nested(value):
    """``clean_control_chars`` on a string, or on every string of a list or tuple."""
    if isinstance(value, str):
        return clean_control_chars(value)
    if isinstance(value, list | tuple):
        return type(value)(clean_nested(item) for item in value)
    return value


class ControlCharactersFormMixin:
    """A form whose text comes out without control characters, whatever was pasted into it.

    The submitted data is cleaned before any field sees it (Django's own
    fields would refuse a NUL with a message naming no field).
    """

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for key in list(data.keys()):
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                cleaned = [clean_nested(value) for value in values]
                if hasattr(data, "setlist"):
                    data.setlist(key, cleaned)
                else:
                    data[key] = cleaned[0]
        super().__init__(data, *args, **kwargs)


class CleanTextModelForm(ControlCharactersFormMixin, forms.ModelForm):
    pass
