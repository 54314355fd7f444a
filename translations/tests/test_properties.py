"""Properties of any document: generated mixes of Chinese, English, lists, tables, code, quotes, HTML, images."""

import re
from html.parser import HTMLParser

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news import blocks, markdown
from news.models import Article
from news.tests import factories
from translations import po_export, po_import
from translations.checks import PoSource
from translations.segments import Segment, body_segments, join_markdown, split_markdown

CHINESE = ["社区", "内核", "发布", "版本", "安装", "开源", "欢迎", "贡献者"]
ENGLISH = ["kernel", "release", "CPU", "Linus", "2.0", "install", "open", "source"]
TARGETS = ["media/a.png", "./media/a.png", "media/b.png", "https://example.com/x"]

word = st.sampled_from(CHINESE + ENGLISH)
inline_piece = st.one_of(
    word,
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"`{w}`"),
    st.tuples(word, st.sampled_from(TARGETS)).map(lambda pair: f"[{pair[0]}]({pair[1]})"),
    st.tuples(word, st.sampled_from(TARGETS[:3])).map(lambda pair: f"![{pair[0]}]({pair[1]})"),
)
# A piece of text always starts with a word, so it never starts a block of its own.
inline = st.tuples(word, st.lists(inline_piece, min_size=0, max_size=5)).map(lambda t: " ".join([t[0], *t[1]]))
heading = st.tuples(st.integers(1, 4), inline).map(lambda t: "#" * t[0] + " " + t[1])
paragraph = st.lists(inline, min_size=1, max_size=3).map("\n".join)
list_items = st.lists(st.tuples(st.booleans(), inline), min_size=1, max_size=4)


def as_list(items, ordered):
    lines, number = [], 0
    for index, (nested, text) in enumerate(items):
        if nested and index:
            lines.append(f"  - {text}")
        else:
            number += 1
            lines.append(f"{number}) {text}" if ordered else f"- {text}")
    return "\n".join(lines)


lists = st.tuples(list_items, st.booleans()).map(lambda t: as_list(*t))
table = st.lists(st.tuples(word, inline), min_size=1, max_size=3).map(
    lambda rows: "| 名称 | Value |\n| --- | --- |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
)
code = st.tuples(st.sampled_from(["```", "~~~"]), inline).map(lambda t: f"{t[0]}bash\necho {t[1]}\n# {t[1]}\n{t[0]}")
quote = st.lists(inline, min_size=1, max_size=2).map(lambda lines: "\n".join(f"> {line}" for line in lines))
raw_html = inline.map(lambda text: f'<div class="note">{text}</div>')
block = st.one_of(heading, paragraph, lists, table, code, quote, raw_html)
documents = st.lists(block, min_size=1, max_size=8).map(lambda parts: "\n\n".join(parts) + "\n")


@given(documents)
@settings(max_examples=150, deadline=None)
def test_segments_join_back_to_the_source(document):
    pieces = split_markdown(document)
    assert join_markdown(pieces, lambda index, segment: segment.text) == document


class _TopLevel(HTMLParser):
    VOID = {"br", "img", "hr", "col"}

    def __init__(self):
        super().__init__()
        self.depth, self.count = 0, 0

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.count += 1
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1


@given(documents)
@settings(max_examples=100, deadline=None)
def test_every_segment_is_one_block(document):
    for segment in body_segments(document):
        found = [found for found in blocks.parse(segment.text) if found.kind != blocks.BLANK]
        assert len(found) == 1, segment
        assert found[0].kind == blocks.PARAGRAPH, segment
        parser = _TopLevel()
        parser.feed(markdown.render(segment.text).html)
        assert parser.count == 1, segment


def _english(msgid: str) -> str:
    """A stand-in translation: Chinese words become English ones, placeholders and code stay."""
    parts = re.split(r"(`[^`]*`)", msgid)
    return "".join(
        part if index % 2 else re.sub(r"[\u4e00-\u9fff]+", lambda match: f"w{len(match.group(0))}", part)
        for index, part in enumerate(parts)
    )


def _snapshot(article):
    return Article.objects.filter(pk=article.pk).values("title_en", "body_en", "summary_en").get()


@pytest.mark.django_db
@given(documents)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_export_then_import_of_a_po_file_is_a_no_op(document):
    article = factories.article(zh="属性测试", en="", body_zh=document)
    po = po_export.export_po(language="en", articles=[article])
    for entry in po:
        if entry.msgctxt.startswith("article:"):
            entry.msgstr = _english(entry.msgid)
    report = po_import.import_po(sources=[PoSource(name="en.po", text=str(po))])
    assert report.rejected == [], [str(problem) for problem in report.rejected]
    before = _snapshot(article)
    again = po_export.export_po(language="en", articles=[Article.objects.get(pk=article.pk)])
    assert not any(entry.fuzzy for entry in again)
    report = po_import.import_po(sources=[PoSource(name="en.po", text=str(again))])
    assert report.rejected == [] and report.updated == []
    assert _snapshot(article) == before
    assert isinstance(polib.pofile(str(again)), polib.POFile)
    assert all(isinstance(piece, str | Segment) for piece in split_markdown(before["body_en"]))
