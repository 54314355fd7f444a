"""Static files in production: hashed names, compressed copies and far-future caching (whitenoise)."""

import gzip
import io

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    """The production storage, after collectstatic, with whitenoise reading STATIC_ROOT as in production."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STORAGE}}
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MANIFEST_STRICT = True
    call_command("collectstatic", "--no-input", verbosity=0, stdout=io.StringIO())
    return settings.STATIC_ROOT


def test_hashed_files_are_cached_for_a_year_and_served_compressed(collected):
    url = staticfiles_storage.url("css/site.css")
    assert url != "/static/css/site.css" and url.startswith("/static/css/site.")
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (collected / url.removeprefix("/static/")).read_bytes()


def test_pages_link_the_hashed_names(collected):
    html = Client().get("/en/").content.decode()
    assert staticfiles_storage.url("css/site.css") in html and staticfiles_storage.url("js/site.js") in html


def test_unhashed_names_are_cached_briefly(collected):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200 and "immutable" not in response["Cache-Control"]
