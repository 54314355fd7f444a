from pathlib import Path

from django.core.management.base import BaseCommand

from news import backup


class Command(BaseCommand):
    help = "Write the database and the uploaded media into one .tar.gz (var/backups/ by default)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="Folder for the backup file (default: var/backups/).")

    def handle(self, *args, output_dir=None, verbosity=1, **options):
        path = backup.create_backup(output_dir)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size} bytes)."))
