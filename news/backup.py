"""Backups of the whole site in one file: the database as Django fixtures, plus the uploaded media.

A backup is a ``.tar.gz`` holding ``manifest.json``, ``database.json`` (``dumpdata`` with
natural keys for content types and permissions, so it loads into any freshly migrated
database, SQLite or PostgreSQL) and ``media/``. Sessions, login-throttling records and
search documents are left out: the first two are transient, the last is rebuilt on restore.
"""

import datetime as dt
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import Deserializer as Deserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import transaction
from django.utils import timezone

from news import defaults, search
from news.content import fill_body_texts
from news.models import Article

FORMAT = 1
# Django's JSON fixtures keep milliseconds only; a backup keeps every microsecond of every date.
SERIALIZATION_FORMAT = "backupjson"
DATABASE_FILE = f"database.{SERIALIZATION_FORMAT}"
MANIFEST_FILE = "manifest.json"
MEDIA_FOLDER = "media"
# Rebuilt by migrate (content types, permissions) or by the restore (search), or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "news.searchdocument"]


class _ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    """JSON fixtures with full-precision times (this module is registered as a serialization format)."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = _ExactEncoder


def _register_format() -> None:
    if SERIALIZATION_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(SERIALIZATION_FORMAT, __name__)


class BackupError(Exception):
    """A backup file that cannot be restored, or a database that should not be overwritten."""


@dataclass(frozen=True)
class RestoreReport:
    objects: int
    media_files: int


def default_folder() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def backup_name(now: dt.datetime | None = None) -> str:
    moment = timezone.localtime(now or timezone.now())
    return f"portal-{moment:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(folder: Path | None = None, *, now: dt.datetime | None = None) -> Path:
    """Write a backup into ``folder`` (``var/backups/`` by default) and return its path.

    The archive is written under a temporary name and renamed when complete,
    so a failed backup never leaves a file that looks whole.
    """
    folder = Path(folder or default_folder())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(now)
    _register_format()
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE_FILE
        call_command(
            "dumpdata",
            format=SERIALIZATION_FORMAT,
            exclude=EXCLUDED,
            natural_foreign=True,
            output=str(dump),
            verbosity=0,
        )
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "articles": Article.objects.count(),
        }
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            info = tarfile.TarInfo(MANIFEST_FILE)
            data = json.dumps(manifest, indent=2).encode()
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, fileobj=io.BytesIO(data))
            archive.add(dump, arcname=DATABASE_FILE)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname=MEDIA_FOLDER, filter=_regular_files)
        partial.rename(target)
    return target


def _regular_files(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # Symbolic links in the media folder could point anywhere on the server; they are not content.
    return member if member.isfile() or member.isdir() else None


def database_is_empty() -> bool:
    """No article and no user: a freshly migrated database."""
    return not Article.objects.exists() and not get_user_model().objects.exists()


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = set(archive.getnames())
            if MANIFEST_FILE not in names or DATABASE_FILE not in names:
                raise BackupError(f"{path}: not a portal backup (no {MANIFEST_FILE} or {DATABASE_FILE})")
            manifest = json.load(archive.extractfile(MANIFEST_FILE))
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as error:
        raise BackupError(f"{path}: cannot be read as a backup ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: backup format {manifest.get('format')!r}, this version reads {FORMAT}")
    return manifest


def restore_backup(path: Path, *, force: bool = False) -> RestoreReport:
    """Load a backup into this database and media folder.

    Refuses a database holding articles or users unless ``force``; then its
    whole content is replaced. The database is written in one transaction:
    a backup that fails to load changes nothing there.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    read_manifest(path)
    _register_format()
    if not force and not database_is_empty():
        raise BackupError("The database is not empty (it has articles or users); pass --force to replace its content.")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(folder, filter="data")
        dump = folder / DATABASE_FILE
        objects = len(json.loads(dump.read_text()))
        with transaction.atomic():
            # Every table emptied (what migrations wrote is in the backup too); content types and
            # permissions come back through post_migrate, the rest from the backup.
            call_command("flush", interactive=False, verbosity=0)
            # The backup has its own groups and categories: the ones every migrate starts with make way.
            defaults.remove_starting_data()
            call_command("loaddata", str(dump), verbosity=0)
            fill_body_texts(Article)  # derived from the bodies, like the search documents: made again
            search.rebuild()
        media_files = _restore_media(folder / MEDIA_FOLDER)
    return RestoreReport(objects=objects, media_files=media_files)


def _restore_media(source: Path) -> int:
    if not source.is_dir():
        return 0
    root = Path(settings.MEDIA_ROOT)
    count = 0
    for file in source.rglob("*"):
        if file.is_file() and not file.is_symlink():
            target = root / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            count += 1
    return count
