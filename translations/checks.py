"""File-level checks of a PO file before any entry is read: syntax, header, language, project."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
from django.utils.translation import gettext as _

from translations.po_export import PROJECT_ID, language_from_header, po_language


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class PoSource:
    """A PO file to import: its name (for messages) and its text."""

    name: str
    text: str


_QUOTED_LINE = re.compile(r'^\s*(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?|#\|\s*msg\w+)?\s*"')


def syntax_problems(source: PoSource) -> list[Problem]:
    """Unterminated strings, which polib silently accepts."""
    problems = []
    for number, line in enumerate(source.text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("#|"):
            continue
        if _QUOTED_LINE.match(line):
            body = stripped[stripped.index('"') :]
            if len(body) < 2 or not body.endswith('"') or re.search(r'(?<!\\)(\\\\)*\\"$', body):
                problems.append(Problem(source.name, number, _("syntax error: string not closed with a quote")))
    return problems


def msgfmt_problems(source: PoSource) -> list[Problem]:
    """What GNU msgfmt finds, when it is installed."""
    if not shutil.which("msgfmt"):
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.po"
        path.write_text(source.text, encoding="utf-8")
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
    problems = []
    for line in result.stderr.splitlines():
        match = re.match(rf"^{re.escape(str(path))}:(\d+):(?:\d+:)?\s*(.*)$", line)
        if match:
            problems.append(Problem(source.name, int(match.group(1)), _syntax_error(match.group(2))))
    return problems


def _syntax_error(detail: str) -> str:
    return _("syntax error: %(detail)s") % {"detail": detail}


def parse_po(source: PoSource) -> tuple[polib.POFile | None, list[Problem]]:
    problems = syntax_problems(source) or msgfmt_problems(source)
    if problems:
        return None, problems
    try:
        return polib.pofile(source.text), []
    except (OSError, ValueError) as error:
        match = re.search(r"\(line (\d+)\)", str(error))
        return None, [Problem(source.name, int(match.group(1)) if match else 1, _syntax_error(str(error)))]


def header_problems(po: polib.POFile, *, source: PoSource, language: str | None) -> tuple[str | None, list[Problem]]:
    header_line = 1
    problems = []
    project = po.metadata.get("Project-Id-Version", "")
    if project != PROJECT_ID:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Project-Id-Version is “%(found)s”, not “%(expected)s”: not a file of this site")
                % {"found": project, "expected": PROJECT_ID},
            )
        )
    declared = po.metadata.get("Language", "")
    found = language_from_header(declared)
    if found is None:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Language “%(language)s” is not one of the site's languages") % {"language": declared},
            )
        )
    elif language and found != language:
        problems.append(
            Problem(
                source.name,
                header_line,
                _("Language is “%(found)s”, but this import is for “%(expected)s”")
                % {"found": declared, "expected": po_language(language)},
            )
        )
    return found, problems


def keyword_line(lines: list[str], start: int, keyword: str) -> int:
    """The line (from 1) where an entry starting at ``start`` has ``keyword``, else ``start``."""
    for index in range(max(start - 1, 0), len(lines)):
        if lines[index].startswith(keyword):
            return index + 1
        if index >= start and not lines[index].strip():
            break
    return start
