from django.core.management.base import BaseCommand, CommandError

from news import demo


class Command(BaseCommand):
    help = (
        "Import the demo content in demo/content (articles by file, tags by name); "
        "existing articles are left alone, so a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created, create nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        try:
            report = demo.load(dry_run=dry_run)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 2 or report.imported.has_rejections:
            for line in report.imported.lines(verbosity=verbosity):
                self.stdout.write(line)
        if report.imported.has_rejections:
            raise CommandError("Some demo files were rejected (see above).")
        if not report.changed:
            self.stdout.write("Demo content is already loaded; nothing changed.")
            return
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {report.created_articles} demo articles and {len(report.created_tags)} tags"
                f" ({report.existing_articles} articles already present)."
            )
        )
