"""A PO import is one transaction: killed while it writes, nothing of the file is applied; run again, all of it."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import polib
from django.conf import settings

from news.tests.test_importing_killed import environment, manage, write_folder

__all__ = ["environment"]  # the fixture, shared with the import test

ARTICLES = 300


def translated(database) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM news_article WHERE title_en != '' OR body_en != ''").fetchone()[0]


def test_a_killed_po_import_applies_nothing_and_a_second_run_applies_everything(tmp_path, environment):
    folder = tmp_path / "site"
    write_folder(folder, ARTICLES, folders=("zh",))
    manage("import_news", str(folder), "-v0", env=environment)
    po_path = tmp_path / "en.po"
    manage("export_translations", "--lang", "en", "-o", str(po_path), env=environment)
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = f"EN {entry.msgid}"
    po.save()
    database = tmp_path / "var" / "portal.sqlite3"
    journal = database.with_name(database.name + "-journal")  # exists while a write transaction is open

    command = [sys.executable, "manage.py", "import_translations", str(po_path)]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, stdout=subprocess.DEVNULL)
    try:
        while process.poll() is None and not journal.exists():
            time.sleep(0.005)
        assert process.poll() is None, "the import ended before the test could kill it"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert translated(database) == 0

    result = manage("import_translations", str(po_path), env=environment)
    assert result.returncode == 0, result.stderr
    assert translated(database) == ARTICLES
