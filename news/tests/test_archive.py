from datetime import UTC, datetime

import pytest
from django.utils import timezone

from news import archive
from news.models import Article
from news.tests import factories

pytestmark = pytest.mark.django_db


def at(year, month, day=15):
    return timezone.make_aware(datetime(year, month, day, 12))


def dated(title, when, **kwargs):
    article = factories.article(en=title, **kwargs)
    Article.objects.filter(pk=article.pk).update(publish_at=when)
    return article


def test_months_are_counted_and_grouped_by_year():
    dated("a", at(2024, 5))
    dated("b", at(2024, 5, 20))
    dated("c", at(2024, 7))
    dated("d", at(2023, 12))
    dated("draft", at(2024, 5), status=Article.Status.DRAFT)
    years = Article.objects.published().month_counts()
    assert list(years) == [2024, 2023]
    assert [(m.month, n) for m, n in years[2024]] == [(7, 1), (5, 2)]
    assert [(m.month, n) for m, n in years[2023]] == [(12, 1)]


def test_months_follow_the_site_time_zone():
    # 1 June 00:30 in Shanghai is still 31 May in UTC.
    dated("edge", timezone.make_aware(datetime(2024, 6, 1, 0, 30)))
    assert [(m.month, n) for m, n in Article.objects.published().month_counts()[2024]] == [(6, 1)]


def test_tag_counts_ignore_unpublished_articles():
    factories.article(en="one", tags=("kernel", "arm"))
    factories.article(en="two", tags=("kernel",))
    factories.article(en="draft", tags=("kernel", "secret"), status=Article.Status.DRAFT)
    assert [(tag.name, tag.count) for tag in archive.tag_counts()] == [("kernel", 2), ("arm", 1)]


def test_related_articles_share_the_most_tags():
    article = factories.article(en="Main", tags=("a", "b", "c"))
    two = factories.article(en="Two shared", tags=("a", "b"), days_ago=10)
    one_newer = factories.article(en="One shared", tags=("c",), days_ago=2)
    factories.article(en="Unrelated", tags=("z",))
    factories.article(en="Draft", tags=("a", "b", "c"), status=Article.Status.DRAFT)
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    assert [a.title_en for a in archive.related(article)] == [two.title_en, one_newer.title_en]


def test_month_page_lists_that_month_only(client):
    may = dated("In May", at(2024, 5))
    dated("In June", at(2024, 6))
    response = client.get("/en/news/archive/2024/05/")
    assert [a.pk for a in response.context["articles"]] == [may.pk]
    assert "May 2024" in response.content.decode()
    assert "2024年5月" in client.get("/zh/news/archive/2024/05/").content.decode()


def test_impossible_month_is_404(client):
    assert client.get("/en/news/archive/2024/13/").status_code == 404


def test_archive_page_shows_months_and_tags_with_counts(client):
    dated("a", at(2024, 5), tags=("kernel",))
    html = client.get("/en/news/archive/").content.decode()
    assert 'href="/en/news/archive/2024/5/"' in html
    assert "May 2024" in html
    assert 'href="/en/news/tag/kernel/"' in html
    assert "1 article" in html


def test_detail_page_shows_related_articles(client):
    main = factories.article(en="Main", tags=("kernel",))
    other = factories.article(en="Other kernel news", tags=("kernel",))
    html = client.get(f"/en/news/{main.slug}/").content.decode()
    assert 'class="related"' in html
    assert f'href="/en/news/{other.slug}/"' in html


def test_archive_query_budget(client, django_assert_num_queries):
    """Months and tags: two queries however many articles there are."""
    for n in range(6):
        factories.article(en=f"A{n}", tags=(f"t{n}",), days_ago=40 * n)
    with django_assert_num_queries(2):
        client.get("/en/news/archive/")


def test_month_page_query_budget(client, django_assert_num_queries):
    """Count, page, tags of the page, categories of the filter bar."""
    for n in range(4):
        dated(f"A{n}", at(2024, 5, n + 1), tags=("kernel",))
    with django_assert_num_queries(4):
        client.get("/en/news/archive/2024/05/")


def test_months_and_years_count_in_the_site_time_zone_whatever_zone_is_active():
    """00:30 on 1 June in Shanghai is still May in UTC: the archive and the year filter both say June."""
    shanghai_midnight = datetime(2024, 5, 31, 16, 30, tzinfo=UTC)
    factories.article(en="Just June").__class__.objects.filter(title_en="Just June").update(
        publish_at=shanghai_midnight
    )
    with timezone.override("UTC"):
        months = Article.objects.published().month_counts()
        assert [(m.month, n) for m, n in months[2024]] == [(6, 1)]
        assert Article.objects.in_month(2024, 6).count() == 1
        assert Article.objects.in_month(2024, 5).count() == 0
    assert Article.objects.in_year(2024).count() == 1


def test_previous_and_next_skip_drafts_and_scheduled_articles():
    older = factories.article(en="Older", days_ago=3)
    factories.article(en="Draft between", days_ago=2, status=Article.Status.DRAFT)
    middle = factories.article(en="Middle", days_ago=1)
    factories.article(en="Scheduled", days_ago=-1)
    published = Article.objects.published()
    assert published.before(middle).first() == older
    assert published.after(middle).first() is None
    assert published.after(older).first() == middle


def test_related_articles_never_include_drafts_or_scheduled_ones():
    article = factories.article(en="Base", tags=("a", "b"))
    factories.article(en="Draft", tags=("a", "b"), status=Article.Status.DRAFT)
    factories.article(en="Later", tags=("a", "b"), days_ago=-1)
    public = factories.article(en="Public", tags=("a",))
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    assert [a.title_en for a in archive.related(article)] == [public.title_en]
