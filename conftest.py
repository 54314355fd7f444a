import pytest
from django.utils import translation

pytest_plugins = ["tests.page_cache_fixtures"]


@pytest.fixture(scope="module")
def module_media_root(tmp_path_factory):
    """One media folder for a module whose content is loaded once (marked ``module_media``)."""
    return tmp_path_factory.mktemp("module-media")


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Uploaded files of a test go to its own folder, or to its module's (``module_media``)."""
    if request.node.get_closest_marker("module_media"):
        settings.MEDIA_ROOT = request.getfixturevalue("module_media_root")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_language_leak():
    """A language a request or test activated does not carry over to the next test."""
    yield
    translation.deactivate()
