"""Front-matter Markdown files to articles.

The files are those of VuePress/VitePress community sites (openEuler): YAML
front matter, a Markdown body, ``zh/`` and ``en/`` folders, images beside the
file or in the site's public folder. ``import_paths`` reads them, pairs the
languages of one article, and creates or updates articles, each in its own
transaction; it returns a ``Report``. The ``import_news`` command and the
admin upload are thin layers over it.

Re-import finds an article by the path of its file (``ArticleSource``), skips
files whose content did not change, and refuses to overwrite an article edited
in the admin since its import unless forced.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import stat
import time as time_module
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections, router, transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from news import blocks, markdown, search
from news.models import Article, ArticleImage, ArticleSource, Category, TaggedArticle
from tags.models import Tag, ascii_slug, hashed_slug
from translations import languages

LANGUAGE_FOLDERS = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-hans": "zh-hans",
    "cn": "zh-hans",
    "en": "en",
    "en-us": "en",
}
# The folder each language is exported to (and read back from).
EXPORT_FOLDERS = {"zh-hans": "zh", "en": "en"}
CATEGORY_FOLDERS = {"news": "news", "blog": "blog", "blogs": "blog", "events": "events", "event": "events"}
DEFAULT_CATEGORY = "news"
MARKDOWN_SUFFIXES = {".md", ".markdown"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
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
STORAGE_FOLDER = "imported"
# Below this many new articles, rendering in worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
# Articles written per transaction; each still has its own savepoint.
WRITE_BATCH = 200


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that leaves dates as written: ``parse_date`` reads more forms, and an
    impossible date is a clear rejection instead of an exception."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YAML_LOADER = _FrontMatterLoader
_ISO_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d", "%Y年%m月%d日")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)|(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*(<[^>\n]+>|[^)\n]+?)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)>?", re.M)


class Rejected(Exception):
    """A file that cannot be imported: where, and why."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


# The report ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """What happened to one article (or, when rejected, to one file)."""

    status: str  # created, updated, unchanged, skipped, rejected
    path: str
    slug: str = ""
    line: int = 0
    message: str = ""
    languages: tuple[str, ...] = ()

    def __str__(self):
        if self.status == Report.REJECTED:
            return f"rejected  {Problem(self.path, self.line, self.message)}"
        target = f" → {self.slug}" if self.slug else ""
        extra = f" ({self.message})" if self.message else ""
        return f"{self.status:<9} {self.path}{target}{extra}"


