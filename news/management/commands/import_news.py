import argparse
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news import importing
from portal import cache as page_cache
from translations import languages


class Command(BaseCommand):
    help = (
        "Import Markdown files with YAML front matter (files or folder trees, zh/ and en/ folders) as articles. "
        "Re-running is safe: unchanged files are left alone, articles edited in the admin are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A Markdown file or a folder tree.")
        parser.add_argument(
            "--lang",
            type=self.language,
            metavar="LANG",
            help="The language of every file, as a code or folder name (else its nearest language folder).",
        )
        parser.add_argument(
            "--static-root",
            action="append",
            default=[],
            metavar="DIR",
            help="The site's public folder, where /img/… and banner paths are found (may be repeated).",
        )
        parser.add_argument("--pairs", metavar="CSV", help="A CSV file of zh file, en file pairs of one article.")
        parser.add_argument("--force", action="store_true", help="Overwrite articles edited since their import.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")

    def handle(self, *args, paths, lang, static_root, pairs, force, dry_run, verbosity, **options):
        for folder in static_root:
            if not Path(folder).is_dir():
                raise CommandError(f"--static-root {folder}: not a folder")
        try:
            pair_list = importing.read_pairs(Path(pairs)) if pairs else []
        except ValueError as error:
            raise CommandError(str(error)) from None
        report = importing.import_paths(
            paths,
            language=lang,
            static_roots=static_root,
            pairs=pair_list,
            force=force,
            dry_run=dry_run,
            progress=self.progress_bar() if verbosity >= 1 else None,
            processes=os.cpu_count() or 1,
        )
        if not dry_run:
            # Saves bump the page cache's version as they go; this covers the rows written in bulk.
            page_cache.content_changed()
        for line in report.lines(verbosity=verbosity):
            self.stdout.write(line)
        if report.has_rejections:
            raise CommandError(f"{report.counts[report.REJECTED]} rejected", returncode=1)

    @staticmethod
    def language(value: str) -> str:
        code = languages.from_name(value)
        if code is None:
            known = ", ".join(language.prefix for language in languages.languages())
            raise argparse.ArgumentTypeError(f"unknown language {value!r}; one of {known}")
        return code

    def progress_bar(self):
        """A progress bar on the terminal only; logs and pipes get the report alone."""
        if not sys.stderr.isatty():
            return None

        def show(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return show
