"""``import_paths``: the steps of one import in order (collect, parse, pair, group, render, write)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from itertools import islice
from pathlib import Path

from django.db import DatabaseError, transaction

from news import search
from news.importing.files import ImageStore
from news.importing.parsing import ParsedFile, Settings, parse_file
from news.importing.rendering import rendering
from news.importing.report import Entry, Problem, Rejected, Report
from news.importing.sources import apply_pairs, collect_files, group_files
from news.importing.writer import Writer

# Articles written per transaction; each still has its own savepoint.
WRITE_BATCH = 200


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
    """Import Markdown files and folder trees; returns a ``Report``.

    ``language`` (a language code) applies to every file; otherwise each
    file's nearest language folder decides. ``pairs`` pairs files explicitly.
    ``force`` overwrites articles edited since their import and files that did
    not change. With ``dry_run`` the report is the same and nothing is written.
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

    Each batch commits complete: its articles with their sources, tags,
    images, versions and search documents; an import killed between two
    batches is completed by running it again.

    A batch that fails as a whole (its deferred rows could not be inserted)
    is rolled back, and its articles are reported as rejected.
    """
    done = 0
    work = iter(work)
    while batch := list(islice(work, WRITE_BATCH)):
        written = len(writer.report.entries)
        try:
            with transaction.atomic():
                for files, html in batch:
                    writer.write(files, rendered=html)
                writer.flush()
                search.write_deferred()
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
