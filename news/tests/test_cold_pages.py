"""Uncached pages whose cost does not grow with the archive, and stay exact.

A list's counts per language and the search's years are kept per content
version (``portal.query_cache``): a change or a due scheduled publication shows
in the next request. A search ranks only its newest ``MAX_CANDIDATES`` matches.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from news import search
from news.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def query_cache_on(settings, tmp_path):
    """Pages rendered every time (no page cache), costly query results kept per content version."""
    settings.PAGE_CACHE = False
    settings.QUERY_CACHE = True
    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "page-cache-version"
    return settings


def counts(path: str) -> tuple[int, int]:
    """(articles in the page's language, articles only in others) as the list shows them."""
    response = Client().get(path)
    assert response.status_code == 200, path
    choice = response.context["language_choice"]
    return choice.in_language, choice.others


def test_a_new_article_is_counted_on_the_next_request(query_cache_on):
    factories.article(en="First")
    assert counts("/en/news/") == counts("/en/news/") == (1, 0)
    factories.article(zh="只有中文")
    assert counts("/en/news/") == (1, 1)
    factories.article(en="Second", zh="第二")
    assert counts("/en/news/") == (2, 1)
    assert counts("/zh/news/") == (2, 1)


def test_an_unpublished_article_leaves_the_count_on_the_next_request(query_cache_on):
    article = factories.article(en="Going away")
    factories.article(en="Staying")
    assert counts("/en/news/") == (2, 0)
    article.status = article.Status.DRAFT
    article.save()
    assert counts("/en/news/") == (1, 0)


def test_a_scheduled_article_is_counted_when_its_time_comes(query_cache_on, monkeypatch):
    now = timezone.now()
    factories.article(en="Published already")
    factories.article(en="Scheduled for later", days_ago=-1 / 24)  # in an hour
    assert counts("/en/news/") == counts("/en/news/") == (1, 0)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=1, minutes=1))
    assert counts("/en/news/") == (2, 0)


def test_each_filter_has_its_own_counts(query_cache_on):
    factories.article(en="Tagged", tags=("kernel",))
    factories.article(en="Other category", category_slug="blog")
    factories.article(en="Plain")
    assert counts("/en/news/") == (3, 0)
    assert counts("/en/news/tag/kernel/") == (1, 0)
    assert counts("/en/news/category/blog/") == (1, 0)
    assert counts("/en/news/") == (3, 0)


def test_the_search_years_follow_a_new_article(query_cache_on):
    factories.article(en="Kernel now")

    def years():
        form = Client().get("/en/search/?q=kernel").context["filter_form"]
        return [value for value, _label in form.fields["year"].choices]

    this_year = str(timezone.localtime().year)
    assert years() == ["", this_year]
    factories.article(en="Kernel long ago", days_ago=3 * 366)
    assert years() == ["", this_year, str(timezone.localtime().year - 3)]


def test_a_broad_search_ranks_its_newest_matches(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    oldest_title_match = factories.article(en="Kernel in the title", days_ago=10)
    newest = [factories.article(en=f"Note {n}", body_en="About the kernel.", days_ago=n) for n in range(1, 4)]
    title_match = factories.article(en="Kernel again in the title", days_ago=2.5)
    response = client.get("/en/search/?q=kernel")
    found = [result["article"] for result in response.context["results"]]
    # The newest three matches, a title match first; the older title match is past the cap.
    assert found == [title_match, newest[0], newest[1]]
    assert oldest_title_match not in found
    assert response.context["paginator"].count == 3


def test_search_pages_stay_consistent_below_the_cap(client):
    for n in range(12):
        factories.article(en=f"Kernel note {n}", days_ago=n + 1)
    first = [r["article"].pk for r in client.get("/en/search/?q=kernel").context["results"]]
    second = [r["article"].pk for r in client.get("/en/search/?q=kernel&page=2").context["results"]]
    assert len(first) == 10 and len(second) == 2 and not set(first) & set(second)


def test_the_pagination_bar_walks_only_the_pages_it_shows():
    """The numbers the bar prints (or replaces by an ellipsis) are those it used to find among every page."""
    from django.core.paginator import Paginator

    from news.page_markup import page_numbers

    for count in range(1, 31):
        paginator = Paginator(range(count), 1)
        for current in paginator.page_range:
            printed = [
                n
                for n in paginator.page_range
                if n in (1, 2, count - 1, count) or abs(n - current) <= 2  # the template's conditions
            ]
            assert page_numbers(paginator.page(current)) == printed, (count, current)
    assert page_numbers(Paginator(range(20_000), 20).page(500)) == [1, 2, 498, 499, 500, 501, 502, 999, 1000]
