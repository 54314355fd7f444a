"""The one Markdown pipeline: render, then sanitise.

Used when an article is saved, by the admin preview, by the importer and by
tests, so that what an editor previews is what a visitor reads.
"""

import html
import posixpath
import re
import string
import threading
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.treeprocessors import Treeprocessor
from pygments.formatters.html import HtmlFormatter
from pygments.token import STANDARD_TYPES

from news.blocks import code_lines, normalize_target, split_code

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
_COMMON_ATTRIBUTES = {"class", "id", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON_ATTRIBUTES,
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "div": {"tabindex", "role", "aria-label"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The classes a body may carry: those the pipeline emits and the site's CSS styles in article bodies
# (Pygments' token classes, code blocks, footnotes, the table of contents, scrolling tables,
# centred blocks). Nothing else, so that a body cannot dress up as the site's own notices.
CONTENT_CLASSES = frozenset(
    {name for name in STANDARD_TYPES.values() if name}
    | {"highlight", "hll", "footnote", "footnote-ref", "footnote-backref", "toc", "table-scroll", "center"}
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_FOOTNOTE_ID = {"li": re.compile(r"fn:[\w-]+"), "sup": re.compile(r"fnref\d*:[\w-]+")}
EXTERNAL_LINK_REL = "noopener nofollow ugc"

# Raw HTML that some site generators put in Markdown: components of their
# front-end framework (<ClientOnly>, <news-newsHeader/>). They mean nothing
# here; the tags are dropped and any text inside them kept.
FRAMEWORK_TAG = re.compile(r"</?(?:[a-z][a-z0-9]*-[a-zA-Z0-9-]+|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")

_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK punctuation
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x2FA1F),
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


CJK_CLASS = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _CJK_RANGES)
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
class ImageRef:
    """An image the body may point at: where it is served, and its size."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    srcset: str = ""
    sizes: str = ""


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    headings: tuple[tuple[int, str, str], ...]  # (level, id, text)


def normalize_reference(reference: str) -> str:
    """``./media/a.png``, ``media/a.png`` and ``/media/a.png`` all become ``media/a.png`` (an uploaded image's key)."""
    return normalize_target(reference).lstrip("/")


def resolve_image(src: str, images: dict[str, ImageRef]) -> ImageRef | None:
    """The stored image a body reference means, or None.

    External http(s) images are kept as they are; any other reference must
    match an uploaded image by its path, else by its file name.
    """
    parts = urlsplit(src)
    if parts.scheme in ("http", "https"):
        return ImageRef(url=src)
    if parts.scheme:
        return None
    key = normalize_reference(parts.path)
    if not key:
        return None
    if key in images:
        return images[key]
    basename = posixpath.basename(key)
    matches = [ref for name, ref in images.items() if posixpath.basename(name) == basename]
    return matches[0] if len(matches) == 1 else None


def heading_slug(value: str, separator: str = "-") -> str:
    """Heading anchors that keep Chinese text readable (``#安装步骤``)."""
    value = unicodedata.normalize("NFKC", value)
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value) or "section"


def same_text(first: str, second: str) -> bool:
    """Whether two texts say the same, ignoring whitespace, case and half/full-width forms (NFKC)."""
    return _comparable(first) == _comparable(second)


def _comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def first_paragraph_text(body_html: str) -> str:
    """The text of the first paragraph of rendered HTML, "" when there is none."""
    match = _FIRST_PARAGRAPH.search(body_html)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)


