from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import cache as page_cache
from translations import languages, po_import


class Command(BaseCommand):
    help = "Import translated PO files written by export_translations: all of them, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE.po")
        parser.add_argument("--lang", choices=languages.codes(), help="refuse files declaring another language")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")

    def handle(self, *args, files, lang, dry_run, **options):
        report = po_import.import_files(paths=files, language=lang, dry_run=dry_run)
        if report.ok and not dry_run:
            page_cache.content_changed()  # the saves did already; this covers any bulk write to come
        if options["verbosity"] > 1:
            for label, entries in (
                ("updated", report.updated),
                ("confirmed", report.confirmed),
                ("unchanged", report.unchanged),
                ("left untranslated", report.untranslated),
            ):
                for context in entries:
                    self.stdout.write(f"{label}: {context}")
        for problem in report.rejected:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(f"{report.summary()}; nothing was imported")
        suffix = " (dry run: nothing was changed)" if dry_run else ""
        self.stdout.write(f"{report.summary()}{suffix}")
