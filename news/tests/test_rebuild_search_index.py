from io import StringIO

import pytest
from django.core.management import call_command

from news.models import SearchDocument
from news.tests import factories

pytestmark = pytest.mark.django_db


def test_command_rebuilds_missing_documents():
    factories.article(en="Kernel")
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 1 articles." in out.getvalue()
    assert SearchDocument.objects.get().title == "kernel"


def test_dry_run_writes_nothing():
    factories.article(en="Kernel")
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert "Would index 1 articles." in out.getvalue()
    assert not SearchDocument.objects.exists()
