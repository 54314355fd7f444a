"""What an import did or would do: one entry per article, warnings, notes, ignored files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path


class Rejected(Exception):
    """A file that cannot be imported: where, and why."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


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

    @property
    def changed(self) -> bool:
        counts = self.counts
        return bool(counts[self.CREATED] or counts[self.UPDATED])

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
