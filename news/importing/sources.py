"""Which files an import reads, what language each is in, what identifies it, and which files pair up.

A file is identified by its path under its nearest language folder
(``news/20220815.md`` under any ``zh/``), stored as ``zh/news/20220815.md``:
any import root, a sub-folder or the single file finds the same article.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from news.importing.markdown_scan import comparable
from news.importing.report import Report
from translations import languages

if TYPE_CHECKING:
    from news.importing.parsing import ParsedFile

MARKDOWN_SUFFIXES = {".md", ".markdown"}
CATEGORY_FOLDERS = {"news": "news", "blog": "blog", "blogs": "blog", "events": "events", "event": "events"}
INDEX_NAMES = ("index", "readme")


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file found under an import root."""

    path: Path  # absolute, not resolved (so its folder is the one it was found in)
    root: Path  # absolute and resolved
    shown: str  # as the report shows it
    relpath: str  # POSIX path under the root
    named: bool = False  # given by name, not found in a folder


@dataclass(frozen=True)
class Location:
    """Where a file sits: its language, identity, pairing key and the folders below its language folder."""

    language: str | None
    identity: str  # what re-import finds the article by: "zh/news/20220815.md"
    group_key: tuple
    folders: tuple[str, ...]  # below the language folder (or the root), nearest last
    stem: str


def collect_files(paths: Sequence[str | Path], *, report: Report) -> list[SourceFile]:
    """Markdown files named or found under the given folders (hidden folders skipped)."""
    found: dict[Path, SourceFile] = {}
    for given in paths:
        given = Path(given)
        if given.is_file():
            root = given.absolute().parent.resolve()
            found.setdefault(
                root / given.name,
                SourceFile(path=root / given.name, root=root, shown=str(given), relpath=given.name, named=True),
            )
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
                    path = Path(folder) / name
                    found.setdefault(
                        path, SourceFile(path=path, root=root, shown=str(given / relpath), relpath=relpath)
                    )
    return list(found.values())


def locate(source: SourceFile, *, language: str | None) -> Location:
    """The file's language (``language`` first, else its nearest language folder) and identity.

    Files of one article in two languages share the pairing key: the same
    folder above the language folders, and the same path below them compared
    without case, spaces or punctuation differences.
    """
    parts = source.path.parts
    index = next((i for i in range(len(parts) - 2, -1, -1) if languages.from_folder(parts[i])), None)
    if index is not None:
        found, base, rest = languages.from_folder(parts[index]), Path(*parts[:index]), parts[index + 1 :]
    else:
        found, base, rest = None, source.root, source.path.relative_to(source.root).parts
    code = language or found
    identity = f"{languages.get(code).prefix}/{'/'.join(rest)}" if code else ""
    key_parts = [*rest[:-1], Path(rest[-1]).stem]
    if len(key_parts) > 1 and key_parts[-1].lower() in INDEX_NAMES:
        key_parts = key_parts[:-1]
    key = "/".join(re.sub(r"[\s_.\-]+", "-", part.casefold()).strip("-") for part in key_parts)
    return Location(
        language=code,
        identity=identity,
        group_key=("path", str(base), key),
        folders=tuple(rest[:-1]),
        stem=Path(rest[-1]).stem,
    )


def slug_name(location: Location) -> str:
    """The name a new article's slug is made from: the file's, or its folder's for ``index.md``."""
    if location.stem.lower() in INDEX_NAMES and location.folders:
        return location.folders[-1]
    return location.stem


def category_from_path(location: Location) -> str:
    for part in location.folders:
        if part.lower() in CATEGORY_FOLDERS:
            return CATEGORY_FOLDERS[part.lower()]
    return ""


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Explicit pairs from a CSV file of two columns (the source-language file, the translation)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the pairs file ({error})") from None
    pairs = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (number == 1 and languages.from_name(cells[0]) is not None):
            continue
        if len(cells) != 2 or not all(cells):
            raise ValueError(f"{path}:{number}: expected two columns, the original file and its translation")
        pairs.append((cells[0], cells[1]))
    return pairs


def apply_pairs(parsed: list[ParsedFile], pairs: Sequence[tuple[str, str]], *, report: Report) -> None:
    """Give explicitly paired files one group key (paths as shown, relative to the root, or absolute)."""
    lookup: dict[str, ParsedFile] = {}
    for item in parsed:
        for name in (item.source.shown, item.source.relpath, str(item.source.path)):
            lookup[name.replace("\\", "/")] = item
    for number, (first, second) in enumerate(pairs, start=1):
        found = [lookup.get(name) or lookup.get(str(Path(name).absolute())) for name in (first, second)]
        if None in found:
            missing = first if found[0] is None else second
            report.warn("--pairs", number, f"no imported file matches {missing}")
            continue
        for item in found:
            item.group_key = ("pair", first)


def group_files(parsed: list[ParsedFile], *, report: Report) -> list[dict[str, ParsedFile]]:
    """Files of one article, by language.

    Two files with one identity are one article: when they hold the same post
    (two site generations) the first is imported and the other skipped,
    otherwise the other is rejected. A second file of a language under one pairing key starts an article of its own.
    """
    groups: dict[tuple, dict[str, ParsedFile]] = {}
    identities: dict[str, ParsedFile] = {}
    for item in parsed:
        first = identities.setdefault(item.identity, item)
        if first is not item:
            if same_post(first, item):
                message = f"same language, title and date as {first.source.shown}; not imported twice"
                report.add(Report.SKIPPED, item.source.shown, message=message, languages=(item.language,))
            else:
                reason = f"same path under its language folder ({item.identity}) as {first.source.shown}, but "
                report.reject(item.source.shown, 1, reason + "another post; import the roots one by one")
            continue
        key = item.group_key
        while key in groups and item.language in groups[key]:
            other = groups[key][item.language]
            if key == item.group_key:
                report.warn(item.source.shown, 0, f"same article as {other.source.shown}; imported separately")
            key = (*key, "again")
        groups.setdefault(key, {})[item.language] = item
    return list(groups.values())


def same_post(first: ParsedFile, second: ParsedFile) -> bool:
    """Whether two files hold the same post: the same title (spaces and case aside) and date."""

    def key(item: ParsedFile) -> tuple:
        return (comparable(item.title), item.publish_at)

    return key(first) == key(second)
