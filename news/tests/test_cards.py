"""The markup written in Python (``news/cards.py``) keeps what the templates' filters did."""

from django.utils.text import Truncator
from hypothesis import given
from hypothesis import strategies as st

from news.cards import shortened


@given(st.text(max_size=200), st.integers(min_value=1, max_value=160))
def test_shortened_is_truncatechars(text, length):
    assert shortened(text, length) == Truncator(text).chars(length)


def test_a_text_not_in_normal_form_is_normalised_as_truncatechars_does():
    decomposed = "e\u0301" * 3  # é written as e and a combining accent
    assert shortened(decomposed, 10) == Truncator(decomposed).chars(10) == "é" * 3
