from django.core.management.base import BaseCommand

from news import images


class Command(BaseCommand):
    help = "Make the WebP renditions that are missing or stale (after loading rows without save())."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what needs renditions, write nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        banners, bodies = images.ensure_renditions(dry_run=dry_run)
        verb = "Would make" if dry_run else "Made"
        if verbosity:
            self.stdout.write(f"{verb} renditions for {banners} banners and {bodies} body images.")
