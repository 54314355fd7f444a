from io import StringIO

import pytest
from django.core.management import call_command

from news.models import Article, ArticleImage
from news.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale():
    article = factories.article(
        en="Loaded", body_en="![x](media/x.png)", banner=factories.png_file("b.png", (900, 450))
    )
    image = ArticleImage.objects.create(
        article=article, image=factories.png_file("x.png", (700, 350)), reference="media/x.png"
    )
    # As if the rows had come from a fixture: no renditions recorded.
    Article.objects.filter(pk=article.pk).update(banner_renditions={}, body_html_en="<p>old</p>")
    ArticleImage.objects.filter(pk=image.pk).update(renditions={})
    return article


def test_missing_renditions_are_made_and_bodies_rerendered(stale):
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "Made renditions for 1 banners and 1 body images." in out.getvalue()
    stale.refresh_from_db()
    assert stale.banner_renditions["source"] == stale.banner.name
    assert "srcset=" in stale.body_html_en
    assert ArticleImage.objects.get().renditions["items"]


def test_dry_run_only_counts(stale):
    out = StringIO()
    call_command("make_renditions", "--dry-run", stdout=out)
    assert "Would make renditions for 1 banners and 1 body images." in out.getvalue()
    stale.refresh_from_db()
    assert stale.banner_renditions == {}
