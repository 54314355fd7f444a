"""CommonMark list rules in the renderer: two-space nesting and ``1)`` ordered lists."""

import re

from news.markdown import render
from news.markdown_lists import commonmark_lists


def _shape(html: str) -> str:
    """The list tags and item texts only, to compare nesting."""
    return re.sub(r"\s+", "", re.sub(r"<(?!/?(?:ul|ol|li)\b)[^>]+>", "", html))


def test_two_space_indented_items_nest():
    html = render("- a\n  - b\n    - c\n- d\n").html
    assert _shape(html) == "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"


def test_items_under_an_ordered_item_nest_at_its_text_column():
    html = render("1. a\n   - b\n   - c\n2. d\n").html
    assert _shape(html) == "<ol><li>a<ul><li>b</li><li>c</li></ul></li><li>d</li></ol>"


def test_four_space_nesting_still_nests_once():
    html = render("- a\n    - b\n- c\n").html
    assert _shape(html) == "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"


def test_an_item_indented_less_than_its_parents_text_is_a_sibling():
    html = render("- a\n - b\n").html
    assert _shape(html) == "<ul><li>a</li><li>b</li></ul>"


def test_parenthesis_ordered_list_is_a_list_with_its_start():
    html = render("Steps:\n\n3) three\n4) four\n").html
    assert '<ol start="3">' in html
    assert "<li>three</li>" in html and "<li>four</li>" in html
    assert "3)" not in html


def test_parenthesis_one_interrupts_a_paragraph():
    html = render("Steps:\n1) first\n2) second\n").html
    assert "<p>Steps:</p>" in html
    assert _shape(html.split("</p>")[1]) == "<ol><li>first</li><li>second</li></ol>"


def test_a_number_with_parenthesis_inside_a_paragraph_stays_text():
    html = render("The year was\n2021) a good one.\n").html
    assert "<ol" not in html
    assert "2021) a good one." in html


def test_a_paragraph_after_a_blank_line_in_a_nested_item_stays_in_it():
    html = render("- a\n  - b\n\n    more of b\n- c\n").html
    nested = html.split("<ul>")[2]
    assert "more of b" in nested.split("</ul>")[0]
    assert html.count("<li>") == 3


def test_text_at_the_margin_after_a_blank_line_ends_the_list():
    html = render("- a\n  - b\n\nAfter.\n").html
    assert html.rstrip().endswith("<p>After.</p>")


def test_code_blocks_and_tables_are_left_alone():
    text = "```\n- a\n  - b\n1) c\n```\n\n    - indented code\n\n| x | y |\n|---|---|\n| - a | 1) b |\n"
    html = render(text).html
    assert "<li>" not in html
    assert "- a\n  - b\n1) c" in html
    assert "- indented code" in html
    assert "<td>1) b</td>" in html


def test_lines_outside_lists_are_not_rewritten():
    lines = ["# Title", "", "Text  with two spaces", "  indented text", "", "    code", "***"]
    assert commonmark_lists(lines) == lines


def test_fenced_code_in_an_item_moves_with_it():
    lines = ["- a", "  - b", "", "    ```", "    x", "    ```"]
    assert commonmark_lists(lines) == ["- a", "    - b", "", "        ```", "        x", "        ```"]
