"""The one Markdown pipeline: render, then sanitise.

Used when an article is saved, by the admin preview, by the importer and by
tests, so that what an editor previews is what a visitor reads.
"""

import re
import string
import threading
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import ClassVar

import markdown as markdown_lib
from markdown.extensions import Extension
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.treeprocessors import Treeprocessor
from pygments.formatters.html import HtmlFormatter

from news.cjk import CJK_CLASS, is_cjk
from news.markdown_html import (
    EXTERNAL_LINK_REL,
    ImageRef,
    display_size,
    first_paragraph_text,
    mark_external_links,
    markup_text,
    normalize_reference,
    resolve_image,
    resolve_images,
    same_text,
)
from news.markdown_source import (
    FRAMEWORK_TAG,
    framework_tags,
    lists_interrupt_paragraphs,
    markdown_inside_html,
    strip_framework_tags,
)
from news.sanitizer import CONTENT_CLASSES, FOOTNOTE_ID, HEADINGS, sanitize

__all__ = [
    "CJK_CLASS", "CONTENT_CLASSES", "EXTERNAL_LINK_REL", "FRAMEWORK_TAG", "ImageRef", "Rendered", "display_size",
    "first_paragraph_text", "framework_tags", "is_cjk", "normalize_reference", "render", "resolve_image",
    "same_text", "sanitize",
]  # fmt: skip

_CJK_SOFT_BREAK = re.compile(f"(?<=[{CJK_CLASS}])[ \\t]*\\n[ \\t]*(?=[{CJK_CLASS}])")
_CJK_BREAK_AT_START = re.compile(f"^[ \\t]*\\n[ \\t]*(?=[{CJK_CLASS}])")
_CJK_BREAK_AT_END = re.compile(f"(?<=[{CJK_CLASS}])[ \\t]*\\n[ \\t]*$")


def _starts_cjk(element) -> bool:
    first = "".join(element.itertext())[:1]
    return bool(first) and is_cjk(first)


def _ends_cjk(element) -> bool:
    last = "".join(element.itertext())[-1:]
    return bool(last) and is_cjk(last)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    headings: tuple[tuple[int, str, str], ...]  # (level, id, text)


def heading_slug(value: str, separator: str = "-") -> str:
    """Heading anchors that keep Chinese text readable (``#安装步骤``)."""
    value = unicodedata.normalize("NFKC", value)
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value) or "section"


class _PortalTreeprocessor(Treeprocessor):
    """Fidelity fixes on the parsed tree, before anchors and the TOC are made."""

    def __init__(self, md, title: str):
        super().__init__(md)
        self.title = title

    def run(self, root):
        self._drop_repeated_title(root)
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"  # the page's <h1> is the article title
        self._join_cjk_lines(root)
        self._wrap_tables(root)

    def _drop_repeated_title(self, root):
        parent, first = root, next(iter(root), None)
        # Site generators wrap the whole text in <div class="markdown">.
        while first is not None and first.tag == "div" and not (first.text or "").strip():
            parent, first = first, next(iter(first), None)
        if first is not None and first.tag == "h1" and self.title:
            text = "".join(first.itertext())
            if same_text(text, self.title):
                parent.remove(first)

    def _join_cjk_lines(self, element):
        if element.tag in ("pre", "code"):
            return
        children = list(element)
        if element.text:
            element.text = _CJK_SOFT_BREAK.sub("", element.text)
            if children and _starts_cjk(children[0]):
                element.text = _CJK_BREAK_AT_END.sub("", element.text)
        for child, following in zip(children, [*children[1:], None], strict=False):
            self._join_cjk_lines(child)
            tail = child.tail or ""
            if not tail:
                continue
            # A soft break split by inline markup: "中文**粗体**\n中文", "中文\n**粗体**中文".
            if tail.strip() == "" and "\n" in tail:
                if following is not None and _ends_cjk(child) and _starts_cjk(following):
                    tail = ""
            else:
                tail = _CJK_SOFT_BREAK.sub("", tail)
                if _ends_cjk(child):
                    tail = _CJK_BREAK_AT_START.sub("", tail)
                if following is not None and _starts_cjk(following):
                    tail = _CJK_BREAK_AT_END.sub("", tail)
            child.tail = tail

    def _wrap_tables(self, root):
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrapper = etree.Element("div", {"class": "table-scroll", "tabindex": "0", "role": "region"})
                    wrapper.set("aria-label", "table")
                    parent.remove(child)
                    wrapper.append(child)
                    wrapper.tail, child.tail = child.tail, None
                    parent.insert(index, wrapper)


class _IdStripper(Treeprocessor):
    """Ids written in raw HTML blocks that Markdown parses (``<h2 markdown="1" id="…">``) are dropped early,
    so that the table of contents gives those headings anchors of its own."""

    def run(self, root):
        for element in root.iter():
            element.attrib.pop("id", None)


