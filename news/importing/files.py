"""Image files an import uses: resolving references safely, and storing each content once."""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from PIL import Image

from news.image_checks import check_upload
from news.importing.report import Rejected

STORAGE_FOLDER = "imported"


def within(path: Path, base: Path) -> bool:
    return path == base or base in path.parents


def external_host(reference: str) -> str:
    """The host of an http(s) image, "" for anything else."""
    parts = urlsplit(reference.strip())
    return parts.hostname or "" if parts.scheme.lower() in ("http", "https") else ""


def resolve_image_file(reference: str, *, line: int, folder: Path, root: Path, static_roots: Sequence[Path]):
    """The file an image reference means, ``None`` when missing, ``False`` when external.

    Relative paths are read beside the Markdown file, then in the static roots;
    ``/absolute`` paths in the static roots (the site's public folder), then
    beside the file. Anything leading outside the import root or the static
    roots, by ``..`` or by a symbolic link, is ``Rejected``.
    """
    parts = urlsplit(reference.strip())
    if parts.scheme or parts.netloc or reference.startswith("data:"):
        return False
    path = unquote(parts.path).replace("\\", "/")
    if not path.strip():
        return None
    allowed = [root, *static_roots]
    if path.startswith("/"):
        literal = Path(path)
        if literal.exists() and not any(within(literal.resolve(), base) for base in allowed):
            raise Rejected(line, f"image path is outside the import root and --static-root: {reference}")
        relative = path.lstrip("/")
        candidates = [*((base, base / relative) for base in static_roots), (root, folder / relative)]
        primary = candidates[0] if static_roots else None
    else:
        relative = path
        candidates = [(root, folder / relative), *((base, base / relative) for base in static_roots)]
        primary = candidates[0]
    if primary is not None:
        base, candidate = primary
        if not within(Path(os.path.normpath(candidate)), base):
            raise Rejected(line, f"image path escapes the import root: {reference}")
    for base, candidate in candidates:
        normal = Path(os.path.normpath(candidate))
        if not within(normal, base) or not os.path.lexists(normal):
            continue
        real = normal.resolve()
        if not any(within(real, allowed_base) for allowed_base in allowed):
            raise Rejected(line, f"image is a symbolic link leading outside the import root: {reference}")
        if real.is_file():
            return real
    return None


@dataclass(frozen=True)
class StoredImage:
    name: str  # in the default storage
    width: int
    height: int
    digest: str


class ImageStore:
    """Image files stored once per distinct content, named by their hash.

    Every file passes the admin's gate (``news.image_checks.check_upload``):
    size and pixel count from the header before any decoding, real image
    formats only, and what is stored is the clean re-encoded copy.
    """

    def __init__(self, *, dry_run: bool):
        self.dry_run = dry_run
        self._by_path: dict[Path, StoredImage | None] = {}
        self._refused: dict[Path, str] = {}

    def get(self, path: Path) -> StoredImage | None:
        """The stored image for a file, ``None`` when it is refused (``refusal`` says why)."""
        if path not in self._by_path:
            self._by_path[path] = self._store(path)
        return self._by_path[path]

    def refusal(self, path: Path) -> str:
        """Why the file was refused, "" when it was not."""
        return self._refused.get(path, "")

    def _store(self, path: Path) -> StoredImage | None:
        with path.open("rb") as handle:
            try:
                clean = check_upload(File(handle, name=path.name))
            except ValidationError as error:
                self._refused[path] = " ".join(str(message) for message in error.messages)
                return None
        data = clean.read()
        with Image.open(clean) as image:
            width, height = image.size
        digest = hashlib.sha256(data).hexdigest()
        name = f"{STORAGE_FOLDER}/{digest[:2]}/{digest[:40]}{posixpath.splitext(clean.name)[1]}"
        if not self.dry_run and not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        return StoredImage(name=name, width=width, height=height, digest=digest)
