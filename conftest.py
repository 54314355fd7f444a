import pytest
from django.utils import translation

pytest_plugins = ["tests.page_cache_fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_language_leak():
    """A language a request or test activated does not carry over to the next test."""
    yield
    translation.deactivate()
