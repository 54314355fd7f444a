import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from news.management.commands.prepare_database import unknown_migrations


@pytest.mark.django_db(transaction=True)  # SQLite creates no table inside a transaction
def test_applied_migrations_without_a_file_are_found():
    MigrationRecorder(connection).ensure_schema()  # a test database built from the models has no such table
    assert unknown_migrations() == []
    MigrationRecorder.Migration.objects.create(app="news", name="0007_article_image_language")
    assert unknown_migrations() == [("news", "0007_article_image_language")]


def test_a_development_database_from_an_older_history_is_set_aside_and_made_anew(tmp_path):
    old = tmp_path / "portal.sqlite3"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied datetime)")
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('news', '0007_gone', '2026-01-01')")
        db.execute("CREATE TABLE news_tag (id integer primary key)")
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("PORTAL_TESTING", None)
    # The committed migrations describe the languages the site ships with; a language enabled on top
    # needs its own migrations (README, "Languages"), which a test run with one does not write.
    env.pop("PORTAL_LANGUAGES", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "prepare_database"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "older migration history (news.0007_gone" in result.stdout
    kept = [path for path in tmp_path.iterdir() if path.name.startswith("portal.sqlite3.old-")]
    assert len(kept) == 1
    with sqlite3.connect(kept[0]) as db:
        assert db.execute("SELECT name FROM django_migrations").fetchall() == [("0007_gone",)]
    with sqlite3.connect(old) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"news_article", "tags_tag", "translations_sourcesegment"} <= tables
