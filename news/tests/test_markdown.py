import html
import os
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from news import markdown
from news.markdown import ImageRef, normalize_reference, render, resolve_image, sanitize

CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"


def html_of(text: str, **kwargs) -> str:
    return render(text, **kwargs).html


# Sanitiser ---------------------------------------------------------------

DANGEROUS = {
    "script": "<script>alert(1)</script>",
    "script in markdown paragraph": "Hello <script>document.cookie</script> world",
    "img onerror": '<img src="x.png" onerror="alert(1)">',
    "onclick": '<p onclick="alert(1)">click</p>',
    "onmouseover on link": '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    "javascript link": "[x](javascript:alert(1))",
    "javascript raw link": '<a href="javascript:alert(1)">x</a>',
    "mixed case javascript": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "entity javascript": '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    "hex entity javascript": '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    "tab inside javascript": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "data link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "iframe": '<iframe src="https://example.org"></iframe>',
    "object": '<object data="movie.swf"></object>',
    "embed": '<embed src="movie.swf">',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg onload": '<svg onload="alert(1)"><circle r="4"/></svg>',
    "svg use": '<svg><use href="data:image/svg+xml,<svg onload=alert(1)>"/></svg>',
    "form": '<form action="https://example.org"><input name="q"></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="javascript:alert(1)//">',
}


@pytest.mark.parametrize("payload", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_sanitiser_removes_active_content(payload):
    result = html_of(f"Text before.\n\n{payload}\n\nText after.")
    lowered = result.lower()
    for forbidden in (
        "<script",
        "<style",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<form",
        "<input",
        "<meta",
        "<base",
        "javascript:",
        "vbscript:",
        "data:",
        "alert(1)",
        " style=",
    ):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"\son\w+\s*=", lowered)
    assert "Text before." in result and "Text after." in result


def test_sanitise_keeps_harmless_markup():
    # Only content classes and the ids the renderer made survive (see test_sanitise_drops_foreign_classes_and_ids).
    clean = sanitize('<p class="center" id="x1" lang="en"><em>ok</em> <a href="/zh/news/">in</a></p>', ids={"x1"})
    assert clean == '<p class="center" id="x1" lang="en"><em>ok</em> <a href="/zh/news/">in</a></p>'


def test_sanitise_drops_odd_class_and_id_values():
    clean = sanitize('<p class="center &quot;bad&quot; x{y}" id="a b">x</p>', ids={"a"})
    assert clean == '<p class="center">x</p>'


def test_sanitise_drops_foreign_classes_and_ids():
    """A body cannot dress up as the site's notices nor take the ids of the page around it."""
    body = (
        '<div class="translation-notice notice highlight" id="main">imitation</div>\n\n'
        '<h2 id="site-menu" class="preview-banner">raw heading</h2>\n\n'
        '<div markdown="1" id="skip" class="badge">**md in html**</div>\n\n'
        '<h3 markdown="1" id="main">Parsed heading</h3>\n\n## Real heading\n\nA note[^1].\n\n[^1]: The note.'
    )
    result = html_of(body)
    assert 'class="highlight"' in result
    for foreign in ("translation-notice", "notice", "preview-banner", "badge", 'id="main"', 'id="site-menu"', "skip"):
        assert foreign not in result, foreign
    # The ids the renderer made stay, so anchors and footnotes still work.
    for made in ('id="parsed-heading"', 'id="real-heading"', 'id="fn:1"', 'id="fnref:1"', 'href="#fn:1"'):
        assert made in result, made


def test_external_links_get_rel():
    result = html_of("[out](https://example.org/a) [proto](//example.org/) [in](/en/news/) [mail](mailto:a@b.org)")
    assert '<a href="https://example.org/a" rel="noopener nofollow ugc">out</a>' in result
    assert '<a href="//example.org/" rel="noopener nofollow ugc">proto</a>' in result
    assert '<a href="/en/news/">in</a>' in result
    assert '<a href="mailto:a@b.org">mail</a>' in result


def test_a_rel_written_by_the_author_is_replaced():
    result = html_of('<a href="https://example.org" rel="opener">x</a>')
    assert result.count("rel=") == 1
    assert 'rel="noopener nofollow ugc"' in result


# Fidelity ----------------------------------------------------------------


@pytest.mark.parametrize("char", list(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""))
def test_backslash_before_ascii_punctuation_renders_the_character(char):
    text = html.unescape(re.sub(r"<[^>]+>", "", html_of(f"a\\{char}b")))
    assert text.strip() == f"a{char}b"


def test_escaped_quotes_read_as_quotes():
    result = html_of('OpenAtom openEuler（简称\\"openEuler\\"）是开源操作系统')
    assert '（简称"openEuler"）' in result
    assert "\\" not in result


def test_backslash_before_a_letter_is_kept():
    assert "C:\\Users" in html_of("C:\\Users")


def test_soft_break_between_chinese_characters_adds_no_space():
    result = html_of("第一行中文\n第二行中文")
    assert "第一行中文第二行中文" in result


