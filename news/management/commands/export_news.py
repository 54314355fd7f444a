from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news import exporting, importing


class Command(BaseCommand):
    help = "Write articles as Markdown files with front matter (zh/… and en/…), images beside them."

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR", help="The folder to write to (created if missing).")
        parser.add_argument("--only-published", action="store_true", help="Only articles visitors can see now.")
        parser.add_argument("--category", metavar="SLUG", help="Only articles of this category.")
        parser.add_argument("--since", metavar="DATE", help="Only articles dated on or after DATE (2024-01-31).")

    def handle(self, *args, outdir, only_published, category, since, verbosity, **options):
        since_date = importing.parse_date(since) if since else None
        if since and since_date is None:
            raise CommandError(f"--since {since}: not a date (use YYYY-MM-DD)")
        articles = exporting.articles_to_export(only_published=only_published, category=category, since=since_date)
        report = exporting.export_articles(Path(outdir), articles)
        for problem in report.warnings:
            self.stdout.write(f"warning   {problem}")
        if verbosity >= 1:
            self.stdout.write(report.summary())
