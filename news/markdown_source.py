"""Markdown as site generators write it, made ready for Python-Markdown before it is converted.

Framework components dropped, Markdown inside block HTML rendered, lists
allowed to interrupt paragraphs (CommonMark).
"""

import re

from news.blocks import code_lines, split_code

# Raw HTML that some site generators put in Markdown: components of their
# front-end framework (<ClientOnly>, <news-newsHeader/>). They mean nothing
# here; the tags are dropped and any text inside them kept.
FRAMEWORK_TAG = re.compile(r"</?(?:[a-z][a-z0-9]*-[a-zA-Z0-9-]+|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")


def strip_framework_tags(text: str) -> str:
    """Drop front-end framework components outside code spans and blocks."""
    if "<" not in text:
        return text
    parts = split_code(text)
    return "".join(part if index % 2 else FRAMEWORK_TAG.sub("", part) for index, part in enumerate(parts))


_BLOCK_HTML_OPEN = re.compile(r"<(div|center)\b(?![^>\n]*\bmarkdown=)([^>\n]*?)(/?)>", re.I)
_ALIGN_CENTER = re.compile(r"""\salign\s*=\s*["']?center["']?""", re.I)
_CENTER_CLOSE = re.compile(r"</center\s*>", re.I)


def markdown_inside_html(text: str) -> str:
    """Render Markdown inside block HTML too.

    Site generators render Markdown within ``<div class="markdown">`` wrappers
    and ``<center>``; Python-Markdown keeps such blocks raw unless marked
    ``markdown="1"`` (md_in_html), which would show ``**bold**`` as text.
    ``<center>`` becomes a ``div`` the sanitiser keeps. Only tags that start
    a block (at the margin, after a blank line) are marked: inside a
    paragraph or a list item they are inline HTML, which md_in_html would
    mangle.
    """

    def mark(match):
        tag, attributes, closing = match.groups()
        if tag.lower() == "center" or (_ALIGN_CENTER.search(attributes) and "class=" not in attributes):
            attributes = ' class="center"' + _ALIGN_CENTER.sub("", attributes)
        return f'<div{attributes} markdown="1"{closing}>'

    def mark_blocks(part: str) -> str:
        lines = part.split("\n")
        for index, line in enumerate(lines):
            if index == 0 or not lines[index - 1].strip():
                lines[index] = _BLOCK_HTML_OPEN.sub(mark, line, count=1) if _BLOCK_HTML_OPEN.match(line) else line
        return _CENTER_CLOSE.sub("</div>", "\n".join(lines))

    lowered = text.lower()
    if "<div" not in lowered and "<center" not in lowered:
        return text
    parts = split_code(text)
    return "".join(part if index % 2 else mark_blocks(part) for index, part in enumerate(parts))


# A bullet, or an ordered list starting at 1: what may interrupt a paragraph in CommonMark.
_LIST_START = re.compile(r" {0,3}(?:[-*+]|1[.)])[ \t]+\S")
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-*+][ \t]|\d+[.)][ \t]|[#>|<]|```|~~~)| {4}|\t")


def lists_interrupt_paragraphs(text: str) -> str:
    """Let a list start right under a paragraph line, as CommonMark (and the site generators) do.

    Python-Markdown needs a blank line first; without one, "- item" lines
    would show as text with dashes.
    """
    lines = text.split("\n")
    code = code_lines(text)
    result, paragraph, in_list = [], False, False
    for number, line in enumerate(lines):
        if number in code:
            paragraph = False
            result.append(line)
            continue
        stripped = line.lstrip()
        if not stripped:
            in_list = paragraph = False
        elif _LIST_START.match(line):
            if paragraph and not in_list:
                result.append("")
            in_list, paragraph = True, False
        else:
            paragraph = not _NOT_PARAGRAPH.match(line)
        result.append(line)
    return "\n".join(result)


def framework_tags(text: str) -> list[str]:
    """The framework component tags ``render`` drops from ``text``, as written."""
    if "<" not in text:
        return []
    parts = split_code(text)
    return [tag for part in parts[::2] for tag in FRAMEWORK_TAG.findall(part)]
