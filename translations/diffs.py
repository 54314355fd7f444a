"""Word-level differences between two texts, as HTML with ``<del>`` and ``<ins>``.

Latin text is compared word by word; Chinese (and other CJK) text has no
spaces between words, so each of its characters counts as a word.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
    r"|\{\d+\}|\w+|\s+|[^\w\s]",
)


def tokens(text: str) -> list[str]:
    """``text`` cut into words, spaces and punctuation; a CJK character is a word of its own."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with what ``old`` had instead marked ``<del>`` and what it added marked ``<ins>``; escaped."""
    a, b = tokens(old), tokens(new)
    parts = []
    for tag, a_start, a_end, b_start, b_end in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = "".join(a[a_start:a_end]), "".join(b[b_start:b_end])
        if tag == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))
