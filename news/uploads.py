"""Uploaded files waiting on the server between a preview and its confirmation.

``extract_upload`` unpacks a ``.md`` file or a ``.zip`` of a folder tree,
refusing unsafe archives before anything is written. ``UploadFlow`` is the
admin's "upload → preview → confirm" pattern: the upload is staged under
``var/imports/<token>/``, the token remembered in the session, the preview
callable shows what would happen, and the confirmation runs the apply
callable on the same staged files (nothing is uploaded twice). Staged
uploads never confirmed are removed after a day.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import stat
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from django.conf import settings
from django.utils.translation import gettext

from news.importing.markdown_scan import IMAGE_SUFFIXES
from news.importing.sources import MARKDOWN_SUFFIXES

UPLOAD_SUFFIXES = MARKDOWN_SUFFIXES | IMAGE_SUFFIXES
MAX_AGE_SECONDS = 24 * 3600
# File systems refuse longer names (255 bytes a part) and paths; refused before writing.
MAX_PART_BYTES = 200
MAX_PATH_BYTES = 1000
# What the zipfile module can unpack without optional libraries missing at run time.
COMPRESSION_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# What a damaged member raises while it is read: bad CRC, truncated or lying sizes, broken streams.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


@dataclass(frozen=True)
class UploadLimits:
    max_upload_bytes: int = 50 * 1024 * 1024
    max_files: int = 2000
    max_total_bytes: int = 200 * 1024 * 1024
    max_file_bytes: int = 20 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, beyond which a member is a zip bomb


class UnsafeArchive(ValueError):
    """An upload refused before anything was extracted; its message is in the active language."""


def _refused(message: str, name: str, member: zipfile.ZipInfo) -> UnsafeArchive:
    """A refusal naming the upload and one of its members (``message`` already translated)."""
    return UnsafeArchive(message % {"upload": name, "member": member.filename})


def extract_upload(name: str, data: bytes | io.BufferedIOBase, destination: Path, *, limits: UploadLimits) -> Path:
    """Write an uploaded ``.md`` or ``.zip`` into an empty folder and return the folder to import.

    Zip archives are checked before extraction: no absolute paths, no ``..``,
    no links, at most ``limits.max_files`` members and ``limits.max_total_bytes``
    uncompressed, no member compressed more than ``limits.max_ratio`` times;
    extraction counts the bytes it writes instead of trusting the headers.
    Members other than Markdown files and images are left out.
    """
    suffix = Path(name).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return store_file(name, data, destination, limits=limits)
    if suffix != ".zip":
        raise UnsafeArchive(gettext("%(upload)s: upload a .md file or a .zip archive") % {"upload": name})
    destination.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile:
        raise UnsafeArchive(gettext("%(upload)s: not a zip archive") % {"upload": name}) from None
    with archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        _check_members(name, members, limits=limits)
        written = 0
        for member in members:
            if Path(member.filename).suffix.lower() not in UPLOAD_SUFFIXES:
                continue
            target = destination.joinpath(*member_parts(member.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, target.open("wb") as output:
                    written = _copy_limited(source, output, written=written, name=name, member=member, limits=limits)
            except UnsafeArchive:
                raise
            except READ_ERRORS as error:
                message = gettext("%(upload)s: %(member)s: damaged member, cannot be unpacked (%(error)s)")
                raise UnsafeArchive(message % {"upload": name, "member": member.filename, "error": error}) from None
    return destination


def store_file(name: str, data: bytes | io.BufferedIOBase, destination: Path, *, limits: UploadLimits) -> Path:
    """Write one uploaded file, as it is, into the folder (under its base name); returns the folder."""
    destination.mkdir(parents=True, exist_ok=True)
    content = data if isinstance(data, bytes) else data.read(limits.max_file_bytes + 1)
    if len(content) > limits.max_file_bytes:
        raise UnsafeArchive(
            gettext("%(upload)s: larger than %(megabytes)s MB")
            % {"upload": name, "megabytes": limits.max_file_bytes // (1024 * 1024)}
        )
    (destination / Path(name.replace("\\", "/")).name).write_bytes(content)
    return destination


def member_parts(filename: str) -> list[str]:
    return [part for part in filename.replace("\\", "/").split("/") if part not in ("", ".")]


def _check_members(name: str, members: list[zipfile.ZipInfo], *, limits: UploadLimits) -> None:
    if len(members) > limits.max_files:
        raise UnsafeArchive(
            gettext("%(upload)s: %(count)s files, more than the limit of %(limit)s")
            % {"upload": name, "count": len(members), "limit": limits.max_files}
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_total_bytes:
        raise UnsafeArchive(
            gettext("%(upload)s: %(bytes)s bytes uncompressed, more than the limit of %(limit)s")
            % {"upload": name, "bytes": total, "limit": limits.max_total_bytes}
        )
    for member in members:
        filename = member.filename.replace("\\", "/")
        if filename.startswith("/") or re.match(r"[A-Za-z]:", filename) or ".." in filename.split("/"):
            raise _refused(gettext("%(upload)s: %(member)s: path leads outside the archive"), name, member)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise _refused(gettext("%(upload)s: %(member)s: symbolic links are not accepted"), name, member)
        parts = member_parts(filename)
        if len(filename.encode()) > MAX_PATH_BYTES or any(len(part.encode()) > MAX_PART_BYTES for part in parts):
            message = gettext("%(upload)s: %(member)s…: name too long (at most %(limit)s bytes a part)")
            raise UnsafeArchive(message % {"upload": name, "member": member.filename[:80], "limit": MAX_PART_BYTES})
        if member.flag_bits & 0x1:
            raise _refused(gettext("%(upload)s: %(member)s: encrypted members are not accepted"), name, member)
        if member.compress_type not in COMPRESSION_METHODS:
            message = gettext(
                "%(upload)s: %(member)s: unsupported compression method %(method)s"
                " (use an ordinary zip: stored or deflated)"
            )
            raise UnsafeArchive(message % {"upload": name, "member": member.filename, "method": member.compress_type})
        if member.file_size > limits.max_file_bytes:
            message = gettext("%(upload)s: %(member)s: larger than %(limit)s bytes")
            raise UnsafeArchive(message % {"upload": name, "member": member.filename, "limit": limits.max_file_bytes})
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise _refused(
                gettext("%(upload)s: %(member)s: compressed too well to be real content (zip bomb)"), name, member
            )
    _check_paths(name, members)


def _check_paths(name: str, members: list[zipfile.ZipInfo]) -> None:
    """No two members at one path, and no file where another member needs a folder (``a.md``, ``a.md/b.md``)."""
    files: dict[tuple[str, ...], str] = {}
    for member in members:
        key = tuple(part.casefold() for part in member_parts(member.filename))
        if key in files:
            raise _refused(gettext("%(upload)s: %(member)s: the archive holds two files at this path"), name, member)
        files[key] = member.filename
    for key, filename in files.items():
        for depth in range(1, len(key)):
            if key[:depth] in files:
                message = gettext(
                    "%(upload)s: %(member)s: a file of this name is also a folder in the archive (%(inner)s)"
                )
                raise UnsafeArchive(message % {"upload": name, "member": files[key[:depth]], "inner": filename})


def _copy_limited(source, output, *, written: int, name: str, member: zipfile.ZipInfo, limits: UploadLimits) -> int:
    size = 0
    while chunk := source.read(64 * 1024):
        size += len(chunk)
        written += len(chunk)
        if size > member.file_size or size > limits.max_file_bytes or written > limits.max_total_bytes:
            raise _refused(gettext("%(upload)s: %(member)s: more data than the archive declares"), name, member)
        output.write(chunk)
    return written


def uploads_root() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def upload_folder(token: str) -> Path:
    """The private folder (outside MEDIA_ROOT) an upload waits in between preview and confirmation."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValueError("not an upload token")
    return uploads_root() / token


