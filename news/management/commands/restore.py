from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news import backup


class Command(BaseCommand):
    help = "Load a backup made by the backup command into an empty database (or any, with --force)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A portal-YYYYmmdd-HHMMSS.tar.gz file.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the content of a database that has articles or users."
        )

    def handle(self, *args, file, force=False, verbosity=1, **options):
        try:
            report = backup.restore_backup(file, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if verbosity:
            restored = f"{report.objects} objects and {report.media_files} media files"
            self.stdout.write(self.style.SUCCESS(f"Restored {restored} from {file}."))
