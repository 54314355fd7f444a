"""The one structure of a Markdown body, for every consumer.

Rendering (what is code), translation segments, the importer's image
references and first heading all ask here, so they agree on what is a
block, what is code and which target an image means.
"""

from news.blocks.queries import (
    IMAGE_SUFFIXES,
    code_lines,
    first_heading,
    image_references,
    image_uses,
    normalize_target,
    outside_code,
    split_code,
)
from news.blocks.structure import (
    BLANK,
    CODE,
    FOOTNOTE,
    HEADING,
    HTML,
    LIST_ITEM,
    PARAGRAPH,
    REFERENCE,
    RULE,
    TABLE_DELIMITER,
    TABLE_ROW,
    TEXT_KINDS,
    Block,
    Span,
    parse,
    split_lines,
)

__all__ = [
    "BLANK",
    "CODE",
    "FOOTNOTE",
    "HEADING",
    "HTML",
    "IMAGE_SUFFIXES",
    "LIST_ITEM",
    "PARAGRAPH",
    "REFERENCE",
    "RULE",
    "TABLE_DELIMITER",
    "TABLE_ROW",
    "TEXT_KINDS",
    "Block",
    "Span",
    "code_lines",
    "first_heading",
    "image_references",
    "image_uses",
    "normalize_target",
    "outside_code",
    "parse",
    "split_code",
    "split_lines",
]  # fmt: skip