class _IdCollector(Treeprocessor):
    """Records the ids the pipeline made (heading anchors, footnotes): the only ids the sanitiser keeps."""

    def run(self, root):
        made = self.md.portal_ids
        for element in root.iter():
            value = element.get("id")
            if not value or not isinstance(element.tag, str):
                continue
            pattern = FOOTNOTE_ID.get(element.tag)
            if element.tag in HEADINGS or (pattern is not None and pattern.fullmatch(value)):
                made.add(value)


class _PortalExtension(Extension):
    def __init__(self, title: str = "", **kwargs):
        self.title = title
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # A backslash before any ASCII punctuation is an escape (CommonMark).
        md.ESCAPED_CHARS = list(string.punctuation)
        # A backslash ending a line is a hard line break (CommonMark); after code spans (190), before escapes (180).
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\\n", "br"), "backslash-break", 185)
        # Priority above the toc extension's (5) so anchors see the final headings.
        md.treeprocessors.register(_PortalTreeprocessor(md, self.title), "portal", 6)
        # Before any other tree processor (footnotes: 50, inline: 20, toc: 5), and after all of them.
        md.treeprocessors.register(_IdStripper(md), "portal-strip-ids", 100)
        md.treeprocessors.register(_IdCollector(md), "portal-collect-ids", 1)
        md.portal_ids = set()


class _HtmlFormatter(HtmlFormatter):
    """Pygments' HTML formatter with its style table built once per style, not once per code block.

    Building the table costs more than highlighting a short block; the table
    is only read afterwards.
    """

    _tables: ClassVar[dict] = {}

    def __init__(self, lang_str: str = "", **options):
        super().__init__(**options)

    def _create_stylesheet(self):
        key = (self.style, self.classprefix)
        if key not in self._tables:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        self.ttype2class, self.class2style = self._tables[key]


_converters = threading.local()
# news.markdown_lists: CommonMark's list rules (two-space nesting, "1)") on top of sane_lists.
EXTENSIONS = [
    "tables", "fenced_code", "footnotes", "sane_lists", "news.markdown_lists", "md_in_html", "codehilite", "toc",
]  # fmt: skip
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)", re.M)


def needed_extensions(text: str) -> frozenset[str]:
    """The extensions whose syntax the text may use; the others would leave its HTML unchanged."""
    fenced = "```" in text or "~~~" in text
    skip = set()
    if "|" not in text:
        skip.add("tables")
    if "[^" not in text:
        skip.add("footnotes")
    if not fenced:
        skip.add("fenced_code")
        if not _INDENTED_CODE.search(text):
            skip.add("codehilite")
    return frozenset(name for name in EXTENSIONS if name not in skip)


def _markdown(title: str, *, extensions: frozenset[str] = frozenset(EXTENSIONS)) -> markdown_lib.Markdown:
    """A converter set up for ``title``; one per thread and set of extensions, reset between texts.

    Building one costs as much as converting a short article, and every
    extension costs time on every text, used or not.
    """
    cache = getattr(_converters, "by_extensions", None)
    if cache is None:
        cache = _converters.by_extensions = {}
    md = cache.get(extensions)
    if md is None:
        md = cache[extensions] = _new_markdown(extensions)
    md.reset()
    md.portal_ids = set()
    md.treeprocessors["portal"].title = title
    return md


def _new_markdown(extensions: frozenset[str] = frozenset(EXTENSIONS)) -> markdown_lib.Markdown:
    return markdown_lib.Markdown(
        extensions=[*(name for name in EXTENSIONS if name in extensions), _PortalExtension()],
        extension_configs={
            "codehilite": {
                "css_class": "highlight",
                "guess_lang": False,
                "use_pygments": True,
                "pygments_formatter": _HtmlFormatter,
            },
            # The default back-link title is an English sentence, also on Chinese pages.
            "footnotes": {"BACKLINK_TITLE": ""},
            "toc": {"slugify": heading_slug, "toc_depth": "2-4", "anchorlink": False, "permalink": False},
        },
        output_format="html",
    )


def render(text: str, *, images: dict[str, ImageRef] | None = None, title: str = "") -> Rendered:
    """Markdown to sanitised HTML, with its table of contents.

    ``images`` maps normalised reference names (``media/image1.jpeg``) to the
    stored images they stand for; an unresolved relative image becomes a
    visible placeholder carrying its alt text. ``title`` is the article
    title: a first ``# H1`` repeating it is not shown twice.
    """
    if not text.strip():
        return Rendered(html="", toc_html="", headings=())
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = lists_interrupt_paragraphs(markdown_inside_html(strip_framework_tags(text)))
    md = _markdown(title, extensions=needed_extensions(text))
    raw = md.convert(text)
    clean = sanitize(raw, ids=md.portal_ids)
    clean = resolve_images(clean, images or {})
    clean = mark_external_links(clean)
    headings = tuple(_flatten_toc(md.toc_tokens))
    toc = sanitize(md.toc) if len(headings) >= 3 else ""
    return Rendered(html=clean, toc_html=toc, headings=headings)


def _flatten_toc(tokens):
    for token in tokens:
        yield (token["level"], token["id"], markup_text(token["name"]))
        yield from _flatten_toc(token.get("children", []))