def remove_upload(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_uploads(*, max_age_seconds: int = MAX_AGE_SECONDS) -> None:
    """Drop uploads previewed but never confirmed."""
    base = uploads_root()
    if not base.is_dir():
        return
    oldest = time.time() - max_age_seconds
    for folder in base.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < oldest:
            remove_upload(folder)


@dataclass(frozen=True)
class Staged:
    """An upload waiting for confirmation: where it is, what it was called, the options chosen with it."""

    token: str
    name: str
    options: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return upload_folder(self.token)

    @property
    def path(self) -> Path:
        """The uploaded file itself, when it was stored as it is (``store_file``)."""
        return self.folder / Path(self.name.replace("\\", "/")).name


Result = TypeVar("Result")
Unpack = Callable[..., Path]


class UploadFlow(Generic[Result]):
    """Upload → preview → confirm, with the upload staged on the server in between.

    ``preview`` and ``apply`` take the ``Staged`` upload and return what the
    page shows; ``unpack`` writes the upload into its folder (``extract_upload``
    for Markdown and zip archives, ``store_file`` for any single file) and may
    raise ``UnsafeArchive``. ``options`` must be JSON-serialisable: they wait
    in the session.
    """

    def __init__(
        self,
        *,
        session_key: str,
        preview: Callable[[Staged], Result],
        apply: Callable[[Staged], Result],
        unpack: Unpack = extract_upload,
        limits: UploadLimits | None = None,
    ):
        self.session_key = session_key
        self.preview_callable = preview
        self.apply_callable = apply
        self.unpack = unpack
        self.limits = limits or UploadLimits()

    def pending(self, request) -> Staged | None:
        """The upload this session staged and has not confirmed, if its files are still there."""
        data = request.session.get(self.session_key)
        if not data:
            return None
        staged = Staged(token=data["token"], name=data["name"], options=data.get("options", {}))
        try:
            return staged if staged.folder.is_dir() else None
        except ValueError:
            return None

    def preview(self, request, upload, *, options: dict | None = None) -> tuple[Staged, Result]:
        """Stage an upload (replacing this session's previous one) and preview it; ``UnsafeArchive`` if refused."""
        remove_stale_uploads()
        self.discard(request)
        staged = Staged(token=secrets.token_hex(16), name=upload.name, options=dict(options or {}))
        try:
            self.unpack(upload.name, upload, staged.folder, limits=self.limits)
        except Exception:
            remove_upload(staged.folder)
            raise
        result = self.preview_callable(staged)
        request.session[self.session_key] = {"token": staged.token, "name": staged.name, "options": staged.options}
        return staged, result

    def confirm(self, request, token: str) -> Result | None:
        """Apply the staged upload named by ``token``; ``None`` when it expired or is not this session's."""
        staged = self.pending(request)
        request.session.pop(self.session_key, None)
        if staged is None or not secrets.compare_digest(staged.token, str(token)):
            if staged is not None:
                remove_upload(staged.folder)
            return None
        try:
            return self.apply_callable(staged)
        finally:
            remove_upload(staged.folder)

    def discard(self, request) -> None:
        """Forget this session's staged upload and remove its files."""
        staged = self.pending(request)
        request.session.pop(self.session_key, None)
        if staged is not None:
            remove_upload(staged.folder)