@dataclass
class Report:
    """Everything an import did or would do, in the order it happened."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    STATUSES = (CREATED, UPDATED, UNCHANGED, SKIPPED, REJECTED)

    dry_run: bool = False
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)

    def add(self, status: str, path: str, **details) -> None:
        self.entries.append(Entry(status=status, path=path, **details))

    def reject(self, path: str, line: int, reason: str) -> None:
        self.add(self.REJECTED, path, line=line, message=reason)

    def warn(self, path: str, line: int, message: str) -> None:
        self.warnings.append(Problem(path, line, message))

    def note(self, path: str, line: int, message: str) -> None:
        self.notes.append(Problem(path, line, message))

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.STATUSES, 0)
        for entry in self.entries:
            counts[entry.status] += 1
        return counts

    @property
    def has_rejections(self) -> bool:
        return any(entry.status == self.REJECTED for entry in self.entries)

    def shown_relative_to(self, folder: Path) -> Report:
        """The same report with paths shown relative to ``folder`` (an upload's temporary folder)."""
        prefix = f"{folder}{os.sep}"

        def relative(problems):
            return [replace(problem, path=problem.path.replace(prefix, "")) for problem in problems]

        return Report(
            dry_run=self.dry_run,
            entries=relative(self.entries),
            warnings=relative(self.warnings),
            notes=relative(self.notes),
            ignored=relative(self.ignored),
        )

    def by_status(self, status: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.status == status]

    def summary(self) -> str:
        counts = self.counts
        text = ", ".join(f"{counts[status]} {status}" for status in self.STATUSES)
        text += f"; {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        if self.ignored:
            text += f"; {len(self.ignored)} ignored"
        return f"{text} (dry run: nothing written)" if self.dry_run else text

    def lines(self, *, verbosity: int = 1) -> Iterable[str]:
        """The report as text: rejections always, what else is noteworthy from verbosity 1, every article from 2."""
        for entry in self.entries:
            if verbosity >= 2 or entry.status == self.REJECTED or (verbosity and entry.status == self.SKIPPED):
                yield str(entry)
        if verbosity >= 1:
            yield from (f"warning   {problem}" for problem in self.warnings)
            yield from (f"note      {problem}" for problem in self.notes)
        if verbosity >= 2:
            for problem in self.ignored:
                yield f"ignored   {problem}"
        yield f"Summary: {self.summary()}"


# Reading files ---------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file found under an import root."""

    path: Path  # absolute, not resolved (so its folder is the one it was found in)
    root: Path  # absolute and resolved
    shown: str  # as the report shows it
    relpath: str  # POSIX path under the root: what re-import finds the article by
    named: bool = False  # given by name, not found in a folder


@dataclass
class ImageUse:
    """An image a file refers to, and the file it resolved to (None: missing)."""

    reference: str
    line: int
    file: Path | None


@dataclass
class ParsedFile:
    source: SourceFile
    language: str
    group_key: tuple
    slug_name: str  # what a new article's slug is made from
    title: str
    body: str
    summary: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    publish_at: datetime | None = None
    draft: bool = False
    banner: ImageUse | None = None
    banner_alt: str = ""
    metadata: dict = field(default_factory=dict)
    images: list[ImageUse] = field(default_factory=list)
    content_hash: str = ""
    given_slug: str = ""  # taken as it is for a new article


@dataclass(frozen=True)
class Settings:
    """The options of one import run."""

    language: str | None = None
    static_roots: tuple[Path, ...] = ()
    force: bool = False
    dry_run: bool = False


def collect_files(paths: Sequence[str | Path], *, report: Report) -> list[SourceFile]:
    """Markdown files named or found under the given folders (hidden folders skipped)."""
    found: dict[str, SourceFile] = {}

    def add(source: SourceFile) -> None:
        if source.relpath in found:
            other = found[source.relpath].shown
            report.reject(source.shown, 1, f"same path as {other} under another root; import the roots one by one")
        else:
            found[source.relpath] = source

    for given in paths:
        given = Path(given)
        if given.is_file():
            root = given.absolute().parent.resolve()
            add(SourceFile(path=root / given.name, root=root, shown=str(given), relpath=given.name, named=True))
            continue
        if not given.is_dir():
            report.reject(str(given), 0, "no such file or folder")
            continue
        root = given.resolve()
        for folder, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(name for name in dirnames if not name.startswith(".") and name != "node_modules")
            relative_folder = Path(folder).relative_to(root)
            for name in sorted(filenames):
                if Path(name).suffix.lower() in MARKDOWN_SUFFIXES:
                    relpath = (relative_folder / name).as_posix()
                    add(SourceFile(path=Path(folder) / name, root=root, shown=str(given / relpath), relpath=relpath))
    return list(found.values())


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped, line endings made LF), else ``Rejected``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Rejected(line, f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        untabbed = re.sub(r"^\t+", lambda match: "  " * len(match.group()), text, flags=re.M).replace("- \t", "- ")
        try:
            data = yaml.load(untabbed, Loader=_YAML_LOADER)
        except yaml.YAMLError:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            reason = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise Rejected(line, f"broken YAML front matter: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Rejected(2, "the front matter is not a list of “key: value” lines")
    return data


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


def split_keys(data: dict) -> tuple[dict, dict]:
    """``(known fields, metadata)``: capitalised and misspelt keys understood, the others kept as written."""
    known, metadata = {}, {}
    for key, value in data.items():
        name = str(key).strip()
        canonical = KEY_ALIASES.get(name.lower(), name.lower())
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


def date_from_names(path: Path, root: Path) -> datetime | None:
    """A date in the file's or a folder's name (``20220715-…``, ``2022-03-22-…``), nearest first."""
    names = [path.stem, *(part for part in reversed(path.parent.relative_to(root).parts))]
    for name in names:
        for match in _NAME_DATE.finditer(name):
            year, month, day = (int(group) for group in match.groups() if group)
            try:
                return parse_date(date(year, month, day))
            except ValueError:
                continue
    return None


def first_heading(body: str) -> tuple[str, int]:
    """The text and line (within the body) of the first heading outside code blocks, else ``("", 0)``."""
    return blocks.first_heading(body)


def text_list(value) -> list[str]:
    """Tags or authors: a YAML list or a comma-separated string, cleaned and without duplicates."""
    if value is None:
        return []
    items = value if isinstance(value, list) else TAG_SEPARATORS.split(str(value))
    result, seen = [], set()
    for item in items:
        if item is None or isinstance(item, dict | list):
            continue
        text = str(item).strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            result.append(text)
    return result


def language_and_group(source: SourceFile, *, language: str | None) -> tuple[str | None, tuple]:
    """The file's language (``--lang`` first, else its ``zh``/``en`` folder) and its pairing key.

    Files of one article in two languages share the key: the path under the
    language folder, compared without case, spaces or punctuation differences.
    """
    parts = source.path.relative_to(source.root).parts
    index = next((i for i in range(len(parts) - 2, -1, -1) if parts[i].lower() in LANGUAGE_FOLDERS), None)
    if index is not None:
        found, prefix, rest = LANGUAGE_FOLDERS[parts[index].lower()], parts[:index], parts[index + 1 :]
    else:
        root_language = LANGUAGE_FOLDERS.get(source.root.name.lower())
        found, prefix, rest = root_language, (), parts
    rest = [*rest[:-1], Path(rest[-1]).stem]
    if len(rest) > 1 and rest[-1].lower() in ("index", "readme"):
        rest = rest[:-1]
    key = "/".join(re.sub(r"[\s_.\-]+", "-", part.casefold()).strip("-") for part in rest)
    return language or found, ("path", str(source.root), "/".join(prefix), key)


def given_slug(value) -> str:
    """A ``slug:`` from the front matter (an export writes it), when it is a valid slug."""
    value = str(value or "").strip()
    return value if re.fullmatch(r"[-a-zA-Z0-9_]{1,200}", value) else ""


def slug_name(source: SourceFile) -> str:
    """The name a new article's slug is made from: the file's, or its folder's for ``index.md``."""
    stem = source.path.stem
    if stem.lower() in ("index", "readme") and source.path.parent != source.root:
        return source.path.parent.name
    return stem


def category_from_path(source: SourceFile) -> str:
    for part in source.path.relative_to(source.root).parts[:-1]:
        if part.lower() in CATEGORY_FOLDERS:
            return CATEGORY_FOLDERS[part.lower()]
    return ""


# Images ----------------------------------------------------------------------


def _within(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def image_references(body: str, *, line_offset: int) -> list[tuple[str, int]]:
    """``(reference, file line)`` for every image in the body outside code."""
    return blocks.image_references(body, line_offset=line_offset)


def resolve_image_file(reference: str, *, line: int, folder: Path, root: Path, static_roots: Sequence[Path]):
    """The file an image reference means, ``None`` when missing, ``False`` when external.

    Relative paths are read beside the Markdown file, then in the static roots;
    ``/absolute`` paths in the static roots (the site's public folder), then
    beside the file. Anything leading outside the import root or the static
    roots, by ``..`` or by a symbolic link, is ``Rejected``.
    """
    parts = urlsplit(reference.strip())
    if parts.scheme or parts.netloc or reference.startswith("data:"):
        return False
    path = unquote(parts.path).replace("\\", "/")
    if not path.strip():
        return None
    allowed = [root, *static_roots]
    if path.startswith("/"):
        literal = Path(path)
        if literal.exists() and not any(_within(literal.resolve(), base) for base in allowed):
            raise Rejected(line, f"image path is outside the import root and --static-root: {reference}")
        relative = path.lstrip("/")
        candidates = [*((base, base / relative) for base in static_roots), (root, folder / relative)]
        primary = candidates[0] if static_roots else None
    else:
        relative = path
        candidates = [(root, folder / relative), *((base, base / relative) for base in static_roots)]
        primary = candidates[0]
    if primary is not None:
        base, candidate = primary
        if not _within(Path(os.path.normpath(candidate)), base):
            raise Rejected(line, f"image path escapes the import root: {reference}")
    for base, candidate in candidates:
        normal = Path(os.path.normpath(candidate))
        if not _within(normal, base) or not os.path.lexists(normal):
            continue
        real = normal.resolve()
        if not any(_within(real, allowed_base) for allowed_base in allowed):
            raise Rejected(line, f"image is a symbolic link leading outside the import root: {reference}")
        if real.is_file():
            return real
    return None


@dataclass(frozen=True)
class StoredImage:
    name: str  # in the default storage
    width: int
    height: int
    digest: str


class ImageStore:
    """Image files stored once per distinct content, named by their hash."""

    def __init__(self, *, dry_run: bool):
        self.dry_run = dry_run
        self._by_path: dict[Path, StoredImage | None] = {}

    def get(self, path: Path) -> StoredImage | None:
        """The stored image for a file, ``None`` when it is not a readable image."""
        if path not in self._by_path:
            self._by_path[path] = self._store(path)
        return self._by_path[path]

    def _store(self, path: Path) -> StoredImage | None:
        data = path.read_bytes()
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            return None
        digest = hashlib.sha256(data).hexdigest()
        suffix = path.suffix.lower() if path.suffix.lower() in IMAGE_SUFFIXES else ".img"
        name = f"{STORAGE_FOLDER}/{digest[:2]}/{digest[:40]}{suffix}"
        if not self.dry_run and not default_storage.exists(name):
            stored = default_storage.save(name, ContentFile(data))
            name = stored
        return StoredImage(name=name, width=width, height=height, digest=digest)


# Parsing one file ------------------------------------------------------------


def parse_file(source: SourceFile, *, settings: Settings, images: ImageStore, report: Report) -> ParsedFile:
    """Read one Markdown file into a ``ParsedFile``; ``Rejected`` when it cannot be imported."""
    if source.path.is_symlink() and not _within(source.path.resolve(), source.root):
        raise Rejected(1, "symbolic link leading outside the import root")
    raw = source.path.read_bytes()
    text = decode(raw)
    language, group_key = language_and_group(source, language=settings.language)
    if language is None:
        raise Rejected(1, "language unknown: put the file under a zh/ or en/ folder, or pass --lang")
    front_text, body, offset = split_front_matter(text)
    data = load_front_matter(front_text) if front_text is not None else {}
    known, metadata = split_keys(data)
    front_text = front_text or ""

    title = known.get("title")
    title = "" if title is None else str(title).strip()
    if not title:
        title, _line = first_heading(body)
    if not title:
        raise Rejected(1, "no title: add “title:” to the front matter or start the text with a # heading")
    if len(title) > Article._meta.get_field("title").max_length:
        raise Rejected(key_line(front_text, "title"), "the title is longer than 300 characters")

    if "date" in known and known["date"] not in (None, ""):
        publish_at = parse_date(known["date"])
        if publish_at is None:
            raise Rejected(key_line(front_text, "date"), f"unparseable date: {known['date']!r}")
    else:
        publish_at = date_from_names(source.path, source.root)
        if publish_at is None:
            raise Rejected(1, "no date: add “date:” to the front matter or start the file name with one (20220715-…)")

    translation_key = str(known.get("translation_key") or "").strip()
    parsed = ParsedFile(
        source=source,
        language=language,
        group_key=("key", translation_key) if translation_key else group_key,
        slug_name=slug_name(source),
        given_slug=given_slug(known.get("slug")),
        title=title,
        body=body,
        summary=str(known.get("summary") or "").strip(),
        author=", ".join(text_list(known.get("author"))),
        tags=[tag[:100] for tag in text_list(known.get("tags"))],
        category=str(known.get("category") or "").strip() or category_from_path(source),
        publish_at=publish_at,
        draft=known.get("draft") in (True, "true", "yes"),
        banner_alt=str(known.get("banner_alt") or "").strip(),
        metadata=metadata,
    )
    if translation_key:
        parsed.metadata["translation_key"] = translation_key
    folder = source.path.parent
    resolve = {"folder": folder, "root": source.root, "static_roots": settings.static_roots}
    for reference, line in image_references(body, line_offset=offset):
        found = resolve_image_file(reference, line=line, **resolve)
        if found is not False:
            parsed.images.append(ImageUse(reference=reference, line=line, file=found))
    banner = known.get("banner")
    if isinstance(banner, str) and banner.strip():
        banner_reference = banner.strip().split("?")[0]
        line = key_line(front_text, "banner")
        found = resolve_image_file(banner_reference, line=line, **resolve)
        if found is not False:
            parsed.banner = ImageUse(reference=banner_reference, line=line, file=found)
    parsed.content_hash = _content_hash(raw, parsed, images=images, report=report)
    dropped = markdown.framework_tags(body)
    if dropped:
        line = offset + body.count("\n", 0, body.find(dropped[0])) + 1
        names = ", ".join(dict.fromkeys(dropped))
        report.note(source.shown, line, f"framework components dropped, not shown on the page: {names}")
    return parsed


def _content_hash(raw: bytes, parsed: ParsedFile, *, images: ImageStore, report: Report) -> str:
    """A hash of the file and of every image it uses: any change means the article is updated."""
    digest = hashlib.sha256(raw)
    uses = [*parsed.images, *([parsed.banner] if parsed.banner else [])]
    for use in uses:
        stored = images.get(use.file) if use.file else None
        if use.file and stored is None:
            report.warn(parsed.source.shown, use.line, f"not an image file, shown as a placeholder: {use.reference}")
            use.file = None
        elif use.file is None:
            what = "banner" if use is parsed.banner else "image"
            report.warn(parsed.source.shown, use.line, f"{what} not found, shown as a placeholder: {use.reference}")
        digest.update(f"\0{use.reference}={stored.digest if stored else '-'}".encode())
    if parsed.banner and parsed.banner.file is None:
        parsed.metadata["banner"] = parsed.banner.reference
    return digest.hexdigest()


# Pairing ---------------------------------------------------------------------


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Explicit zh/en pairs from a CSV file of two columns (zh file, en file)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the pairs file ({error})") from None
    pairs = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (number == 1 and cells[0].lower() in ("zh", "zh-hans", "chinese")):
            continue
        if len(cells) != 2 or not all(cells):
            raise ValueError(f"{path}:{number}: expected two columns, the zh file and the en file")
        pairs.append((cells[0], cells[1]))
    return pairs


def apply_pairs(parsed: list[ParsedFile], pairs: Sequence[tuple[str, str]], *, report: Report) -> None:
    """Give explicitly paired files one group key (paths as shown, relative to the root, or absolute)."""
    lookup: dict[str, ParsedFile] = {}
    for item in parsed:
        for name in (item.source.shown, item.source.relpath, str(item.source.path)):
            lookup[name.replace("\\", "/")] = item
    for number, (zh_name, en_name) in enumerate(pairs, start=1):
        found = [lookup.get(name) or lookup.get(str(Path(name).absolute())) for name in (zh_name, en_name)]
        if None in found:
            missing = zh_name if found[0] is None else en_name
            report.warn("--pairs", number, f"no imported file matches {missing}")
            continue
        for item in found:
            item.group_key = ("pair", zh_name)


def group_files(parsed: list[ParsedFile], *, report: Report) -> list[dict[str, ParsedFile]]:
    """Files of one article, by language; a second file of a language starts an article of its own."""
    groups: dict[tuple, dict[str, ParsedFile]] = {}
    for item in parsed:
        key = item.group_key
        while key in groups and item.language in groups[key]:
            other = groups[key][item.language]
            if key == item.group_key:
                report.warn(item.source.shown, 0, f"same article as {other.source.shown}; imported separately")
            key = (*key, "again")
        groups.setdefault(key, {})[item.language] = item
    return list(groups.values())


# Writing ---------------------------------------------------------------------


ImageKey = tuple[str, str]  # (normalised reference, language or "" for every language)


def image_mark(key: ImageKey, name: str) -> tuple[str, str]:
    """How an image counts in a fingerprint; shared images as before languages had their own."""
    reference, language = key
    return (f"{reference}@{language}" if language else reference, name)


def fingerprint(article: Article, *, tags: Iterable[str], images: Iterable[tuple[str, str]]) -> str:
    """A hash of everything an import sets on an article, to notice edits made since."""
    fields = {
        languages.field(name, code): getattr(article, languages.field(name, code)) or ""
        for name in ("title", "summary", "body", "banner_alt")
        for code in languages.codes()
    }
    fields.update(
        slug=article.slug,
        source_language=article.source_language,
        author=article.author,
        category=article.category_id,
        status=article.status,
        publish_at=article.publish_at.astimezone(UTC).isoformat(),
        banner=article.banner.name or "",
        metadata=article.metadata,
        tags=sorted(name.casefold() for name in tags),
        images=sorted(images),
    )
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def current_fingerprint(article: Article) -> str:
    """The fingerprint of an article as stored (tags and images prefetched)."""
    return fingerprint(
        article,
        tags=[tag.name for tag in article.tags.all()],
        images=[image_mark((image.reference, image.language), image.image.name) for image in article.images.all()],
    )


class Writer:
    """Creates and updates articles from grouped files, with lookups loaded once per run."""

    def __init__(self, *, settings: Settings, images: ImageStore, report: Report):
        self.settings = settings
        self.images = images
        self.report = report
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.tags = {tag.name.casefold(): tag for tag in Tag.objects.all()}
        self.slugs = set(Article.objects.values_list("slug", flat=True))
        self.sources: dict[str, ArticleSource] = {}
        self._slugs_by_id: dict[int, str] | None = None
        self._texts: dict[tuple, str] | None = None  # see ``duplicate_of``
        # Rows of new articles, inserted together at the end of each batch (see ``flush``).
        self.deferred_sources: list[ArticleSource] = []
        self.deferred_tags: list[TaggedArticle] = []

    def load(self, groups: list[dict[str, ParsedFile]]) -> None:
        """The sources the files were imported from before, in a query per 500 files."""
        paths = [item.source.relpath for group in groups for item in group.values()]
        for start in range(0, len(paths), 500):
            for source in ArticleSource.objects.filter(path__in=paths[start : start + 500]):
                self.sources[source.path] = source

    def article(self, pk: int) -> Article:
        """An article to compare or update, with what its fingerprint reads (only for files that changed)."""
        return Article.objects.prefetch_related("tags", "images", "sources").get(pk=pk)

    # lookups

    def category(self, value: str, *, shown: str) -> Category:
        value = value or DEFAULT_CATEGORY
        slug = CATEGORY_FOLDERS.get(value.lower(), ascii_slug(value, max_length=50) or hashed_slug("category", value))
        if slug in self.categories:
            return self.categories[slug]
        for category in self.categories.values():
            names = {(getattr(category, languages.field("name", code)) or "").casefold() for code in languages.codes()}
            if value.casefold() in names:
                return category
        category = Category.objects.create(slug=slug, name=value, **{languages.field("name", "en"): value})
        self.categories[slug] = category
        self.report.warn(shown, 0, f"new category “{value}” created")
        return category

    def tag(self, name: str) -> Tag:
        key = name.casefold()
        if key not in self.tags:
            self.tags[key] = Tag.objects.create(name=name)
        return self.tags[key]

    def new_slug(self, item: ParsedFile, *, shown: str) -> str:
        base = (
            item.given_slug or ascii_slug(item.slug_name, max_length=80) or hashed_slug("article", item.source.relpath)
        )
        slug, number = base, 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        if slug != base:
            self.report.warn(shown, 0, f"slug “{base}” is taken; using “{slug}”")
        self.slugs.add(slug)
        return slug

    # one article

    def write(self, files: dict[str, ParsedFile], *, rendered: dict[str, str] | None = None) -> None:
        """Create, update or leave one article; ``rendered``: its HTML fields, rendered in advance."""
        source_language = "zh-hans" if "zh-hans" in files else "en"
        primary = files[source_language]
        shown = primary.source.shown + "".join(
            f" + {item.source.shown}" for code, item in files.items() if code != source_language
        )
        known = self._known_sources(files)
        found = {source.article_id for source in known}
        codes = tuple(sorted(files))
        same = len(known) == len(files) and len(found) == 1
        same = same and all(
            self.sources[item.source.relpath].content_hash == item.content_hash for item in files.values()
        )
        if same and not self.settings.force:
            slug = self.slug_of(known[0].article_id)
            self.report.add(Report.UNCHANGED, shown, slug=slug, languages=codes)
            return
        if not found and (duplicate := self.duplicate_of(files)):
            message = f"same language, title and date as {duplicate}; not imported twice"
            self.report.add(Report.SKIPPED, shown, message=message, languages=codes)
            return
        article = self.article(min(found)) if found else None
        if len(found) > 1:
            self.report.warn(shown, 0, "these files were imported into different articles; updating the first")
        if article is not None:
            current = current_fingerprint(article)
            edited = any(source.fingerprint != current for source in article.sources.all())
            if same and not edited:
                self.report.add(Report.UNCHANGED, shown, slug=article.slug, languages=codes)
                return
            if edited and not self.settings.force:
                self.report.add(
                    Report.SKIPPED, shown, slug=article.slug, message="edited since import", languages=codes
                )
                return
        try:
            with transaction.atomic():
                status, article = self._save(files, article=article, primary=primary, shown=shown, rendered=rendered)
        except (DatabaseError, ValidationError, OSError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.report.reject(shown, 1, f"not saved: {message}")
            return
        self.report.add(status, shown, slug=article.slug, languages=codes)
        self.remember(files, shown=article.slug)

    def _save(
        self,
        files: dict[str, ParsedFile],
        *,
        article: Article | None,
        primary: ParsedFile,
        shown: str,
        rendered: dict[str, str] | None,
    ) -> tuple[str, Article]:
        created = article is None
        if created:
            article = Article(slug=self.new_slug(primary, shown=shown))
        others = [item for code, item in files.items() if item is not primary]
        for code, item in files.items():
            setattr(article, languages.field("title", code), item.title)
            setattr(article, languages.field("summary", code), item.summary)
            setattr(article, languages.field("body", code), item.body)
            setattr(article, languages.field("banner_alt", code), item.banner_alt)
        article.source_language = "zh-hans" if article.has_language("zh-hans") else "en"
        article.author = primary.author or next((item.author for item in others if item.author), "")
        category_name = primary.category or next((item.category for item in others if item.category), "")
        article.category = self.category(category_name, shown=primary.source.shown)
        article.publish_at = primary.publish_at
        article.status = Article.Status.DRAFT if primary.draft else Article.Status.PUBLISHED
        metadata = {}
        for item in [*others, primary]:
            metadata.update(item.metadata)
        article.metadata = metadata
        banner_use = primary.banner or next((item.banner for item in others if item.banner), None)
        banner = self.images.get(banner_use.file) if banner_use and banner_use.file else None
        article.banner.name = banner.name if banner else ""
        article.full_clean(exclude=["category", "banner"], validate_unique=False, validate_constraints=False)

        wanted = self._wanted_images(files)
        tags = self._tags(files)
        kept: list[tuple[str, str]] = []
        if created:
            prerendered = rendered if rendered and not wanted else {}  # images change the HTML: render on save
            for name, value in prerendered.items():
                setattr(article, name, value)
            article.save(render=not prerendered)
            save_images(article, wanted.items())  # each save re-renders the article with the images so far
            self.deferred_tags += [TaggedArticle(content_object=article, tag=tag) for tag in tags]
        else:
            kept = self._sync_images(article, wanted)
            article.save()
            self._sync_tags(article, tags)
        mark = fingerprint(
            article,
            tags=[tag.name for tag in tags],
            images=[image_mark(key, stored.name) for key, stored in wanted.items()] + kept,
        )
        self._record_sources(article, files, mark=mark, created=created)
        return (Report.CREATED if created else Report.UPDATED), article

    def _wanted_images(self, files: dict[str, ParsedFile]) -> dict[ImageKey, StoredImage]:
        """Images by (reference, language): shared ("") unless the languages name different files alike.

        Bilingual folders often hold a Chinese and an English screenshot under one
        name; each language then keeps its own.
        """
        used: dict[str, dict[str, StoredImage]] = {}
        for code, item in sorted(files.items()):
            for use in item.images:
                stored = self.images.get(use.file) if use.file else None
                reference = markdown.normalize_reference(urlsplit(use.reference).path)
                if stored is not None and reference:
                    used.setdefault(reference, {}).setdefault(code, stored)
        wanted: dict[ImageKey, StoredImage] = {}
        for reference, by_language in used.items():
            if len({stored.digest for stored in by_language.values()}) == 1:
                wanted[(reference, "")] = next(iter(by_language.values()))
            else:
                wanted.update(((reference, code), stored) for code, stored in by_language.items())
        return wanted

    def slug_of(self, pk: int) -> str:
        if self._slugs_by_id is None:
            ids = {source.article_id for source in self.sources.values()}
            self._slugs_by_id = {}
            for start in range(0, len(ids), 500):
                chunk = sorted(ids)[start : start + 500]
                self._slugs_by_id.update(Article.objects.filter(pk__in=chunk).values_list("pk", "slug"))
        return self._slugs_by_id.get(pk, "")

    def duplicate_of(self, files: dict[str, ParsedFile]) -> str:
        """The article or file a new article repeats (same language, title and date), else ""."""
        if self._texts is None:
            self._texts = {}
            rows = Article.objects.values_list(
                "slug", "publish_at", *(languages.field("title", c) for c in languages.codes())
            )
            for slug, publish_at, *titles in rows:
                for code, title in zip(languages.codes(), titles, strict=True):
                    if title:
                        self._texts[text_key(code, title, publish_at)] = slug
        for item in files.values():
            found = self._texts.get(text_key(item.language, item.title, item.publish_at))
            if found:
                return found
        return ""

    def remember(self, files: dict[str, ParsedFile], *, shown: str) -> None:
        if self._texts is not None:
            for item in files.values():
                self._texts.setdefault(text_key(item.language, item.title, item.publish_at), shown)

    def texts_to_render(self, files: dict[str, ParsedFile]) -> RenderTexts | None:
        """What a new article without images needs rendered; ``None`` for the rest (rendered on save)."""
        if self._known_sources(files) or any(item.images for item in files.values()):
            return None
        return tuple((code, item.title, item.body) for code, item in sorted(files.items()))

    def _known_sources(self, files: dict[str, ParsedFile]) -> list[ArticleSource]:
        return [self.sources[item.source.relpath] for item in files.values() if item.source.relpath in self.sources]

    def _sync_images(self, article: Article, wanted: dict[ImageKey, StoredImage]) -> list[tuple[str, str]]:
        """Make the article's imported images the wanted ones; returns the images editors added.

        Through ``save()`` and ``delete()``, so that whatever follows an image
        (its renditions, the article's HTML) follows here too.
        """
        current = {(image.reference, image.language): image for image in article.images.all()}
        getattr(article, "_prefetched_objects_cache", {}).pop("images", None)  # renders read the new ones
        kept, changed = [], []
        for key, image in current.items():
            if key in wanted:
                if image.image.name != wanted[key].name:
                    image.delete()
                    changed.append(key)
            elif image.image.name.startswith(f"{STORAGE_FOLDER}/"):
                image.delete()
            else:
                kept.append(image_mark(key, image.image.name))  # added in the admin, not by an import
        save_images(article, ((key, stored) for key, stored in wanted.items() if key not in current or key in changed))
        return kept

    def _tags(self, files: dict[str, ParsedFile]) -> list[Tag]:
        tags: dict[int, Tag] = {}
        for code in sorted(files):
            for name in files[code].tags:
                tag = self.tag(name)
                tags.setdefault(tag.pk, tag)
        return list(tags.values())

    def _sync_tags(self, article: Article, tags: list[Tag]) -> None:
        if {tag.pk for tag in article.tags.all()} != {tag.pk for tag in tags}:
            article.tags.set(tags)

    def _record_sources(self, article: Article, files: dict[str, ParsedFile], *, mark: str, created: bool) -> None:
        if not created:
            paths = [item.source.relpath for item in files.values()]
            ArticleSource.objects.filter(article=article, language__in=list(files)).exclude(path__in=paths).delete()
            ArticleSource.objects.filter(article=article).exclude(path__in=paths).update(fingerprint=mark)
        new = []
        for code, item in files.items():
            known = self.sources.get(item.source.relpath)
            values = {"article": article, "language": code, "content_hash": item.content_hash, "fingerprint": mark}
            if known is not None:
                for name, value in values.items():
                    setattr(known, name, value)
                known.save()
            else:
                new.append(ArticleSource(path=item.source.relpath, **values))
        if created:
            self.deferred_sources += new
        else:
            ArticleSource.objects.bulk_create(new)

    def flush(self) -> None:
        """Write the rows of new articles kept for one insert per batch (their sources and tags).

        Receivers that follow tags (``m2m_changed``) hear ``post_add`` as if
        each article's tags had been added through its tag manager.
        """
        ArticleSource.objects.bulk_create(self.deferred_sources)
        TaggedArticle.objects.bulk_create(self.deferred_tags)
        added: dict[int, tuple[Article, set[int]]] = {}
        for row in self.deferred_tags:
            added.setdefault(row.content_object.pk, (row.content_object, set()))[1].add(row.tag_id)
        for article, tag_ids in added.values():
            m2m_changed.send(
                sender=TaggedArticle,
                instance=article,
                action="post_add",
                reverse=False,
                model=Tag,
                pk_set=tag_ids,
                using=router.db_for_write(TaggedArticle),
            )
        self.deferred_sources, self.deferred_tags = [], []

    def forget(self) -> None:
        """After a batch was rolled back: drop what the caches learnt from it."""
        self.deferred_sources, self.deferred_tags = [], []
        self.tags = {tag.name.casefold(): tag for tag in Tag.objects.all()}
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.slugs = set(Article.objects.values_list("slug", flat=True))


def text_key(language: str, title: str, publish_at: datetime) -> tuple:
    return (language, re.sub(r"\s+", "", title).casefold(), publish_at.astimezone(UTC))


def save_images(article: Article, images: Iterable[tuple[ImageKey, StoredImage]]) -> None:
    for (reference, language), stored in images:
        image = ArticleImage(
            article=article, reference=reference, language=language, width=stored.width, height=stored.height
        )
        image.image.name = stored.name
        image.save()


# The whole run ---------------------------------------------------------------


def import_paths(
    paths: Sequence[str | Path],
    *,
    language: str | None = None,
    static_roots: Sequence[str | Path] = (),
    pairs: Sequence[tuple[str, str]] = (),
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> Report:
    """Import Markdown files and folder trees; see the module docstring.

    ``language`` ("zh-hans"/"en") applies to every file; otherwise each file's
    ``zh``/``en`` folder decides. ``pairs`` pairs files explicitly (zh, en).
    With ``dry_run`` the report is the same and nothing is written.
    ``processes`` > 1 renders new articles in that many worker processes.
    """
    report = Report(dry_run=dry_run)
    settings = Settings(
        language=language,
        static_roots=tuple(Path(root).resolve() for root in static_roots),
        force=force,
        dry_run=dry_run,
    )
    images = ImageStore(dry_run=dry_run)
    parsed = read_files(paths, settings=settings, images=images, report=report)
    if pairs:
        apply_pairs(parsed, pairs, report=report)
    groups = group_files(parsed, report=report)
    writer = Writer(settings=settings, images=images, report=report)
    writer.load(groups)
    texts = [writer.texts_to_render(group) for group in groups]
    with (
        rendering(texts, processes=processes) as rendered,
        search.deferred_updates(),  # exits after a dry run's rollback, finding nothing to write
        transaction.atomic() if dry_run else nullcontext(),
    ):
        write_in_batches(writer, zip(groups, rendered, strict=True), total=len(groups), progress=progress)
        if dry_run:
            transaction.set_rollback(True)
    return report


def read_files(paths, *, settings: Settings, images: ImageStore, report: Report) -> list[ParsedFile]:
    """Every Markdown file under the paths, parsed; the rejected ones reported instead."""
    parsed: list[ParsedFile] = []
    for source in collect_files(paths, report=report):
        try:
            parsed.append(parse_file(source, settings=settings, images=images, report=report))
        except Rejected as error:
            if error.reason.startswith("language unknown") and not source.named:
                report.ignored.append(Problem(source.shown, 0, error.reason))
            else:
                report.reject(source.shown, error.line, error.reason)
        except OSError as error:
            report.reject(source.shown, 1, f"cannot read: {error.strerror or error}")
    return parsed


def write_in_batches(writer: Writer, work: Iterable, *, total: int, progress: Callable | None) -> None:
    """Write ``(files, rendered HTML)`` pairs, one transaction per batch and a savepoint per article.

    A batch that fails as a whole (its deferred rows could not be inserted)
    is rolled back, and its articles are reported as rejected.
    """
    done = 0
    for batch in batches(work, size=WRITE_BATCH):
        written = len(writer.report.entries)
        try:
            with transaction.atomic():
                for files, html in batch:
                    writer.write(files, rendered=html)
                writer.flush()
        except DatabaseError as error:
            writer.forget()
            writer.report.entries[written:] = [
                Entry(Report.REJECTED, entry.path, line=1, message=f"not saved: {error}")
                if entry.status in (Report.CREATED, Report.UPDATED)
                else entry
                for entry in writer.report.entries[written:]
            ]
        done += len(batch)
        if progress:
            progress(done, total)


def batches(items: Iterable, *, size: int) -> Iterable[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


RenderTexts = tuple[tuple[str, str, str], ...]  # (language, title, body)
_render_article: Article | None = None


def render_texts(texts: RenderTexts | None) -> dict[str, str] | None:
    """The stored HTML fields of a new article with these texts, through ``Article.render``."""
    if texts is None:
        return None
    global _render_article  # in a worker process, which renders one text at a time
    if _render_article is None:
        _render_article = Article()  # building a translated model costs as much as a short render
    article = _render_article
    given = {language: (title, body) for language, title, body in texts}
    for code in languages.codes():
        title, body = given.get(code, ("", ""))
        setattr(article, languages.field("title", code), title)
        setattr(article, languages.field("body", code), body)
    article.render(images={})
    return {
        languages.field(name, code): getattr(article, languages.field(name, code))
        for name in ("body_html", "toc_html")
        for code in languages.codes()
    }


@contextmanager
def rendering(texts: list[RenderTexts | None], *, processes: int):
    """Render the texts of new articles in worker processes while the caller writes.

    Rendering Markdown is most of an import's time; with ``processes`` > 1 and
    enough texts it is spread over the machine's cores (not inside a caller's
    transaction: the workers are forked, so the connection is closed first).
    Yields the results in order (``None`` where nothing was rendered in advance).
    """
    work = sum(item is not None for item in texts)
    in_transaction = any(connection.in_atomic_block for connection in connections.all(initialized_only=True))
    if processes <= 1 or work < PARALLEL_THRESHOLD or in_transaction:
        yield (None for _item in texts)  # Article.save() renders
        return
    connections.close_all()  # the forked workers must not share the database connection
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield pool.imap(render_texts, texts, chunksize=32)


# Uploads ---------------------------------------------------------------------

UPLOAD_SUFFIXES = MARKDOWN_SUFFIXES | IMAGE_SUFFIXES


@dataclass(frozen=True)
class UploadLimits:
    max_upload_bytes: int = 50 * 1024 * 1024
    max_files: int = 2000
    max_total_bytes: int = 200 * 1024 * 1024
    max_file_bytes: int = 20 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, beyond which a member is a zip bomb


class UnsafeArchive(ValueError):
    """A zip archive refused before anything was extracted."""


def extract_upload(name: str, data: bytes | io.BufferedIOBase, destination: Path, *, limits: UploadLimits) -> Path:
    """Write an uploaded ``.md`` or ``.zip`` into an empty folder and return the folder to import.

    Zip archives are checked before extraction: no absolute paths, no ``..``,
    no links, at most ``limits.max_files`` members and ``limits.max_total_bytes``
    uncompressed, no member compressed more than ``limits.max_ratio`` times;
    extraction counts the bytes it writes instead of trusting the headers.
    Members other than Markdown files and images are left out.
    """
    destination.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        content = data if isinstance(data, bytes) else data.read(limits.max_file_bytes + 1)
        if len(content) > limits.max_file_bytes:
            raise UnsafeArchive(f"{name}: larger than {limits.max_file_bytes // (1024 * 1024)} MB")
        (destination / Path(name).name).write_bytes(content)
        return destination
    if suffix != ".zip":
        raise UnsafeArchive(f"{name}: upload a .md file or a .zip archive")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile:
        raise UnsafeArchive(f"{name}: not a zip archive") from None
    with archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        _check_members(name, members, limits=limits)
        written = 0
        for member in members:
            if Path(member.filename).suffix.lower() not in UPLOAD_SUFFIXES:
                continue
            target = destination.joinpath(*member_parts(member.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as output:
                written = _copy_limited(source, output, written=written, name=name, member=member, limits=limits)
    return destination


def member_parts(filename: str) -> list[str]:
    return [part for part in filename.replace("\\", "/").split("/") if part not in ("", ".")]


def _check_members(name: str, members: list[zipfile.ZipInfo], *, limits: UploadLimits) -> None:
    if len(members) > limits.max_files:
        raise UnsafeArchive(f"{name}: {len(members)} files, more than the limit of {limits.max_files}")
    total = sum(member.file_size for member in members)
    if total > limits.max_total_bytes:
        raise UnsafeArchive(f"{name}: {total} bytes uncompressed, more than the limit of {limits.max_total_bytes}")
    for member in members:
        filename = member.filename.replace("\\", "/")
        if filename.startswith("/") or re.match(r"[A-Za-z]:", filename) or ".." in filename.split("/"):
            raise UnsafeArchive(f"{name}: {member.filename}: path leads outside the archive")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise UnsafeArchive(f"{name}: {member.filename}: symbolic links are not accepted")
        if member.file_size > limits.max_file_bytes:
            raise UnsafeArchive(f"{name}: {member.filename}: larger than {limits.max_file_bytes} bytes")
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise UnsafeArchive(f"{name}: {member.filename}: compressed too well to be real content (zip bomb)")


def _copy_limited(source, output, *, written: int, name: str, member: zipfile.ZipInfo, limits: UploadLimits) -> int:
    size = 0
    while chunk := source.read(64 * 1024):
        size += len(chunk)
        written += len(chunk)
        if size > member.file_size or size > limits.max_file_bytes or written > limits.max_total_bytes:
            raise UnsafeArchive(f"{name}: {member.filename}: more data than the archive declares")
        output.write(chunk)
    return written


def upload_folder(token: str) -> Path:
    """The private folder (outside MEDIA_ROOT) an upload waits in between preview and confirmation."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValueError("not an upload token")
    return Path(django_settings.VAR_DIR) / "imports" / token


def remove_upload(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_uploads(*, max_age_seconds: int = 24 * 3600) -> None:
    """Drop uploads previewed but never confirmed."""
    base = Path(django_settings.VAR_DIR) / "imports"
    if not base.is_dir():
        return
    oldest = time_module.time() - max_age_seconds
    for folder in base.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < oldest:
            remove_upload(folder)
