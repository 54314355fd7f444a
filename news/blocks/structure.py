"""The scanner: a Markdown body's blocks, with their line ranges and kinds.

It follows CommonMark where it matters for real content: fences
of backticks and tildes, indented code, nested lists indented by two
spaces, ``1)`` ordered lists, quotes, tables, raw HTML blocks, footnotes
and reference definitions.

Every line of the body belongs to exactly one block. A block that carries
inline text says where that text is on each of its lines (``spans``), so a
consumer can cut the text out and put another text in its place without
touching anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLANK = "blank"
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list-item"
TABLE_ROW = "table-row"
TABLE_DELIMITER = "table-delimiter"
CODE = "code"
HTML = "html"
FOOTNOTE = "footnote"
REFERENCE = "reference"
RULE = "rule"

TEXT_KINDS = frozenset({HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW, FOOTNOTE})


@dataclass(frozen=True)
class Span:
    """Inline text on one line: ``line`` (from 0), columns ``begin`` to ``end``."""

    line: int
    begin: int
    end: int


@dataclass(frozen=True)
class Block:
    """Lines ``start`` to ``end`` (exclusive, from 0) of one kind.

    ``depth`` is the list nesting (1 for a top-level item, 0 outside lists),
    ``quote`` how many ``>`` contain the block, ``level`` a heading's level,
    ``header`` whether a table row is the header row. ``spans`` locate the
    inline text: one per line for text blocks, one per cell for table rows.
    """

    kind: str
    start: int
    end: int
    depth: int = 0
    quote: int = 0
    level: int = 0
    header: bool = False
    spans: tuple[Span, ...] = ()

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS and bool(self.spans)


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX = re.compile(r"^(?P<marker>[ ]{0,3}(?P<level>#{1,6}))(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^[ ]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[-*+]|(?P<number>\d{1,9})[.)])(?P<space>[ \t]+|$)")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_REFERENCE = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:")
_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]\n]+\]:[ \t]*")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML_START = re.compile(r"^[ ]{0,3}<(?:(?P<comment>!--)|/?(?P<tag>[A-Za-z][\w-]*))")
_HTML_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "audio", "blockquote", "canvas", "center", "details", "dialog", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "iframe", "main", "map", "math", "nav", "noscript", "object", "ol", "p", "pre", "script", "section",
    "style", "summary", "svg", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video",
})  # fmt: skip


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _is_html(line: str) -> bool:
    match = _HTML_START.match(line)
    if not match:
        return False
    tag = match["tag"] or ""
    # Front-end framework components (<ClientOnly>, <news-header/>) are raw HTML too.
    return bool(match["comment"]) or tag.lower() in _HTML_BLOCK_TAGS or "-" in tag or tag[:1].isupper()


def _list_item(line: str) -> re.Match | None:
    match = _LIST_ITEM.match(line)
    if match and not _RULE.match(line):
        return match
    return None


def _interrupts_paragraph(line: str) -> bool:
    """A line that ends a paragraph: in CommonMark a list interrupts one only with ``-`` or ``1.``."""
    if not line.strip() or _FENCE.match(line) or _ATX.match(line) or _QUOTE.match(line) or _RULE.match(line):
        return True
    if _is_html(line) or _FOOTNOTE.match(line) or _REFERENCE.match(line):
        return True
    item = _list_item(line)
    return bool(item and item["space"] and (item["number"] is None or item["number"] == "1"))


def _text_span(number: int, line: str, begin: int, *, last: bool) -> Span:
    while begin < len(line) and line[begin] in " \t":
        begin += 1
    end = len(line.rstrip()) if last else len(line)
    return Span(number, begin, max(begin, end))


def _cells(number: int, line: str, begin: int) -> tuple[Span, ...]:
    """One span per cell; pipes inside code spans or escaped do not split."""
    end = len(line.rstrip())
    start = begin + (len(line[begin:]) - len(line[begin:].lstrip()))
    if line[start : start + 1] == "|":
        start += 1
    if end > start and line[end - 1] == "|" and line[end - 2 : end] != "\\|":
        end -= 1
    bounds, cell_start, in_code = [], start, False
    for index in range(start, end):
        char = line[index]
        if char == "`":
            in_code = not in_code
        elif char == "|" and not in_code and line[index - 1] != "\\":
            bounds.append((cell_start, index))
            cell_start = index + 1
    bounds.append((cell_start, end))
    spans = []
    for low, high in bounds:
        text = line[low:high]
        left = low + len(text) - len(text.lstrip())
        right = low + len(text.rstrip())
        spans.append(Span(number, left, max(left, right)))
    return tuple(spans)


class _Scanner:
    """Blocks of a list of lines, each with the column where its container's content starts."""

    def __init__(self, lines: list[str], offsets: list[int], quote: int):
        self.lines, self.offsets, self.quote = lines, offsets, quote
        self.blocks: list[Block] = []
        self.items: list[tuple[int, int]] = []  # open list items: (marker indent, content indent)

    def add(self, kind: str, start: int, end: int, **fields) -> None:
        self.blocks.append(Block(kind=kind, start=start, end=end, quote=self.quote, **fields))

    def text_spans(self, start: int, end: int, first_begin: int) -> tuple[Span, ...]:
        spans = []
        for index in range(start, end):
            begin = first_begin if index == start else self.offsets[index]
            spans.append(_text_span(index, self.lines[index], begin, last=index == end - 1))
        return tuple(spans)

    def body(self, index: int) -> str:
        return self.lines[index][self.offsets[index] :]

    def scan(self) -> list[Block]:
        index, count = 0, len(self.lines)
        while index < count:
            index = self.step(index, count)
        return self.blocks

    def close_items(self, indent: int) -> int:
        """Close the list items a line indented by ``indent`` is not inside; return how many stay open."""
        while self.items and indent < self.items[-1][1]:
            self.items.pop()
        return len(self.items)

    def step(self, index: int, count: int) -> int:
        text = self.body(index)
        if not text.strip():
            self.add(BLANK, index, index + 1)
            return index + 1
        indent = _indent(text)
        item = _list_item(text)
        open_items = self.close_items(indent)
        code_indent = (self.items[-1][1] if open_items else 0) + 4
        if indent >= code_indent and not item:
            end = index + 1
            while end < count and (_indent(self.body(end)) >= code_indent or not self.body(end).strip()):
                end += 1
            while end > index + 1 and not self.body(end - 1).strip():
                end -= 1
            self.add(CODE, index, end)
            return end
        if fence := _FENCE.match(text):
            marker = fence["fence"]
            closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            end = index + 1
            while end < count and not closing.match(self.body(end)):
                end += 1
            self.add(CODE, index, min(end + 1, count))
            return min(end + 1, count)
        if _is_html(text):
            comment = text.lstrip().startswith("<!--")
            end = index + 1
            if comment and "-->" not in text:
                while end < count and "-->" not in self.body(end):
                    end += 1
                end = min(end + 1, count)
            while end < count and self.body(end).strip():
                end += 1
            self.add(HTML, index, end)
            self.items.clear()
            return end
        if _RULE.match(text) and not (self.blocks and self.blocks[-1].kind == PARAGRAPH and _SETEXT.match(text)):
            self.add(RULE, index, index + 1)
            return index + 1
        if heading := _ATX.match(text):
            begin = self.offsets[index] + heading.end("marker")
            spans = (_atx_span(index, self.lines[index], begin),) if heading["text"] else ()
            self.add(HEADING, index, index + 1, level=len(heading["level"]), spans=spans)
            self.items.clear()
            return index + 1
        if _REFERENCE.match(text):
            self.add(REFERENCE, index, index + 1)
            return index + 1
        if (
            "|" in text
            and index + 1 < count
            and "-" in self.body(index + 1)
            and _TABLE_DELIMITER.match(self.body(index + 1))
        ):
            self.add(
                TABLE_ROW, index, index + 1, header=True, spans=_cells(index, self.lines[index], self.offsets[index])
            )
            self.add(TABLE_DELIMITER, index + 1, index + 2)
            end = index + 2
            while end < count and self.body(end).strip() and "|" in self.body(end):
                self.add(TABLE_ROW, end, end + 1, spans=_cells(end, self.lines[end], self.offsets[end]))
                end += 1
            self.items.clear()
            return end
        if footnote := _FOOTNOTE.match(text):
            end = self.continuation(index + 1, count)
            begin = self.offsets[index] + footnote.end()
            self.add(
                FOOTNOTE, index, end, spans=self.text_spans(index, end, begin) if text[footnote.end() :].strip() else ()
            )
            return end
        if item:
            marker_indent = _indent(item["indent"])
            depth = open_items + 1
            content = (
                len(text[: item.end()].expandtabs(4)) if item["space"] else marker_indent + len(item["bullet"]) + 1
            )
            self.items.append((marker_indent, content))
            end = self.continuation(index + 1, count)
            begin = self.offsets[index] + item.end()
            has_text = bool(text[item.end() :].strip())
            self.add(LIST_ITEM, index, end, depth=depth, spans=self.text_spans(index, end, begin) if has_text else ())
            return end
        end = index + 1
        while end < count and not _interrupts_paragraph(self.body(end)) and not _SETEXT.match(self.body(end)):
            end += 1
        depth = open_items
        if end < count and _SETEXT.match(self.body(end)) and not _list_item(self.body(end)):
            level = 1 if self.body(end).strip().startswith("=") else 2
            self.add(
                HEADING, index, end, level=level, depth=depth, spans=self.text_spans(index, end, self.offsets[index])
            )
            self.add(RULE, end, end + 1)
            return end + 1
        self.add(PARAGRAPH, index, end, depth=depth, spans=self.text_spans(index, end, self.offsets[index]))
        return end

    def continuation(self, index: int, count: int) -> int:
        """The end of a list item's or footnote's first paragraph: lines that start no block of their own."""
        while index < count:
            line = self.body(index)
            if _interrupts_paragraph(line) or _SETEXT.match(line) or _list_item(line):
                break
            index += 1
        return index


