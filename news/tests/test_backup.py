"""Backup and restore: a round trip gives back every article, tag, category, image and admin log entry."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client

from news import backup
from news.models import Article, ArticleImage, Category
from news.tests.factories import article, png_file
from tags.models import Tag

pytestmark = pytest.mark.django_db(transaction=True)


def row(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def file_bytes(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def snapshot() -> dict:
    return {
        "articles": [
            {**row(obj), "banner": file_bytes(obj.banner), "tags": sorted(tag.name for tag in obj.tags.all())}
            for obj in Article.objects.order_by("pk")
        ],
        "tags": [row(tag) for tag in Tag.objects.order_by("pk")],
        "categories": [row(category) for category in Category.objects.order_by("pk")],
        "images": [{**row(image), "bytes": file_bytes(image.image)} for image in ArticleImage.objects.order_by("pk")],
        "log": [
            (
                entry.action_time,
                entry.user.username,
                entry.content_type.natural_key(),
                entry.object_id,
                entry.object_repr,
                entry.action_flag,
                entry.change_message,
            )
            for entry in LogEntry.objects.order_by("pk")
        ],
        "users": [(user.username, user.password, user.is_staff) for user in User.objects.order_by("pk")],
        "groups": {
            group.name: sorted(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()
        },
    }


@pytest.fixture
def site():
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    first = article(
        zh="备份与恢复",
        en="Backup and restore",
        body_zh="## 小节\n\n正文 ![图](media/chart.png)",
        body_en="## Section\n\nBody ![chart](media/chart.png)",
        summary_zh_hans="摘要",
        summary_en="Summary",
        tags=("kernel", "内核"),
        slug="backup",
        author="陈思远, Ann",
        banner=png_file("banner.png", color="#aa3300"),
        banner_alt_zh_hans="横幅",
        banner_alt_en="Banner",
    )
    ArticleImage.objects.create(
        article=first, image=png_file("chart.png", color="#00aa33"), reference="media/chart.png", alt_zh_hans="图"
    )
    ArticleImage.objects.create(
        article=first, image=png_file("chart-en.png", color="#0033aa"), reference="media/chart.png", language="en"
    )
    first.rerender()
    article(zh="只有中文", en="", category_slug="blog", tags=("社区",))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核", label_en="Kernel")
    LogEntry.objects.create(
        user_id=editor.pk,
        content_type_id=ContentType.objects.get_for_model(Article).pk,
        object_id=first.pk,
        object_repr=str(first),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
    )
    return first


def wipe_media():
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_round_trip_into_an_empty_database(site, tmp_path):
    before = snapshot()
    assert before["images"] and before["log"] and before["articles"][0]["banner"]
    path = backup.create_backup(tmp_path / "backups")
    assert path.name.startswith("portal-") and path.name.endswith(".tar.gz")
    assert not list(path.parent.glob("*.part"))

    call_command("flush", interactive=False, verbosity=0)
    wipe_media()
    assert not Article.objects.exists()
    report = backup.restore_backup(path)
    assert report.media_files >= 3

    assert snapshot() == before
    # Derived data works again: search finds the article, the page renders.
    assert 'href="/en/news/backup/"' in Client().get("/en/search/?q=restore").content.decode()
    assert Client().get("/zh/news/backup/").status_code == 200


def test_a_backup_without_the_bodies_plain_texts_gets_them_again(site, tmp_path):
    """The plain texts search snippets are cut from are derived from the bodies: a backup written before
    they were stored, or with other ones, restores with those the bodies give."""
    before = snapshot()
    assert all(entry[field] for entry in before["articles"][:1] for field in ("body_text_en", "body_text_zh_hans"))
    path = backup.create_backup(tmp_path)
    older = tmp_path / "older.tar.gz"
    with tarfile.open(path, "r:gz") as source, tarfile.open(older, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == backup.DATABASE_FILE:
                rows = json.loads(data)
                for item in rows:
                    if item["model"] == "news.article":
                        for name in [name for name in item["fields"] if name.startswith("body_text")]:
                            del item["fields"][name]
                data = json.dumps(rows).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    call_command("flush", interactive=False, verbosity=0)
    backup.restore_backup(older)
    assert snapshot() == before
    assert "<mark>Body</mark>" in Client().get("/en/search/?q=body").content.decode()


def test_restore_refuses_a_database_with_content_unless_forced(site, tmp_path):
    path = backup.create_backup(tmp_path)
    extra = article(zh="之后", en="Written after the backup")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore_backup(path)
    assert Article.objects.filter(pk=extra.pk).exists()
    backup.restore_backup(path, force=True)
    assert not Article.objects.filter(pk=extra.pk).exists()
    assert Article.objects.filter(slug="backup").exists()


def test_the_commands(site, tmp_path):
    out = io.StringIO()
    call_command("backup", output_dir=tmp_path, stdout=out)
    path = next(tmp_path.glob("portal-*.tar.gz"))
    assert str(path) in out.getvalue()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    assert "Restored" in out.getvalue()
    assert Article.objects.count() == 2


def test_a_file_that_is_not_a_backup_is_refused_clearly(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(backup.BackupError, match="cannot be read as a backup"):
        backup.restore_backup(junk)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as archive:
        data = json.dumps({"hello": 1}).encode()
        info = tarfile.TarInfo("something.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="not a portal backup"):
        backup.restore_backup(other)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
