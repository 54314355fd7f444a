"""The admin upload: a .md or a .zip, a dry-run preview, then the import on confirmation; unsafe archives refused."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from news import uploads
from news.models import Article
from news.tests.test_importing import png, post

pytestmark = pytest.mark.django_db
IMPORT_URL = "admin:news_article_import"


@pytest.fixture(autouse=True)
def private_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def staff(group: str) -> User:
    user = User.objects.create_user(username=group.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(staff("Editors"))
    return client


def zip_bytes(files: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client, name: str, data: bytes, **fields):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data), **fields})


def test_editors_see_the_import_button_and_translators_may_not_import(client, editor_client):
    page = editor_client.get(reverse("admin:news_article_changelist")).content.decode()
    assert reverse(IMPORT_URL) in page
    translator = User.objects.create_user(username="t", password="x", is_staff=True)
    translator.groups.add(Group.objects.get(name="Translators"))
    client.force_login(translator)
    assert reverse(IMPORT_URL) not in client.get(reverse("admin:news_article_changelist")).content.decode()
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_a_markdown_file_is_previewed_then_imported_on_confirmation(editor_client, settings):
    response = upload(
        editor_client, "20220715-hello.md", post(title="Hello", date="2022-07-15").encode(), language="en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: nothing has been written yet" in page
    assert "20220715-hello.md" in page and str(settings.VAR_DIR) not in page
    assert not Article.objects.exists()
    token = editor_client.session[importing_session_key()]["token"]

    done = editor_client.post(reverse(IMPORT_URL), {"confirm": token}).content.decode()
    assert "Import done" in done
    article = Article.objects.get()
    assert (article.title_en, article.slug) == ("Hello", "20220715-hello")
    assert not uploads.upload_folder(token).exists()

    again = editor_client.post(reverse(IMPORT_URL), {"confirm": token})
    assert "This upload has expired" in again.content.decode()
    assert Article.objects.count() == 1


def test_a_zip_of_a_folder_tree_with_images_is_imported(editor_client):
    data = zip_bytes(
        {
            "site/zh/news/a/index.md": post(title="甲", body="![图](./pic.png)\n").encode(),
            "site/en/news/a/index.md": post(title="A", body="![Picture](./pic.png)\n").encode(),
            "site/zh/news/a/pic.png": png(),
            "site/README.txt": b"ignored",
        }
    )
    preview = upload(editor_client, "site.zip", data).content.decode()
    assert "1 created" in preview
    token = editor_client.session[importing_session_key()]["token"]
    editor_client.post(reverse(IMPORT_URL), {"confirm": token})
    article = Article.objects.get()
    assert (article.title_zh_hans, article.title_en) == ("甲", "A")
    assert article.images.count() == 1
    assert f'src="{article.images.get().as_ref().url}"' in article.body_html_en


def test_the_preview_shows_rejections_with_their_line(editor_client):
    data = zip_bytes({"zh/news/bad.md": b"---\ntitle: A\ndate: never\n---\n"})
    page = upload(editor_client, "site.zip", data).content.decode()
    assert "zh/news/bad.md:3" in page
    assert "unparseable date" in page


def test_a_single_markdown_file_needs_a_language(editor_client):
    response = upload(editor_client, "a.md", post().encode())
    assert "Choose the language of a single Markdown file." in response.content.decode()
    assert importing_session_key() not in editor_client.session


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"../evil.md": b"x"}, "path leads outside the archive"),
        ({"/etc/evil.md": b"x"}, "path leads outside the archive"),
        ({"a/../../evil.md": b"x"}, "path leads outside the archive"),
    ],
)
def test_unsafe_archive_paths_are_refused(editor_client, settings, files, message):
    response = upload(editor_client, "site.zip", zip_bytes(files))
    assert message in response.content.decode()
    assert not (Path(settings.VAR_DIR) / "evil.md").exists()
    assert not list(Path(settings.VAR_DIR).rglob("evil.md"))


def test_a_zip_bomb_is_refused(editor_client):
    response = upload(editor_client, "bomb.zip", zip_bytes({"zh/news/a.md": b"\0" * (5 * 1024 * 1024)}))
    assert "zip bomb" in response.content.decode()


def test_refusals_are_in_the_editors_language(editor_client):
    editor_client.cookies["django_language"] = "zh-hans"
    data = zip_bytes({"zh/news/a.md": b"\0" * (5 * 1024 * 1024)})
    response = upload(editor_client, "bomb.zip", data)
    assert "bomb.zip：zh/news/a.md：压缩率高得不像真实内容（压缩炸弹）" in response.content.decode()


def test_not_a_zip_is_a_form_error(editor_client):
    response = upload(editor_client, "site.zip", b"this is not a zip")
    assert "not a zip archive" in response.content.decode()


def importing_session_key() -> str:
    from news.admin import IMPORT_SESSION_KEY

    return IMPORT_SESSION_KEY


def test_a_new_upload_replaces_the_pending_one_and_stale_uploads_go(editor_client, settings):
    stale = Path(settings.VAR_DIR) / "imports" / ("0" * 32)
    stale.mkdir(parents=True)
    os.utime(stale, (0, 0))
    upload(editor_client, "a.md", post(title="A").encode(), language="en")
    first = uploads.upload_folder(editor_client.session[importing_session_key()]["token"])
    assert first.is_dir() and not stale.exists()
    upload(editor_client, "b.md", post(title="B").encode(), language="en")
    assert not first.exists()


def patched(files: dict[str, bytes], *patches) -> bytes:
    """A stored zip whose headers are changed: ``(signature, offset, bytes)`` in every header of that kind."""
    data = bytearray(zip_bytes(files, compression=zipfile.ZIP_STORED))
    for signature, offset, value in patches:
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + len(value)] = value
            start = data.find(signature, start + 4)
    return bytes(data)


LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
MEMBER = "zh/news/a.md"
BODY = post(title="A").encode()


def bad_crc() -> bytes:
    data = zip_bytes({MEMBER: BODY}, compression=zipfile.ZIP_STORED)
    at = data.index(BODY) + len(BODY) - 2
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


MALFORMED = {
    "long name": (zip_bytes({f"zh/news/{'a' * 300}.md": BODY}), "aaaa", "name too long"),
    "file and folder": (zip_bytes({MEMBER: BODY, f"{MEMBER}/b.md": BODY}), MEMBER, "also a folder"),
    "twice": (zip_bytes({MEMBER: BODY, "zh/news/A.md": BODY}), "A.md", "two files at this path"),
    "bad crc": (bad_crc(), MEMBER, "damaged member"),
    "encrypted": (patched({MEMBER: BODY}, (LOCAL, 6, b"\x01\x00"), (CENTRAL, 8, b"\x01\x00")), MEMBER, "encrypted"),
    "unknown method": (
        patched({MEMBER: BODY}, (LOCAL, 8, b"\x62\x00"), (CENTRAL, 10, b"\x62\x00")),
        MEMBER,
        "unsupported compression method 98",
    ),
    "smaller than declared": (
        patched(
            {MEMBER: BODY},
            (CENTRAL, 20, (len(BODY) + 50).to_bytes(4, "little")),
            (CENTRAL, 24, (len(BODY) + 50).to_bytes(4, "little")),
        ),
        MEMBER,
        "damaged member",
    ),
    "larger than declared": (
        patched({MEMBER: BODY}, (CENTRAL, 24, (2).to_bytes(4, "little"))),
        MEMBER,
        "damaged member",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_zip_is_a_form_error_naming_the_member_and_leaves_nothing(editor_client, settings, case):
    data, member, reason = MALFORMED[case]
    response = upload(editor_client, "site.zip", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and member in errors[0] and reason in errors[0], errors
    assert errors[0].startswith("site.zip: ")
    assert not [path for path in (Path(settings.VAR_DIR) / "imports").rglob("*") if path.is_file()]
    assert not list((Path(settings.VAR_DIR) / "imports").iterdir())
    assert not Article.objects.exists()
