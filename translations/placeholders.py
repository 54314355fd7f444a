"""What a translator must not touch inside a segment, as numbered placeholders.

Link and image targets, inline HTML, footnote marks and bare URLs become
``{1}``, ``{2}``… in the text offered for translation; inline code stays as
it is but must come back unchanged. Two spellings of one target
(``./media/a.png`` and ``media/a.png``) are one placeholder
(``news.blocks.normalize_target``).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from news.blocks import normalize_target

_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<dest>\]\([ \t]*(?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\))"
    r"|(?P<ref>\]\[[^\[\]\n]*\])"
    r"|(?P<footnote>\[\^[^\[\]\s]+\])"
    r"|(?P<autolink><(?:https?|ftp|mailto):[^<>\s]+>|<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>)"
    r"|(?P<html><!--.*?-->|</?[A-Za-z][\w-]*(?:[\s/][^<>]*)?>)"
    r"|(?P<url>(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"\u3001\u3002\u300d\u300f\u3011\uff01\uff09\uff0c\uff1a\uff1b\uff1f])"
    r"|(?P<literal>\{\d+\})",
    re.S,
)
_PLACEHOLDER = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class Protected:
    """A segment as translators see it: targets replaced by ``{1}``, ``{2}``…"""

    text: str
    placeholders: tuple[str, ...]
    code: tuple[str, ...]


def protect(text: str) -> Protected:
    """Replace link and image targets, inline HTML and URLs by numbered placeholders."""
    placeholders: list[str] = []
    code: list[str] = []

    def replace(match: re.Match) -> str:
        kind = match.lastgroup if match.lastgroup != "ticks" else "code"
        token = match.group(0)
        if match["code"]:
            code.append(token)
            return token
        placeholders.append(token)
        number = f"{{{len(placeholders)}}}"
        if kind == "dest":
            return f"]({number})"
        if kind == "ref":
            return f"][{number}]"
        return number

    return Protected(text=_INLINE.sub(replace, text), placeholders=tuple(placeholders), code=tuple(code))


def placeholder_value(token: str) -> str:
    """The part of a token a placeholder stands for (without the brackets the text keeps)."""
    if token.startswith("]("):
        return token[2:-1]
    if token.startswith("]["):
        return token[2:-1]
    return token


def restore(text: str, placeholders: Sequence[str]) -> str:
    """Put the targets back where a translation has their placeholders."""

    def replace(match: re.Match) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(placeholders):
            return placeholder_value(placeholders[number - 1])
        return match.group(0)

    parts = re.split(r"(`+.+?`+)", text, flags=re.S)
    return "".join(part if index % 2 else _PLACEHOLDER.sub(replace, part) for index, part in enumerate(parts))


def target_key(token: str) -> str:
    """What makes two placeholder tokens the same: their kind and their normalised target."""
    if token.startswith("]("):
        return "](" + normalize_target(token[2:-1])
    return token


def protect_like(translation: str, placeholders: Sequence[str]) -> str:
    """A stored translation as it is offered again: the source's targets as its placeholders.

    A target written differently but meaning the same (``./a.png``, ``a.png``)
    is the same placeholder.
    """
    available: dict[str, list[int]] = {}
    for number, token in enumerate(placeholders, start=1):
        available.setdefault(target_key(token), []).append(number)

    def replace(match: re.Match) -> str:
        token = match.group(0)
        numbers = available.get(target_key(token)) or _same_file(token, available)
        if match["code"] or not numbers:
            return token
        number = f"{{{numbers.pop(0)}}}"
        if token.startswith("]("):
            return f"]({number})"
        if token.startswith("]["):
            return f"][{number}]"
        return number

    return _INLINE.sub(replace, translation)


def _same_file(token: str, available: dict[str, list[int]]) -> list[int]:
    """The placeholders of the one source image with the same file name (``media/a.png`` for ``a.png``)."""
    if not token.startswith("]("):
        return []
    name = posixpath.basename(target_key(token)[2:])
    keys = [key for key in available if key.startswith("](") and posixpath.basename(key[2:]) == name]
    return available[keys[0]] if len(keys) == 1 and name else []


def has_words(text: str) -> bool:
    """Whether a text has anything to translate besides code, targets, markup and numbers."""
    return any(char.isalpha() for char in _INLINE.sub("", text))


_LINE_MARKERS = (
    (re.compile(r"^#{1,6}[ \t]"), "#"),
    (re.compile(r"^>"), ">"),
    (re.compile(r"^[-*+][ \t]"), "-"),
    (re.compile(r"^\d{1,9}[.)][ \t]"), "1."),
    (re.compile(r"^(```|~~~)"), "```"),
    (re.compile(r"^([-*_])([ \t]*\1){2,}[ \t]*$"), "---"),
    (re.compile(r"^(=+|-+)[ \t]*$"), "==="),
)


def _line_markers(text: str) -> Counter:
    found = Counter()
    for line in text.split("\n"):
        for pattern, name in _LINE_MARKERS:
            if pattern.match(line.strip()):
                found[name] += 1
    return found


def skeleton_problems(*, source: str, translation: str, kind: str) -> list[str]:
    """Why a translation (with placeholders) would break the source's Markdown, if it would."""
    protected = protect(source)
    problems = []
    count = len(protected.placeholders)
    used = Counter(int(number) for number in _PLACEHOLDER.findall(_without_code(translation)))
    for number in sorted(used):
        if not 1 <= number <= count:
            problems.append(_("{%(number)d} is not a placeholder of the source text") % {"number": number})
        elif used[number] > 1:
            problems.append(
                _("placeholder {%(number)d} appears %(count)d times, the source has it once")
                % {"number": number, "count": used[number]}
            )
    for number in range(1, count + 1):
        if number not in used:
            problems.append(
                _("placeholder {%(number)d} (%(target)s) is missing")
                % {"number": number, "target": placeholder_value(protected.placeholders[number - 1])}
            )
    restored = protect(restore(translation, protected.placeholders))
    extra = Counter(map(target_key, restored.placeholders)) - Counter(map(target_key, protected.placeholders))
    problems.extend(_("adds a target that the source does not have: %(target)s") % {"target": token} for token in extra)
    if Counter(restored.code) != Counter(protected.code):
        missing = sorted((Counter(protected.code) - Counter(restored.code)).elements())
        added = sorted((Counter(restored.code) - Counter(protected.code)).elements())
        problems.extend(_("inline code %(code)s is missing or changed") % {"code": token} for token in missing)
        problems.extend(_("inline code %(code)s is not in the source") % {"code": token} for token in added)
    if _line_markers(translation) - _line_markers(protected.text):
        problems.append(_("a line starts with a Markdown marker (#, >, -, 1., ```) that the source does not have"))
    if "\n\n" in translation.strip() and "\n\n" not in protected.text:
        problems.append(_("an empty line would split the segment in two"))
    if kind.startswith("h") and "\n" in translation.strip() and "\n" not in protected.text:
        problems.append(_("a heading must stay on one line"))
    if kind in ("th", "td"):
        if "\n" in translation.strip():
            problems.append(_("a table cell must stay on one line"))
        if _unescaped_pipes(translation) != _unescaped_pipes(protected.text):
            problems.append(_("a | would split the table cell (write \\| for a literal bar)"))
    return problems


def _without_code(text: str) -> str:
    return re.sub(r"(`+).+?\1", "", text, flags=re.S)


def _unescaped_pipes(text: str) -> int:
    return len(re.findall(r"(?<!\\)\|", _without_code(text)))
