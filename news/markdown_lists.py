"""CommonMark list rules for Python-Markdown: two-space nesting and ``1)`` ordered lists.

Python-Markdown nests a list only under four spaces and knows ``1.`` only;
the community's Markdown is written for CommonMark renderers, where a child
item needs no more indent than its parent's text (``- a`` / ``  - b``) and
``1)`` starts an ordered list. This preprocessor rewrites list lines into the
form Python-Markdown reads: every level four spaces deeper than its parent,
``N)`` as ``N.``, continuation lines and fenced code inside items moved along
with their item. Lines outside lists are left as written.
"""

import re
from dataclasses import dataclass

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])( {1,4}(?=\S)| *$)(.*)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r" *(`{3,}|~{3,})")
_STEP = 4  # Python-Markdown's tab length: one nesting level


@dataclass
class _Item:
    content: int  # the column its text starts at, as written
    rewritten: int  # the column its continuation lines get


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shifted(line: str, shift: int) -> str:
    if shift >= 0:
        return " " * shift + line
    return line[min(-shift, _indent(line)) :]


def commonmark_lists(lines: list[str]) -> list[str]:
    """``lines`` with their lists rewritten for Python-Markdown's list rules (see the module docstring)."""
    result: list[str] = []
    stack: list[_Item] = []
    fence: str | None = None
    shift = 0
    blank_before, heading_before = True, False
    block_indent = 0  # the indent of a block of continuation lines that began after a blank line
    for line in lines:
        if fence is not None:
            result.append(_shifted(line, shift))
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if not line.strip():
            result.append(line)
            blank_before, block_indent = True, 0
            continue
        item = _ITEM.match(line)
        # Only a list already open, a blank line or a heading lets an item begin (a paragraph
        # line "2) ..." is text, as in CommonMark; the lists that may interrupt one got their blank line).
        if item and not _RULE.match(line) and (stack or blank_before or heading_before):
            rewritten = _rewrite_item(item, stack)
            if _indent(rewritten) < block_indent:
                # Python-Markdown would read the item as more text of that block.
                result.append("")
                block_indent = 0
            result.append(rewritten)
        else:
            rewritten = _rewrite_continuation(line, stack, blank_before)
            if blank_before:
                block_indent = _indent(rewritten)
            opening = _FENCE.match(line)
            if opening:
                fence, shift = opening.group(1), len(rewritten) - len(line)
            result.append(rewritten)
        blank_before, heading_before = False, line.lstrip().startswith("#")
    return result


def _rewrite_item(item: re.Match, stack: list[_Item]) -> str:
    indent, marker, space, text = item.groups()
    width = len(indent)
    while stack and width < stack[-1].content:
        stack.pop()
    if not stack and width >= _STEP:
        return item.group(0)  # an indented code block
    if marker.endswith(")"):
        marker = marker[:-1] + "."
    space = space or " "
    depth = len(stack)
    stack.append(_Item(content=width + len(marker) + len(space), rewritten=_STEP * (depth + 1)))
    return " " * (_STEP * depth) + marker + space + text


def _rewrite_continuation(line: str, stack: list[_Item], blank_before: bool) -> str:
    if not stack:
        return line
    width = _indent(line)
    if not blank_before:
        # A lazy or indented line of the deepest item's paragraph.
        owner = stack[-1]
        return " " * (owner.rewritten + max(0, width - owner.content)) + line.lstrip(" ")
    while stack and width < stack[-1].content:
        stack.pop()
    if not stack:
        return line  # the list has ended
    owner = stack[-1]
    return " " * (owner.rewritten + width - owner.content) + line.lstrip(" ")


class _ListPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return commonmark_lists(lines)


class CommonMarkListExtension(Extension):
    """Registers the list rewriting after tabs are expanded (30) and before fenced code (25) and raw HTML (20)."""

    def extendMarkdown(self, md):
        md.preprocessors.register(_ListPreprocessor(md), "commonmark_lists", 28)


def makeExtension(**kwargs):
    return CommonMarkListExtension(**kwargs)