def test_soft_break_between_chinese_punctuation_and_text_adds_no_space():
    assert "目标：\n一是" not in html_of("实现这一目标：\n一是增强")
    assert "目标：一是" in html_of("实现这一目标：\n一是增强")


def test_soft_break_next_to_latin_text_is_kept():
    assert "openEuler\n24.03" in html_of("在openEuler\n24.03\nLTS版本")
    assert "words\nmore" in html_of("English words\nmore words")


def test_soft_break_across_inline_markup_between_chinese_characters():
    result = html_of("这是**粗体**\n中文")
    assert "<strong>粗体</strong>中文" in result


def test_code_blocks_keep_their_line_breaks():
    result = html_of("```\n中文\n中文\n```")
    assert "中文\n中文" in result


def test_first_h1_repeating_the_title_is_not_shown_twice():
    result = html_of("# 发布公告\n\n正文。", title="发布公告")
    assert "发布公告" not in result
    assert "正文。" in result


def test_repeated_title_match_ignores_spacing_and_case():
    assert "Release" not in html_of("#  Lantern  OS release\n\nBody.", title="Lantern OS Release")


def test_a_different_first_h1_is_kept_as_a_section_heading():
    result = html_of("# Background\n\nBody.", title="The article")
    assert "<h2" in result and "Background" in result
    assert "<h1" not in result


def test_a_later_h1_equal_to_the_title_is_kept():
    result = html_of("Intro.\n\n# Title\n\nBody.", title="Title")
    assert re.search(r"<h2[^>]*>Title</h2>", result)


# The seed article from the real corpus -------------------------------------


