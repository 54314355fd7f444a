"""Control characters: removed from what comes in, refused by the validator with a message saying which and where."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from portal.text import ControlCharactersFormMixin, clean_control_chars, clean_nested, validate_no_control_chars


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("line\x0bbreak from a word processor", "linebreak from a word processor"),
        ("\x0e\x0f\x1b[31mred", "[31mred"),
        ("del\x7f and C1\x85\x9f", "del and C1"),
        ("non\ufffecharacter\uffff", "noncharacter"),
        ("tab\tnew\nline\r\n中文", "tab\tnew\nline\r\n中文"),
    ],
)
def test_clean_control_chars(raw, clean):
    assert clean_control_chars(raw) == clean


def test_non_strings_pass_through():
    assert clean_control_chars(None) is None
    assert clean_control_chars(3) == 3
    assert clean_nested(["a\x00", ("b\x0b", 1)]) == ["a", ("b", 1)]


def test_the_validator_names_the_character_and_its_position():
    validate_no_control_chars("fine\ttext\n")
    with pytest.raises(ValidationError) as error:
        validate_no_control_chars("abc\x0bdef")
    message = error.value.messages[0]
    assert "U+000B" in message and "position 4" in message


class Sample(ControlCharactersFormMixin, forms.Form):
    title = forms.CharField()
    tags = forms.CharField(required=False)


def test_forms_with_the_mixin_drop_control_characters():
    form = Sample(data={"title": "Ti\x00tle\x0b", "tags": "kernel\x0e"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Title", "tags": "kernel"}
