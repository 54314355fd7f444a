from news import image_usage
from news.markdown import ImageRef


def test_references_come_from_markdown_html_and_reference_definitions_not_code():
    text = (
        '![a](media/a.png) ![b](<./media/b.png> "title")\n\n'
        '<img src="media/c.png" alt="c">\n\n'
        "![d][logo]\n\n[logo]: media/d.png\n\n"
        "```\n![no](media/code.png)\n```\n\n`![no](media/span.png)`\n"
    )
    assert image_usage.references(text) == ["media/a.png", "./media/b.png", "media/c.png", "media/d.png"]


def test_missing_skips_external_images_and_finds_unanswered_ones():
    images = {"media/a.png": ImageRef(url="/m/a.png")}
    text = "![a](media/a.png) ![x](https://example.org/x.png) ![b](media/b.png)"
    assert image_usage.missing(text, images) == ["media/b.png"]


def test_unused_images_are_those_no_text_resolves_to():
    images = {"media/a.png": ImageRef(url="/m/a.png"), "media/b.png": ImageRef(url="/m/b.png")}
    assert image_usage.unused(["![a](./media/a.png)", ""], images) == ["media/b.png"]