def _atx_span(number: int, line: str, begin: int) -> Span:
    span = _text_span(number, line, begin, last=True)
    text = line[span.begin : span.end]
    closing = re.search(r"[ \t]+#+$", text)
    return Span(number, span.begin, span.begin + closing.start()) if closing else span


def split_lines(body: str) -> list[str]:
    """The body's lines, whatever its line ends (a final newline gives no extra line)."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" and len(lines) > 1 else lines


def parse(body: str) -> list[Block]:
    """Every block of ``body`` in order; together they cover each line once."""
    lines = split_lines(body)
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return _parse(lines, [0] * len(lines), quote=0)


def _parse(lines: list[str], offsets: list[int], *, quote: int) -> list[Block]:
    blocks: list[Block] = []
    index, count = 0, len(lines)
    while index < count:
        if _QUOTE.match(lines[index][offsets[index] :]):
            end = index
            while end < count and _QUOTE.match(lines[end][offsets[end] :]):
                end += 1
            inner = [offsets[k] + _QUOTE.match(lines[k][offsets[k] :]).end() for k in range(index, end)]
            quoted = _parse(lines[index:end], inner, quote=quote + 1)
            blocks.extend(_shift(block, index) for block in quoted)
            index = end
            continue
        end = index
        while end < count and not _QUOTE.match(lines[end][offsets[end] :]):
            end += 1
        # A run of lines outside quotes at this level, scanned as one.
        scanned = _Scanner(lines[index:end], offsets[index:end], quote).scan()
        blocks.extend(_shift(block, index) for block in scanned)
        index = end
    return blocks


def _shift(block: Block, by: int) -> Block:
    if not by:
        return block
    spans = tuple(Span(span.line + by, span.begin, span.end) for span in block.spans)
    return Block(
        kind=block.kind,
        start=block.start + by,
        end=block.end + by,
        depth=block.depth,
        quote=block.quote,
        level=block.level,
        header=block.header,
        spans=spans,
    )
