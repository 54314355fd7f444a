import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from news.models import SearchDocument
from news.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("news", target)])


@pytest.fixture(autouse=True)
def _back_to_latest():
    """Later tests need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_search_migration_indexes_existing_articles():
    article = factories.article(zh="内核指南", en="Kernel guide", tags=("riscv",))
    migrate("0003_translation_segments")
    migrate("0004_search_and_renditions")
    document = SearchDocument.objects.get(article_id=article.pk)
    assert "内核" in document.title and "kernel" in document.title
    assert "riscv" in document.summary
