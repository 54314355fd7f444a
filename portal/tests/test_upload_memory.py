"""A worker handling a decompression bomb stays small: 169 million pixels in a few kilobytes are refused
from the header, never decoded (decoding takes about 1.4 GB)."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from PIL import Image

LIMIT_MB = 300
WORKER = r"""
import json, resource, sys
import django
django.setup()
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from news.tests.factories import article
from news.tests.test_admin import form_data

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

bomb = open(sys.argv[1], "rb").read()
admin = User.objects.create_superuser("root", "root@example.com", "not-used")
client = Client()
client.force_login(admin)
obj = article(zh="图", en="Pictures")
change = f"/admin/news/article/{obj.pk}/change/"
data = form_data(client.get(change).content)
data["banner"] = SimpleUploadedFile("banner.png", bomb, content_type="image/png")
# The peak from here on: what handling the uploads takes (the setup above made pictures of its own).
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
banner = client.post(change, data)
upload = client.post(
    f"/admin/news/article/{obj.pk}/images/upload/",
    {"image": [SimpleUploadedFile("figure.png", bomb, content_type="image/png")]},
)
obj.refresh_from_db()
print(json.dumps({
    "banner_status": banner.status_code,
    "banner_refused": "too many pixels" in banner.content.decode(),
    "stored_banner": bool(obj.banner),
    "upload_error": upload.json()["images"][0].get("error", ""),
    "peak_mb": peak_mb(),
}))
"""


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bomb") / "huge.png"
    buffer = io.BytesIO()
    Image.new("1", (13_000, 13_000)).save(buffer, format="PNG", optimize=True)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    return str(path)


def test_a_worker_refuses_a_13000_pixel_square_png_and_stays_under_300_mb(bomb, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("PORTAL_LANGUAGES", None)  # migrated with the languages the committed migrations describe
    # The database is made first, by a process of its own: the worker's peak is the worker's alone.
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    made = subprocess.run(migrate, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr[-3000:]
    result = subprocess.run(
        [sys.executable, "-c", WORKER, bomb], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["banner_status"] == 200 and found["banner_refused"] and not found["stored_banner"], found
    assert "too many pixels" in found["upload_error"], found
    assert found["peak_mb"] < LIMIT_MB, found
