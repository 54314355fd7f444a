"""Segments of a body: what is offered, how it joins back, keys that survive edits."""

import pytest

from news import markdown
from news.models import ArticleImage
from news.tests import factories
from translations import placeholders, records
from translations import segments as seg
from translations.tests.po_helpers import (
    BODY_ZH,
    NESTED,
    _english,  # noqa: F401 (autouse fixture)
    corpus_bodies,
    keys,
    same_html,
)

pytestmark = pytest.mark.django_db


def test_body_is_split_into_segments_without_code_or_html():
    segments = seg.body_segments(BODY_ZH)
    assert [(segment.kind, segment.text) for segment in segments] == [
        ("h1", "介绍"),
        ("p", '欢迎阅读[安装指南](https://example.com/install "指南")、运行 `dnf install portal` 即可。'),
        ("h2", "步骤"),
        ("li", "下载镜像 ![截图](media/shot.png)"),
        ("li", "启动系统"),
        ("th", "名称"),
        ("th", "说明"),
        ("td", "内核"),
        ("td", "稳定版本"),
        ("p", "社区的力量。"),
    ]


def test_joining_with_translations_keeps_the_markdown_skeleton():
    pieces = seg.split_markdown(BODY_ZH)
    joined = seg.join_markdown(pieces, lambda index, segment: f"S{index}")
    assert joined.startswith("# S0\n\nS1\n\n## S2\n\n- S3\n- S4\n\n| S5 | S6 |\n| --- | --- |\n| S7 | S8 |\n\n> S9\n")
    assert 'echo "代码不翻译"' in joined and '<div class="note">原始 HTML 不翻译</div>' in joined
    assert [segment.kind for segment in seg.body_segments(joined)] == [s.kind for s in seg.body_segments(BODY_ZH)]


def test_multiline_list_items_keep_their_indentation():
    pieces = seg.split_markdown("- 第一行\n  第二行\n    - 嵌套\n")
    joined = seg.join_markdown(pieces, lambda index, segment: segment.text.replace("第", "No."))
    assert joined == "- No.一行\n  No.二行\n    - 嵌套\n"


def test_nested_blocks_code_in_lists_comments_and_references():
    assert [(segment.kind, segment.text) for segment in seg.body_segments(NESTED)] == [
        ("h1", "Setext 标题"),
        ("p", "引用里的列表"),
        ("li", "第一项"),
        ("li", "第二项"),
        ("p", "嵌套引用"),
        ("li", "第一步"),
        ("p", "步骤的补充说明、缩进在列表里。"),
        ("li", "第二步"),
        ("p", "缩进代码"),
        ("th", "命令"),
        ("th", "说明"),
        ("td", "管道 \\| 符号"),
        ("p", '文字[^n]和<span class="x">内联 HTML</span>。'),
        ("footnote", "脚注内容"),
        ("p", "参见[引用链接][ref]。"),
    ]
    joined = seg.join_markdown(seg.split_markdown(NESTED), lambda index, segment: segment.text)
    assert same_html(markdown.render(joined).html) == same_html(markdown.render(NESTED).html)
    assert placeholders.protect("参见[引用链接][ref]、文字[^n]").text == "参见[引用链接][{1}]、文字{2}"


def test_segment_keys_survive_edits_elsewhere_and_to_the_segment_itself():
    article = factories.article(zh="标题", en="", body_zh="第一段。\n\n第二段。\n\n第三段。")
    before = keys(article)
    article.body_zh_hans = "新的开头。\n\n第一段。\n\n第二段、改过。\n\n第三段。"
    article.save()
    after = keys(article)
    assert after["第一段。"] == before["第一段。"]
    assert after["第三段。"] == before["第三段。"]
    assert after["第二段、改过。"] == before["第二段。"]
    assert after["新的开头。"] not in before.values()


def test_corpus_bodies_render_the_same_after_split_and_join():
    """Reassembling a body from its own segments changes nothing a reader sees."""
    checked = 0
    for path, text in corpus_bodies():
        joined = seg.join_markdown(seg.split_markdown(text), lambda index, segment: segment.text)
        assert same_html(markdown.render(joined).html) == same_html(markdown.render(text).html), path
        checked += 1
    assert checked > 10


def test_image_alt_texts_are_segments_that_follow_the_images():
    article = factories.article(zh="标题", en="Title")
    image = ArticleImage.objects.create(article=article, image=factories.png_file("a.png"), alt_zh_hans="图")
    assert seg.image_key(image) in keys(article).values()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.OUTDATED, 1)
    image.alt_en = "A picture"
    image.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
    key = seg.image_key(image)
    image.delete()
    assert key not in keys(article).values()


def test_an_image_of_the_source_language_only_leaves_nothing_to_translate():
    """A Chinese screenshot shown only on the Chinese page: its alt text needs no English."""
    article = factories.article(zh="标题", en="Title")
    own = ArticleImage.objects.create(
        article=article, image=factories.png_file("a.png"), alt_zh_hans="中文截图", language="zh-hans"
    )
    english = ArticleImage.objects.create(
        article=article, image=factories.png_file("a.png"), alt_zh_hans="英文截图", language="en"
    )
    assert seg.image_key(own) not in keys(article).values()
    assert seg.image_key(english) in keys(article).values()
    english.alt_en = "English screenshot"
    english.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
