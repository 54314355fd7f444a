"""An uploaded PO file kept on the server between its preview and its application.

The file waits in ``var/imports/<token>/`` (outside MEDIA_ROOT), and the
session remembers the token, so applying it sends no file again and no
form-data limit applies. Small on purpose, to be replaced by a shared
staging helper: ``stage``, ``read`` and ``discard`` are all callers use.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
from pathlib import Path

from django.conf import settings

SESSION_KEY = "translations_po_upload"


def _folder(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ValueError("not an upload token")
    return Path(settings.VAR_DIR) / "imports" / token


def stage(session, *, name: str, text: str) -> str:
    """Keep ``text`` under a new token remembered by ``session``; a previous upload of that session goes."""
    discard(session)
    token = secrets.token_hex(16)
    folder = _folder(token)
    folder.mkdir(parents=True, mode=0o700)
    (folder / "upload.po").write_text(text, encoding="utf-8")
    session[SESSION_KEY] = {"token": token, "name": Path(name).name}
    return token


def read(session) -> tuple[str, str] | None:
    """(name, text) of the session's staged file, or None when there is none (any more)."""
    staged = session.get(SESSION_KEY)
    if not staged:
        return None
    try:
        path = _folder(staged["token"]) / "upload.po"
        return staged["name"], path.read_text(encoding="utf-8")
    except (ValueError, OSError, KeyError):
        return None


def discard(session) -> None:
    staged = session.pop(SESSION_KEY, None)
    if staged:
        with contextlib.suppress(ValueError):
            shutil.rmtree(_folder(staged.get("token", "")), ignore_errors=True)