def display_size(
    width: str | int | None, height: str | int | None, *, natural: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    """The ``width`` and ``height`` an ``<img>`` gets, so the browser reserves its box before it loads.

    As written when both are given; a width alone (``<img width="400">``) gets
    the height of the image's aspect ratio, and a height alone the width;
    neither: the image's own size. A value that is not a whole number of
    pixels (``50%``) is left to the browser, with no partner computed from it.
    """
    natural_width, natural_height = natural

    def pixels(value) -> int | None:
        text = str(value or "").strip().removesuffix("px")
        return int(text) if text.isdigit() and int(text) > 0 else None

    given_width, given_height = pixels(width), pixels(height)
    if not natural_width or not natural_height:
        return given_width, given_height
    if given_width and not given_height and not height:
        return given_width, round(given_width * natural_height / natural_width)
    if given_height and not given_width and not width:
        return round(given_height * natural_width / natural_height), given_height
    if not width and not height:
        return natural_width, natural_height
    return given_width, given_height


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
            pattern = _FOOTNOTE_ID.get(element.tag)
            if element.tag in _HEADINGS or (pattern is not None and pattern.fullmatch(value)):
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


def _strip_framework_tags(text: str) -> str:
    """Drop front-end framework components outside code spans and blocks."""
    if "<" not in text:
        return text
    parts = split_code(text)
    return "".join(part if index % 2 else FRAMEWORK_TAG.sub("", part) for index, part in enumerate(parts))


_BLOCK_HTML_OPEN = re.compile(r"<(div|center)\b(?![^>\n]*\bmarkdown=)([^>\n]*?)(/?)>", re.I)
_ALIGN_CENTER = re.compile(r"""\salign\s*=\s*["']?center["']?""", re.I)
_CENTER_CLOSE = re.compile(r"</center\s*>", re.I)


def _markdown_inside_html(text: str) -> str:
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


def _lists_interrupt_paragraphs(text: str) -> str:
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


def _attribute_filter(ids: frozenset[str] | set[str]):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            kept = [name for name in value.split() if name in CONTENT_CLASSES]
            return " ".join(kept) or None
        if attribute == "id":
            return value if value in ids else None
        return value

    return keep


def sanitize(raw_html: str, *, ids: frozenset[str] | set[str] = frozenset()) -> str:
    """The sanitiser every stored HTML fragment passes through.

    ``ids`` are the ids the renderer made (heading anchors, footnotes); any
    other id is dropped, and so is any class outside ``CONTENT_CLASSES``.
    """
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_attribute_filter(ids),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
    )


_TAG_ATTRIBUTES = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_A_TAG = re.compile(r"<a\b([^>]*)>")


def _attributes(source: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _TAG_ATTRIBUTES.findall(source)}


def _format_attributes(attrs: dict[str, str | int | None]) -> str:
    return "".join(
        f' {name}="{html.escape(str(value), quote=True)}"' for name, value in attrs.items() if value not in (None, "")
    )


def _resolve_images(clean_html: str, images: dict[str, ImageRef]) -> str:
    def replace(match):
        attrs = _attributes(match.group(1))
        alt = attrs.get("alt", "")
        ref = resolve_image(attrs.get("src", ""), images)
        if ref is None:
            label = alt or posixpath.basename(attrs.get("src", "")) or "image"
            return (
                f'<span class="image-missing" role="img" aria-label="{html.escape(label)}">{html.escape(label)}</span>'
            )
        width, height = display_size(attrs.get("width"), attrs.get("height"), natural=(ref.width, ref.height))
        # A size that is no pixel count (50%) is the browser's to work out.
        width, height = width or attrs.get("width"), height or attrs.get("height")
        external = urlsplit(ref.url).scheme in ("http", "https")
        new = {
            "src": ref.url,
            "width": width,
            "height": height,
            # An image on another site learns nothing of the page that shows it.
            "referrerpolicy": "no-referrer" if external else None,
            "srcset": ref.srcset,
            "sizes": ref.sizes if ref.srcset else None,
            "title": attrs.get("title"),
            "class": attrs.get("class"),
            "loading": "lazy",
            "decoding": "async",
        }
        return f'<img alt="{html.escape(alt or ref.alt)}"{_format_attributes(new)}>'

    return _IMG_TAG.sub(replace, clean_html)


def _mark_external_links(clean_html: str) -> str:
    def replace(match):
        attrs = _attributes(match.group(1))
        href = attrs.get("href", "")
        if urlsplit(href).scheme in ("http", "https") or href.startswith("//"):
            attrs["rel"] = EXTERNAL_LINK_REL
        return "<a" + _format_attributes(attrs) + ">"

    return _A_TAG.sub(replace, clean_html)


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
    text = _lists_interrupt_paragraphs(_markdown_inside_html(_strip_framework_tags(text)))
    md = _markdown(title, extensions=needed_extensions(text))
    raw = md.convert(text)
    clean = sanitize(raw, ids=md.portal_ids)
    clean = _resolve_images(clean, images or {})
    clean = _mark_external_links(clean)
    headings = tuple(_flatten_toc(md.toc_tokens))
    toc = sanitize(md.toc) if len(headings) >= 3 else ""
    return Rendered(html=clean, toc_html=toc, headings=headings)


def _flatten_toc(tokens):
    for token in tokens:
        yield (token["level"], token["id"], html.unescape(re.sub(r"<[^>]+>", "", token["name"])))
        yield from _flatten_toc(token.get("children", []))
