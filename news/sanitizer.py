"""The sanitiser every stored HTML fragment passes through, and what it allows."""

import re

import nh3
from pygments.token import STANDARD_TYPES

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
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
FOOTNOTE_ID = {"li": re.compile(r"fn:[\w-]+"), "sup": re.compile(r"fnref\d*:[\w-]+")}


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
