from django.core.management.base import BaseCommand, CommandError

from news import demo


class Command(BaseCommand):
    help = "Create the demo articles and tags that do not exist yet (articles by slug); existing ones are left alone."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created, create nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        try:
            report = demo.load(dry_run=dry_run)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if not report.changed:
            self.stdout.write("Demo content is already loaded; nothing changed.")
            return
        verb = "Would create" if dry_run else "Created"
        if verbosity >= 2:
            for slug in report.created_articles:
                self.stdout.write(f"  {verb.lower()} article {slug}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(report.created_articles)} demo articles and {len(report.created_tags)} tags"
                f" ({len(report.existing_articles)} articles already present)."
            )
        )
