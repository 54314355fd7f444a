"""Front matter: decoding a file, splitting off its YAML header, reading keys, dates and lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time

import yaml
from django.utils import timezone

from news.importing.report import Rejected
from portal.text import clean_control_chars

KNOWN_KEYS = {
    "title",
    "date",
    "category",
    "tags",
    "banner",
    "banner_alt",
    "author",
    "summary",
    "translation_key",
    "draft",
    "slug",
}
KEY_ALIASES = {
    "tages": "tags",
    "tag": "tags",
    "authors": "author",
    "translationkey": "translation_key",
    "translation-key": "translation_key",
    "banneralt": "banner_alt",
    "banner-alt": "banner_alt",
}
TAG_SEPARATORS = re.compile("[,;\u3001\uff0c\uff1b]")  # also the full-width comma and semicolon


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that leaves dates as written: ``parse_date`` reads more forms, and an
    impossible date is a clear rejection instead of an exception."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ISO_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d", "%Y年%m月%d日")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)|(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped, line endings made LF, control characters removed), else ``Rejected``.

    Control characters go as the admin's forms drop them: they break XML feeds and PostgreSQL.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Rejected(line, f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    return clean_control_chars(text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """``(front matter, body, number of lines before the body)``; no front matter: ``(None, text, 0)``."""
    if not text.startswith("---"):
        return None, text, 0
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    raise Rejected(1, "the front matter opened by --- is never closed")


def load_front_matter(text: str) -> dict:
    """The front matter as a dict; tolerates the tab indentation some files use."""
    try:
        data = yaml.load(text, Loader=_FrontMatterLoader)
    except yaml.YAMLError as error:
        untabbed = re.sub(r"^\t+", lambda match: "  " * len(match.group()), text, flags=re.M).replace("- \t", "- ")
        try:
            data = yaml.load(untabbed, Loader=_FrontMatterLoader)
        except yaml.YAMLError:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            reason = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise Rejected(line, f"broken YAML front matter: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Rejected(2, "the front matter is not a list of “key: value” lines")
    return _without_control_chars(data)


def _without_control_chars(value):
    """YAML escapes ("\\x01", "\\u0000") make control characters the decoded text did not hold."""
    if isinstance(value, dict):
        return {_without_control_chars(key): _without_control_chars(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_control_chars(item) for item in value]
    return clean_control_chars(value)


def key_line(front_matter: str, key: str) -> int:
    """The file line of a front-matter key (the opening --- is line 1)."""
    for number, line in enumerate(front_matter.split("\n"), start=2):
        if re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*:", line, re.I):
            return number
    return 1


def json_safe(value):
    """A front-matter value as JSON can store it (dates become ISO strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def canonical_key(name: str) -> str:
    """The known key a written key means (``Summary``, ``tages``), or the name in lower case."""
    lowered = str(name).strip().lower()
    return KEY_ALIASES.get(lowered, lowered)


def split_keys(data: dict) -> tuple[dict, dict]:
    """``(known fields, metadata)``: capitalised and misspelt keys understood, the others kept as written."""
    known, metadata = {}, {}
    for key, value in data.items():
        name = str(key).strip()
        canonical = canonical_key(name)
        if canonical in KNOWN_KEYS and canonical not in known:
            known[canonical] = value
        else:
            metadata[name] = json_safe(value)
    return known, metadata


def parse_date(value) -> datetime | None:
    """A front-matter date in any of the forms the corpus shows; naive means the site's time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, int | str):
        moment = _parse_date_text(str(value).strip())
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _parse_date_text(text: str) -> datetime | None:
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        if zone:
            offset = datetime.strptime("+0000" if zone == "Z" else zone.replace(":", ""), "%z").tzinfo
            moment = moment.replace(tzinfo=offset)
        return moment
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def date_from_names(names: Iterable[str]) -> datetime | None:
    """The first date found in these names (a file's stem, then its folders, nearest first)."""
    for name in names:
        for match in _NAME_DATE.finditer(name):
            year, month, day = (int(group) for group in match.groups() if group)
            try:
                return parse_date(date(year, month, day))
            except ValueError:
                continue
    return None


def text_list(value) -> list[str]:
    """Tags: a YAML list or a comma-separated string, cleaned and without duplicates."""
    if value is None:
        return []
    items = value if isinstance(value, list) else TAG_SEPARATORS.split(str(value))
    return _cleaned(items)


def author_list(value) -> list[str]:
    """Authors: a YAML list is several, a string is one author exactly as written (commas and all)."""
    if value is None:
        return []
    return _cleaned(value if isinstance(value, list) else [value])


def _cleaned(items) -> list[str]:
    result, seen = [], set()
    for item in items:
        if item is None or isinstance(item, dict | list):
            continue
        text = str(item).strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            result.append(text)
    return result


def given_slug(value) -> str:
    """A ``slug:`` from the front matter (an export writes it), when it is a valid slug."""
    value = str(value or "").strip()
    return value if re.fullmatch(r"[-a-zA-Z0-9_]{1,200}", value) else ""