def shared_dir() -> Path:
    return Path(os.environ.get("PORTAL_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared")


def seed_articles() -> list[Path]:
    return sorted((shared_dir() / "corpus" / "seed").glob("*.md"))


def split_front_matter(text: str) -> tuple[dict, str]:
    _empty, front, body = text.split("---", 2)
    return yaml.safe_load(front), body


@pytest.fixture(params=seed_articles() or [None], ids=lambda path: path.name if path else "absent")
def seed(request):
    if request.param is None:
        pytest.skip(f"no seed article under {shared_dir() / 'corpus' / 'seed'}")
    return split_front_matter(request.param.read_text(encoding="utf-8"))


def test_seed_article_escapes_and_line_breaks(seed):
    meta, body = seed
    result = html_of(body, title=str(meta["title"]))
    text = re.sub(r"<[^>]+>", "", result)
    assert "\\" not in text
    if '\\"openEuler\\"' in body:
        assert '"openEuler"' in text
    for before, after in re.findall(rf"({CJK})[ \t]*\n[ \t]*({CJK})", body):
        assert before + after in text
    assert "<h1" not in result


def test_seed_article_images_resolve_to_uploads_or_placeholders(seed):
    meta, body = seed
    references = re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", body)
    assert references, "the seed article has body images"
    unresolved = html_of(body, title=str(meta["title"]))
    assert "<img" not in unresolved
    assert unresolved.count('class="image-missing"') == len(references)
    for alt, _src in references:
        assert f">{alt}</span>" in unresolved

    uploads = {
        normalize_reference(src): ImageRef(url=f"/media/articles/{index}.png", width=800, height=400)
        for index, (_alt, src) in enumerate(references)
    }
    resolved = html_of(body, images=uploads, title=str(meta["title"]))
    assert "image-missing" not in resolved
    assert resolved.count("<img") == len(references)
    for ref in uploads.values():
        assert f'src="{ref.url}"' in resolved


# Images ------------------------------------------------------------------

CHART = ImageRef(url="/media/articles/2024/05/chart.png", width=640, height=320, alt="Uploaded alt")


@pytest.mark.parametrize("src", ["./media/chart.png", "media/chart.png", "chart.png", "/media/chart.png"])
def test_relative_references_resolve_to_the_uploaded_image(src):
    result = html_of(f"![A chart]({src})", images={"media/chart.png": CHART})
    assert f'src="{CHART.url}"' in result
    assert 'alt="A chart"' in result
    assert 'width="640"' in result and 'height="320"' in result
    assert 'loading="lazy"' in result


def test_an_image_without_alt_text_gets_the_uploaded_alt():
    assert 'alt="Uploaded alt"' in html_of("![](media/chart.png)", images={"media/chart.png": CHART})


def test_unresolved_image_is_a_visible_placeholder_with_its_alt_text():
    result = html_of("![Architecture diagram](./media/missing.png)", images={"media/chart.png": CHART})
    assert "<img" not in result
    assert re.search(r'<span class="image-missing" role="img" aria-label="Architecture diagram">', result)
    assert ">Architecture diagram</span>" in result


def test_placeholder_without_alt_text_names_the_file():
    assert ">missing.png</span>" in html_of("![](media/missing.png)")


def test_ambiguous_file_names_do_not_resolve():
    images = {"media/a/chart.png": CHART, "media/b/chart.png": ImageRef(url="/other.png")}
    assert resolve_image("chart.png", images) is None
    assert resolve_image("media/b/chart.png", images).url == "/other.png"


def test_external_images_are_kept_and_other_schemes_are_not():
    assert resolve_image("https://example.org/a.png", {}).url == "https://example.org/a.png"
    assert resolve_image("ftp://example.org/a.png", {}) is None


def test_normalize_reference():
    assert normalize_reference("./media/a%20b.png") == "media/a b.png"
    assert normalize_reference("/media/./x/../a.png") == "media/a.png"
    assert normalize_reference(".\\media\\a.png") == "media/a.png"
    assert normalize_reference(".") == ""


# Markdown features -------------------------------------------------------


def test_tables():
    result = html_of("| Name | Size |\n| --- | ---: |\n| zstd | 1 MB |")
    assert "<table>" in result and "<th>Name</th>" in result and "<td>zstd</td>" in result
    assert 'class="table-scroll"' in result


def test_fenced_code_is_highlighted_with_classes_not_styles():
    result = html_of('```python\ndef hello():\n    return "hi"\n```\n\n```bash\nsudo lpkg install zstd\n```')
    assert result.count('<div class="highlight">') == 2
    assert '<span class="k">def</span>' in result
    assert '<span class="s2">&quot;hi&quot;</span>' in result or '<span class="s2">"hi"</span>' in result
    assert "style=" not in result


def test_code_is_not_interpreted():
    result = html_of("```html\n<script>alert(1)</script>\n```")
    assert "<script" not in result
    assert "&lt;" in result and "script" in result


def test_footnotes():
    result = html_of("A claim[^src].\n\n[^src]: The source.")
    assert re.search(r'<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>', result)
    assert '<li id="fn:src">' in result
    assert "The source." in result
    assert '<a class="footnote-backref" href="#fnref:src">' in result


def test_footnote_back_links_carry_no_english_sentence():
    assert "Jump back" not in html_of("中文[^1]\n\n[^1]: 注释")


def test_heading_anchors_and_toc():
    rendered = render("## 安装步骤\n\ntext\n\n## Usage notes\n\n### Details\n\ntext")
    assert '<h2 id="安装步骤">安装步骤</h2>' in rendered.html
    assert '<h2 id="usage-notes">Usage notes</h2>' in rendered.html
    assert '<h3 id="details">Details</h3>' in rendered.html
    assert rendered.headings == (
        (2, "安装步骤", "安装步骤"),
        (2, "usage-notes", "Usage notes"),
        (3, "details", "Details"),
    )
    assert 'href="#安装步骤"' in rendered.toc_html
    assert 'href="#details"' in rendered.toc_html


def test_no_toc_for_fewer_than_three_headings():
    rendered = render("## One\n\ntext\n\n## Two\n\ntext")
    assert rendered.toc_html == ""
    assert len(rendered.headings) == 2


def test_duplicate_headings_get_distinct_anchors():
    result = html_of("## Notes\n\n## Notes")
    assert 'id="notes"' in result and 'id="notes_1"' in result


def test_framework_components_are_dropped_but_their_text_is_kept():
    result = html_of("<ClientOnly>\n\nInside text.\n\n</ClientOnly>\n\n<news-header/>\n\n`<ClientOnly>` in code")
    assert "Inside text." in result
    assert "clientonly" not in result.lower().replace("<code>&lt;clientonly&gt;</code>", "")
    assert "news-header" not in result


def test_empty_text():
    rendered = render("  \n")
    assert (rendered.html, rendered.toc_html, rendered.headings) == ("", "", ())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("这是**粗体**\n中文", "这是<strong>粗体</strong>中文"),
        ("中文\n**粗体**结尾", "中文<strong>粗体</strong>结尾"),
        ("**粗体**\n*斜体*", "<strong>粗体</strong><em>斜体</em>"),
        ("中文`代码`\n中文", "中文<code>代码</code>中文"),
    ],
)
def test_soft_breaks_around_inline_markup_between_chinese_characters(source, expected):
    assert expected in html_of(source)


def test_soft_break_after_inline_markup_before_latin_text_is_kept():
    assert "<strong>粗体</strong>\nEnglish" in html_of("**粗体**\nEnglish")


def test_a_first_heading_repeating_the_title_in_full_width_punctuation_is_not_shown_twice():
    rendered = markdown.render("# openEuler（欧拉）：发布！\n\n正文。", title="openEuler(欧拉):发布!")
    assert "<h2" not in rendered.html and "正文" in rendered.html


def test_width_only_images_get_the_height_of_their_aspect_ratio_and_external_ones_no_referrer():
    images = {"media/a.png": markdown.ImageRef(url="/media/a.png", width=1200, height=600)}
    html = markdown.render('<img src="media/a.png" width="400">', images=images).html
    assert 'width="400"' in html and 'height="200"' in html
    external = markdown.render("![gif](https://media.example.org/x.gif)").html
    assert 'referrerpolicy="no-referrer"' in external and 'loading="lazy"' in external
    assert "referrerpolicy" not in html


def test_same_text_ignores_width_forms_whitespace_and_case():
    assert markdown.same_text("Hello，World！", "hello, world!")
    assert not markdown.same_text("Hello", "Hello there")
    assert markdown.first_paragraph_text("<h2>T</h2><p>First <em>one</em> &amp; more</p><p>2</p>") == "First one & more"
