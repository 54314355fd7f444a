"""An import killed half-way leaves only complete articles, and running it again completes the rest.

``import_news`` runs in a subprocess on a SQLite file database of its own;
the test kills it (SIGKILL, no chance to clean up) once a first batch of
articles is in the database and before it ends.
"""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from PIL import Image

from news.importing.run import WRITE_BATCH

ARTICLES = 3 * WRITE_BATCH  # the first batch commits while two are still to come

CHECK = """
import json
from django.core.files.storage import default_storage
from news.models import Article
from translations import languages

problems = []
articles = Article.objects.prefetch_related("images", "source_segments").select_related("search_document")
for article in articles:
    name = article.slug
    for code in languages.codes():
        for field in ("title", "body", "body_html"):
            if not getattr(article, languages.field(field, code)):
                problems.append(f"{name}: no {field} in {code}")
    images = list(article.images.all())
    if len(images) != 1 or not default_storage.exists(images[0].image.name):
        problems.append(f"{name}: image missing")
    if not article.source_segments.exists():
        problems.append(f"{name}: no segments")
    try:
        if article.search_document.title == "":
            problems.append(f"{name}: empty search document")
    except Exception:
        problems.append(f"{name}: no search document")
print(json.dumps({"articles": articles.count(), "problems": problems}))
"""


def png(number: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (number % 256, number // 256, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def write_folder(root, count: int, *, folders=("en", "zh")) -> None:
    """``count`` articles, a Markdown file in each language folder and one image each."""
    texts = {"en": ("Article", "Some text"), "zh": ("文章", "一些文字")}
    for number in range(count):
        for folder in folders:
            title, text = texts[folder]
            news = root / folder / "news"
            news.mkdir(parents=True, exist_ok=True)
            (news / f"a{number:04}.md").write_text(
                f"---\ntitle: {title} {number}\ndate: 2026-01-02\n---\n\n{text} {number}.\n\n"
                f"![Picture {number}](../../img/p{number:04}.png)\n",
                encoding="utf-8",
            )
        images = root / "img"
        images.mkdir(exist_ok=True)
        (images / f"p{number:04}.png").write_bytes(png(number))


@pytest.fixture
def environment(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": "",
    }
    env.pop("PORTAL_TESTING", None)
    # A database migrated by the committed migrations: the languages they describe.
    env.pop("PORTAL_LANGUAGES", None)
    manage("migrate", "-v0", env=env)
    return env


def manage(*args, env, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def article_count(database) -> int:
    try:
        with sqlite3.connect(database, timeout=0.1) as db:
            return db.execute("SELECT COUNT(*) FROM news_article").fetchone()[0]
    except sqlite3.OperationalError:  # locked by the import's write
        return 0


def check(env) -> dict:
    return json.loads(manage("shell", "-v0", "-c", CHECK, env=env).stdout)


def test_a_killed_import_leaves_complete_articles_and_a_second_run_completes_it(tmp_path, environment):
    folder = tmp_path / "site"
    write_folder(folder, ARTICLES)
    database = tmp_path / "var" / "portal.sqlite3"
    command = [sys.executable, "manage.py", "import_news", str(folder), "-v0"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, start_new_session=True)
    try:
        while process.poll() is None and article_count(database) == 0:
            time.sleep(0.02)
        assert process.poll() is None, "the import ended before the test could kill it"
        os.killpg(process.pid, signal.SIGKILL)  # the command and its rendering workers
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL

    found = check(environment)
    assert 0 < found["articles"] < ARTICLES
    assert found["problems"] == []
    first = found["articles"]

    again = manage("import_news", str(folder), "-v1", env=environment)
    assert f"{ARTICLES - first} created, 0 updated, {first} unchanged" in again.stdout
    found = check(environment)
    assert found == {"articles": ARTICLES, "problems": []}
