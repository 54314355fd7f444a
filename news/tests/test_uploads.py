"""Upload staging: archive limits, and the upload → preview → confirm flow any admin page can use."""

import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from news import uploads
from news.tests.test_admin_import import zip_bytes


def test_symbolic_links_in_archives_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("zh/news/link.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(uploads.UnsafeArchive, match="symbolic links"):
        uploads.extract_upload("x.zip", buffer.getvalue(), tmp_path / "out", limits=uploads.UploadLimits())


def test_file_count_and_size_limits(tmp_path):
    many = zip_bytes({f"zh/news/{n}.md": b"x" for n in range(5)})
    with pytest.raises(uploads.UnsafeArchive, match="more than the limit of 3"):
        uploads.extract_upload("x.zip", many, tmp_path / "a", limits=uploads.UploadLimits(max_files=3))
    big = zip_bytes({"zh/news/a.md": b"y" * 5000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(uploads.UnsafeArchive, match="uncompressed, more than the limit"):
        uploads.extract_upload("x.zip", big, tmp_path / "b", limits=uploads.UploadLimits(max_total_bytes=1000))


def test_a_member_with_more_data_than_declared_is_refused(tmp_path):
    data = bytearray(zip_bytes({"zh/news/a.md": b"short"}, compression=zipfile.ZIP_STORED))
    # Lie in the central directory: declare 2 bytes for a 5-byte member.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (2).to_bytes(4, "little")
    with pytest.raises((uploads.UnsafeArchive, zipfile.BadZipFile)):
        uploads.extract_upload("x.zip", bytes(data), tmp_path / "out", limits=uploads.UploadLimits())


def request_with_session():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    return request


def flow(calls: list):
    """A flow whose preview and apply record what they were given (as a PO upload would use it)."""
    return uploads.UploadFlow(
        session_key="test_upload",
        preview=lambda staged: calls.append(("preview", staged.path.read_bytes(), staged.options)) or "previewed",
        apply=lambda staged: calls.append(("apply", staged.path.read_bytes(), staged.options)) or "applied",
        unpack=uploads.store_file,
    )


def test_preview_stages_the_file_and_confirm_applies_the_same_file_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    calls, request = [], request_with_session()
    staged, result = flow(calls).preview(request, SimpleUploadedFile("en.po", b"msgid"), options={"lang": "en"})
    assert result == "previewed"
    assert staged.folder.parent == tmp_path / "imports" and staged.path.read_bytes() == b"msgid"
    assert request.session["test_upload"]["token"] == staged.token

    assert flow(calls).confirm(request, staged.token) == "applied"

    assert calls == [("preview", b"msgid", {"lang": "en"}), ("apply", b"msgid", {"lang": "en"})]
    assert not staged.folder.exists() and "test_upload" not in request.session
    assert flow(calls).confirm(request, staged.token) is None  # once only


def test_a_wrong_or_expired_token_applies_nothing(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    calls, request = [], request_with_session()
    staged, _result = flow(calls).preview(request, SimpleUploadedFile("en.po", b"x"))
    assert flow(calls).confirm(request, "f" * 32) is None
    assert not staged.folder.exists()

    staged, _result = flow(calls).preview(request, SimpleUploadedFile("en.po", b"x"))
    uploads.remove_upload(staged.folder)  # cleaned up as stale meanwhile
    assert flow(calls).confirm(request, staged.token) is None
    assert [call[0] for call in calls] == ["preview", "preview"]


def test_a_refused_upload_leaves_nothing_behind(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    request = request_with_session()
    import_flow = uploads.UploadFlow(session_key="k", preview=lambda staged: None, apply=lambda staged: None)
    with pytest.raises(uploads.UnsafeArchive, match="not a zip archive"):
        import_flow.preview(request, SimpleUploadedFile("site.zip", b"not a zip"))
    assert not list(Path(tmp_path / "imports").iterdir())
    assert "k" not in request.session
