"""Migrate the development database, setting aside one whose migration history no longer exists.

The migrations were started afresh per app when the apps were split; a SQLite
database made before that records migrations that are gone, and migrating it
would leave tables of the old layout. Such a file is renamed (never deleted)
and a new database is made. Any other database is only migrated; one with a
history that does not match is reported, not touched.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

OWN_APPS = ("news", "tags", "translations")


def unknown_migrations() -> list[tuple[str, str]]:
    """Applied migrations of our apps that no file describes any more."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(key for key in loader.applied_migrations if key[0] in OWN_APPS and key not in loader.disk_migrations)


class Command(BaseCommand):
    help = "Migrate the database; a development SQLite file from an older migration history is set aside first."

    def handle(self, *args, **options):
        stale = unknown_migrations()
        if stale:
            names = ", ".join(f"{app}.{name}" for app, name in stale[:3])
            if connection.vendor != "sqlite":
                raise CommandError(
                    f"The database records migrations that no longer exist ({names}…): it was made by an older "
                    "layout of the code. Restore it into a new database with `make restore`, or drop it."
                )
            path = Path(connection.settings_dict["NAME"])
            connection.close()
            aside = path.with_name(f"{path.name}.old-{timezone.now():%Y%m%d%H%M%S}")
            path.rename(aside)
            self.stdout.write(
                f"{path} came from an older migration history ({names}…); kept as {aside}, starting anew."
            )
        call_command("migrate", interactive=False, verbosity=options["verbosity"] - 1 if options["verbosity"] else 0)
