"""Rendering fixes found by importing real community content (Markdown inside site-generator HTML)."""

import pytest

from news.markdown import ImageRef, framework_tags, render


def test_markdown_inside_a_wrapper_div_is_rendered():
    text = '<div class="markdown">\n\nSome **bold** and a [link](https://example.org/).\n\n</div>\n'
    html = render(text).html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/"' in html
    assert "**" not in html


def test_a_repeated_title_inside_a_wrapper_div_is_dropped():
    text = '<div class="markdown">\n\n# Release 20.09 is here\n\nBody.\n\n</div>\n'
    html = render(text, title="Release 20.09 is here").html
    assert "Release 20.09 is here" not in html
    assert "<p>Body.</p>" in html


def test_center_becomes_a_kept_centred_block_with_markdown_inside():
    html = render("Before.\n\n<center>**Centred**</center>\n\nAfter.\n").html
    assert '<div class="center">' in html
    assert "<strong>Centred</strong>" in html
    assert "center>" not in html.replace('class="center"', "")


def test_align_center_becomes_the_centre_class():
    text = "<div align='center'>\n\n![Logo](logo.png)\n\n</div>\n"
    html = render(text, images={"logo.png": ImageRef(url="/m/l.png")}).html
    assert '<div class="center">' in html
    assert 'src="/m/l.png"' in html


def test_an_html_image_in_a_list_item_continuation_is_kept():
    text = "- A step\nwith more text\n\n   <div><img src='./shot.png' alt='Shot'/></div>\n"
    html = render(text, images={"shot.png": ImageRef(url="/media/shot.png")}).html
    assert "&lt;img" not in html
    assert 'src="/media/shot.png"' in html


def test_div_in_code_is_left_as_code():
    html = render('```html\n<div class="markdown">**x**</div>\n```\n').html
    assert "markdown=" not in html
    assert "**x**" in html


def test_framework_tags_lists_what_render_drops_outside_code():
    text = "<ClientOnly>\n  <news-newsHeader/>\n</ClientOnly>\n\n`<Keep-me>`\n"
    assert framework_tags(text) == ["<ClientOnly>", "<news-newsHeader/>", "</ClientOnly>"]
    assert "newsHeader" not in render(text).html


def test_a_list_right_under_a_paragraph_line_is_a_list():
    html = render("Notifications:\n- Scenario one\n- Scenario two\n\nSteps:\n1. First\n2. Second\n").html
    assert "<ul>\n<li>Scenario one</li>\n<li>Scenario two</li>\n</ul>" in html
    assert "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>" in html
    assert "- Scenario" not in html


def test_only_a_list_starting_at_one_interrupts_a_paragraph():
    html = render("The year was\n2021. A good one.\n").html
    assert "<ol" not in html


def test_list_items_with_continuation_lines_stay_one_tight_list():
    html = render("Intro:\n- one\n  more of one\n- two\n").html
    assert html.count("<li>") == 2
    assert "<p>" not in html.split("<ul>")[1]


def test_dashes_in_code_blocks_are_left_alone():
    html = render("Text\n```\nline\n- not a list\n```\n").html
    assert "- not a list" in html
    assert "<ul>" not in html


def test_the_reused_converter_carries_nothing_from_one_text_to_the_next():
    first = render("# Same title\n\n## One\n\n## Two\n\n## Three\n\nText[^1].\n\n[^1]: A note.\n", title="Same title")
    second = render("Plain text.\n", title="Other")
    assert "footnote" in first.html and len(first.headings) == 3
    assert second.html == "<p>Plain text.</p>"
    assert second.headings == () and second.toc_html == ""


def test_code_is_highlighted_as_pygments_does_it():
    import markdown as markdown_lib

    text = "```python\ndef f(x):\n    return x * 2  # twice\n```\n\n```bash\nmake -j4\n```\n"
    plain = markdown_lib.Markdown(
        extensions=["fenced_code", "codehilite"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
    ).convert(text)
    html = render(text).html
    assert '<span class="k">def</span>' in html
    assert html.count('<div class="highlight">') == 2
    assert plain.count('<span class="') == html.count('<span class="')


@pytest.mark.parametrize(
    "text",
    [
        "Plain paragraph with **bold** and a [link](https://example.org/).\n\n## A heading\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "Text with a note[^1].\n\n[^1]: The note.\n",
        "```python\nprint('x')\n```\n",
        "Intro:\n\n    indented code\n",
        "- item | with a pipe\n- item [^not a note\n",
        '<div class="markdown">\n\n中文**粗体**\n\n</div>\n',
    ],
)
def test_leaving_out_unused_extensions_changes_nothing(text):
    from news import markdown

    full = markdown._markdown("T", extensions=frozenset(markdown.EXTENSIONS)).convert(text)
    needed = markdown._markdown("T", extensions=markdown.needed_extensions(text)).convert(text)
    assert needed == full
