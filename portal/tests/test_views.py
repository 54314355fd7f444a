"""Uploaded media served by the app (SERVE_MEDIA=1), DEBUG off, in the test client and behind gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings

from news.tests.factories import png_file

# A refused media path answers with the site's 404 page, whose suggestions read the database.
pytestmark = pytest.mark.django_db

PNG = png_file().read()


@pytest.fixture
def media(settings, tmp_path):
    settings.SERVE_MEDIA = True
    root = tmp_path / "media"
    (root / "images").mkdir(parents=True)
    (root / "images" / "chart.png").write_bytes(PNG)
    (root / "images" / "图表 1.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (tmp_path / "secret.txt").write_text("not for visitors")
    settings.MEDIA_ROOT = root
    return root


def test_serves_an_upload_with_its_type_and_cache_headers(client, media):
    response = client.get("/media/images/chart.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=86400" in response["Cache-Control"]
    assert "Last-Modified" in response


def test_an_svg_cannot_run_script_when_opened_on_its_own(client, media):
    response = client.get("/media/images/%E5%9B%BE%E8%A1%A8%201.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_unchanged_files_are_304(client, media):
    first = client.get("/media/images/chart.png")
    again = client.get("/media/images/chart.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_only_reading_methods(client, media):
    assert client.head("/media/images/chart.png").status_code == 200
    assert client.post("/media/images/chart.png").status_code == 405


def test_nothing_when_media_are_left_to_the_proxy(client, media, settings):
    settings.SERVE_MEDIA = False
    assert client.get("/media/images/chart.png").status_code == 404


TRAVERSALS = [
    "/media/../secret.txt",
    "/media/%2e%2e/secret.txt",
    "/media/images/%2e%2e/%2e%2e/secret.txt",
    "/media/images/..%2f..%2fsecret.txt",
    "/media/..%5csecret.txt",
    "/media/images%5c..%5c..%5csecret.txt",
    "/media/%2fetc%2fpasswd",
    "//media/../../etc/passwd",
    "/media//etc/passwd",
    "/media/images/",
    "/media/images",
    "/media/link/secret.txt",
    "/media/outside",
    "/media/%c0%ae%c0%ae/secret.txt",
    "/media/....//secret.txt",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_path_traversal_finds_nothing_outside_media(client, media, url):
    (media / "link").symlink_to(media.parent)
    (media / "outside").symlink_to(media.parent / "secret.txt")
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"not for visitors" not in body
    assert b"root:" not in body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_uploads_with_debug_off(tmp_path, media):
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SERVE_MEDIA": "1",
        "SECRET_KEY": "a-secret-for-this-test-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(media),
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--graceful-timeout", "1"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 120  # a busy machine boots a worker slowly
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/media/images/chart.png", timeout=30) as response:
                    assert response.read() == PNG
                    assert response.headers["Content-Type"] == "image/png"
                    assert response.headers["X-Content-Type-Options"] == "nosniff"
                break
            except (ConnectionError, TimeoutError, urllib.error.URLError):
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # (A 404 here needs collectstatic first: the error page names hashed static files.)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
