"""Query budgets of the public pages, pinned exactly.

Each page is measured on a small site and on one with five times the
articles and three times the tags per article: the numbers must not move.
"""

import pytest
from django.utils import timezone

from news.models import Article
from news.tests.factories import article

pytestmark = pytest.mark.django_db

CATEGORIES = ("news", "blog", "events")


@pytest.fixture(params=[1, 5], ids=["small", "multiplied"])
def site(request):
    scale = request.param
    for n in range(5 * scale):
        tags = ["kernel", *(f"topic-{n % 7}-{k}" for k in range(scale))]
        if n % 3 == 0:
            article(zh=f"只有中文{n}", tags=tags, category_slug=CATEGORIES[n % 3], days_ago=n + 1)
        elif n % 3 == 1:
            article(en=f"English only {n}", tags=tags, category_slug=CATEGORIES[n % 3], days_ago=n + 1)
        else:
            article(zh=f"双语{n}", en=f"Bilingual {n}", tags=tags, category_slug=CATEGORIES[n % 3], days_ago=n + 1)
    return scale


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_home(client, site, prefix, django_assert_num_queries):
    """3 queries: the categories, each with the ids of its newest articles (scalar
    subqueries on the category/status/date index, so the cost does not grow with the
    archive), those articles with their category joined, and one prefetch of their tags."""
    with django_assert_num_queries(3):
        assert client.get(f"/{prefix}/").status_code == 200


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_list(client, site, prefix, django_assert_num_queries):
    """4 queries: the paginator's count (one aggregate that also counts the
    articles in other languages, for the "also show" link), the categories
    for the filter bar, one page of articles with their category joined, and
    one prefetch of their tags."""
    with django_assert_num_queries(4):
        assert client.get(f"/{prefix}/news/").status_code == 200


def test_list_second_page(client, site, django_assert_num_queries):
    """5 queries: the first page's 4, the page's articles found by their ids
    first (all languages, so that the multiplied site has a second page;
    ``reading.ListPaginator``). The small site has none: the paginator's
    count answers 404, and the 404 page suggests popular tags and the latest
    articles (two more)."""
    expected_status = 200 if site > 1 else 404
    with django_assert_num_queries(5 if site > 1 else 3):
        assert client.get("/en/news/?all=1&page=2").status_code == expected_status


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_list_in_all_languages(client, site, prefix, django_assert_num_queries):
    """4 queries, as without ``?all=1``: showing the other languages costs nothing."""
    with django_assert_num_queries(4):
        response = client.get(f"/{prefix}/news/?all=1")
    assert response.status_code == 200
    assert len(response.context["articles"]) == min(20, 5 * site)


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_tag(client, site, prefix, django_assert_num_queries):
    """5 queries: the list's 4, plus looking up the tag by its slug."""
    with django_assert_num_queries(5):
        assert client.get(f"/{prefix}/news/tag/kernel/").status_code == 200


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_category(client, site, prefix, django_assert_num_queries):
    """5 queries: the list's 4, plus looking up the category by its slug
    (events: its articles are bilingual, so both languages list them)."""
    with django_assert_num_queries(5):
        response = client.get(f"/{prefix}/news/category/events/")
    assert response.status_code == 200
    assert response.context["articles"]


def test_combined_filters(client, site, django_assert_num_queries):
    """6 queries: the list's 4, plus the category and the tag looked up; the
    year is only a condition in the same queries."""
    year = timezone.localtime(Article.objects.filter(category__slug="events").first().publish_at).year
    with django_assert_num_queries(6):
        response = client.get(f"/en/news/?category=events&tag=kernel&year={year}")
    assert response.status_code == 200
    assert response.context["page_obj"].object_list, "the filters match articles"


@pytest.mark.parametrize("prefix", ["zh", "en"])
@pytest.mark.parametrize("which", ["bilingual", "fallback"])
def test_detail(client, site, prefix, which, django_assert_num_queries):
    """4 queries: the article with its category joined and the ids of the
    previous and the next article (scalar subqueries of the same query), its
    tags, the newest ids sharing a tag (bounded, from the index alone), then
    the previous, next and best related articles together, with what their
    links show and their categories. A fallback text costs nothing more: it is
    read from the same row."""
    slug = "bilingual-2" if which == "bilingual" else "english-only-1"
    with django_assert_num_queries(4):
        assert client.get(f"/{prefix}/news/{slug}/").status_code == 200


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_not_found(client, site, prefix, django_assert_num_queries):
    """2 queries: the suggestions of the 404 page, popular tags (one counting
    query) and the latest articles in the page's language."""
    with django_assert_num_queries(2):
        assert client.get(f"/{prefix}/no-such-page/").status_code == 404


@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_search_without_results(client, site, prefix, django_assert_num_queries):
    """5 queries: the categories and the years for the filters, the count of
    the results (none, so no page of them is read), and the two of the
    suggestions shown instead."""
    with django_assert_num_queries(5):
        assert client.get(f"/{prefix}/search/?q=nothingmatches").status_code == 200
