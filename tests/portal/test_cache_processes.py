"""Two gunicorn servers sharing Redis and a database see each other's changes at once (portal.cache).

The database is PostgreSQL when the suite runs on it, else a SQLite file.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.page_cache_fixtures import closed_port, redis_reachable

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def serve(stack: ExitStack, env: dict) -> str:
    port = closed_port()
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    stack.callback(process.wait, timeout=20)
    stack.callback(process.terminate)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
            return base
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def get(url: str) -> tuple[str, str]:
    # Behind one reverse proxy both servers see the same Host (absolute links are built from it).
    request = urllib.request.Request(url, headers={"Host": "portal.example"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode(), response.headers["X-Page-Cache"]


@pytest.fixture
def shared_database(tmp_path):
    """The servers' database: a throwaway PostgreSQL database when the suite runs on PostgreSQL, else a file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg

    server = url.rsplit("/", 1)[0]
    name = f"portal_servers_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_two_servers_share_pages_and_their_invalidation(tmp_path, shared_database):
    env = {
        **os.environ,
        "DEBUG": "0",
        "PORTAL_TESTING": "",
        "SECRET_KEY": secrets.token_urlsafe(30),
        "ALLOWED_HOSTS": "127.0.0.1,portal.example",
        "DATABASE_URL": shared_database,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "PAGE_CACHE": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # The servers migrate a database of their own: with the languages the committed migrations describe.
    env.pop("PORTAL_LANGUAGES", None)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "generate_news", "--count", "5")
    with ExitStack() as stack:
        one, two = serve(stack, env), serve(stack, env)
        first, state = get(one + "/en/news/")
        assert state == "miss"
        assert get(two + "/en/news/") == (first, "hit")  # stored by the other server

        # A third process (an editor's save, a command) changes an article.
        script = (
            "from news.models import Article\n"
            "a = Article.objects.exclude(title_en='').order_by('-publish_at').first()\n"
            "a.title_en = 'Changed in another process'\n"
            "a.save()\n"
        )
        manage(env, "shell", "-c", script)
        for server in (two, one):
            text, _state = get(server + "/en/news/")
            assert "Changed in another process" in text
        assert get(one + "/en/news/")[1] == "hit"

        # An article scheduled a few seconds ahead: both servers keep the list cached until then, not after.
        script = (
            "from datetime import timedelta\n"
            "from django.utils import timezone\n"
            "from news.models import Article\n"
            "a = Article.objects.exclude(title_en='').order_by('publish_at').first()\n"
            "a.title_en = 'Scheduled across servers'\n"
            "a.status = 'published'\n"
            "a.publish_at = timezone.now() + timedelta(seconds=4)\n"
            "a.save()\n"
            "print(a.publish_at.timestamp())\n"
        )
        due = float(manage(env, "shell", "-c", script).strip().splitlines()[-1])
        for server in (one, two):
            get(server + "/en/news/")
            text, state = get(server + "/en/news/")
            assert state == "hit" and "Scheduled across servers" not in text
        time.sleep(max(0.0, due - time.time()) + 0.5)
        for server in (two, one):
            assert "Scheduled across servers" in get(server + "/en/news/")[0]
