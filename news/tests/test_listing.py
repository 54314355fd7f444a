"""The pieces that make list pages cheap: tags loaded for a whole list, cards written in Python,
deep pages found by their ids, and article/tag/category addresses without walking the URL patterns."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation

from news import search
from news.models import Article, Category
from news.reading import ListPaginator
from news.tests.factories import article
from portal.reversing import reverse_slug
from tags.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    first = article(zh="第一", en="First", tags=["kernel", "rust", "desktop"], days_ago=1)
    second = article(en="Second", tags=["cloud"], days_ago=2)
    third = article(zh="第三", days_ago=3)
    return first, second, third


def test_with_tags_loads_every_article_s_tags_in_one_query(tagged):
    first, second, third = tagged
    with CaptureQueriesContext(connection) as captured:
        articles = {found.pk: found for found in Article.objects.filter(pk__in=[a.pk for a in tagged]).with_tags()}
        shown = {pk: [tag.name for tag in found.tags.all()] for pk, found in articles.items()}
        counted = {pk: found.tags.count() for pk, found in articles.items()}
    assert len(captured) == 2, [query["sql"] for query in captured.captured_queries]
    # In the order they were given, as each article's own prefetch would.
    assert shown == {first.pk: ["kernel", "rust", "desktop"], second.pk: ["cloud"], third.pk: []}
    assert counted == {first.pk: 3, second.pk: 1, third.pk: 0}


def test_what_is_derived_from_loaded_tags_asks_for_the_article_s_own(tagged):
    """``names()``, ``filter()``… on a listed article's tags concern that article, never every tag."""
    _first, second, _third = tagged
    found = Article.objects.filter(pk=second.pk).with_tags().get()
    assert sorted(found.tags.names()) == ["cloud"]
    assert list(found.tags.all().filter(slug="kernel")) == []
    assert list(found.tags.all().values_list("slug", flat=True)) == ["cloud"]
    assert Tag.objects.count() == 4


def test_a_listed_article_s_tags_survive_pickling(tagged):
    import pickle

    first = Article.objects.filter(pk=tagged[0].pk).with_tags().get()
    copy = pickle.loads(pickle.dumps(first))
    assert [tag.slug for tag in copy.tags.all()] == [tag.slug for tag in first.tags.all()]


def test_cards_escape_and_mark_what_the_list_shows(client):
    article(
        en="<script>alert(1)</script> & more",
        summary_en="A summary " + "long " * 40,
        tags=["a<b"],
        days_ago=1,
    )
    html = client.get("/zh/news/?all=1").content.decode()
    card = re.search(r'<article class="card">.*?</article>', html, re.S).group(0)
    assert "<script>alert" not in card and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in card
    assert 'lang="en"' in card  # shown in its original language on a Chinese page
    assert re.search(r'<p class="fallback-badge"><span class="badge" title="[^"]+">英文原文</span></p>', card), card
    summary = re.search(r'<p class="summary" lang="en">(.*?)</p>', card).group(1)
    assert len(summary) <= 140 and summary.startswith("A summary long long")  # truncated as the filter did
    assert re.search(
        r'<ul class="tags" aria-label="[^"]+"><li><a href="/zh/news/tag/[^"]+/">a&lt;b</a></li></ul>', card
    )
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d</time>', card)


def test_deep_pages_hold_the_articles_a_single_query_would(settings):
    for n in range(45):
        article(en=f"Article {n}", days_ago=n + 1)
    ordered = Article.objects.published().for_listing()
    paginator = ListPaginator(ordered, 20)
    for number in (1, 2, 3):
        expected = list(ordered[(number - 1) * 20 : number * 20])
        assert [a.pk for a in paginator.page(number).object_list] == [a.pk for a in expected]
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(2)
        [article.category.slug for article in page.object_list]
        [list(article.tags.all()) for article in page.object_list]
    # The page's ids, then its articles with their categories, then their tags.
    assert len(captured) == 3, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_addresses_are_those_of_reverse(language):
    category = Category.objects.create(slug="meetups", name_en="Meetups")
    tag = Tag.objects.create(name="Kernel")
    with translation.override(language):
        assert category.get_absolute_url() == reverse("news:category", kwargs={"category": "meetups"})
        assert tag.get_absolute_url() == reverse("news:tag", kwargs={"tag": tag.slug})
        assert reverse_slug("news:detail", "slug", "a-b_c1") == reverse("news:detail", kwargs={"slug": "a-b_c1"})
        set_script_prefix("/portal/")
        try:
            assert reverse_slug("news:detail", "slug", "x") == reverse("news:detail", kwargs={"slug": "x"})
            assert reverse_slug("news:detail", "slug", "x").startswith("/portal/")
        finally:
            set_script_prefix("/")


def test_a_value_reverse_would_refuse_is_refused_the_same_way():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse_slug("news:tag", "tag", "中文")
    with pytest.raises(NoReverseMatch):
        reverse_slug("news:tag", "tag", "a/b")


def test_search_filters_are_selects_that_keep_the_choice_and_escape_names(client):
    Category.objects.create(slug="odd", name_en="<b>Odd</b> & co", name_zh_hans="奇")
    article(en="Kernel notes", days_ago=400)
    html = client.get("/en/search/?q=kernel&category=odd&year=bad").content.decode()
    category = re.search(r'<select name="category"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert '<option value="odd" selected>&lt;b&gt;Odd&lt;/b&gt; &amp; co</option>' in category
    assert category.count(" selected") == 1
    year = re.search(r'<select name="year"([^>]*)>(.*?)</select>', html, re.S)
    assert 'aria-invalid="true"' in year.group(1)  # "bad" is reported, not kept
    assert " selected" not in year.group(2)


def test_the_fixed_navigation_follows_the_section_the_language_and_the_settings(client, settings):
    def current(path):
        html = client.get(path).content.decode()
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        return re.findall(r'<a href="([^"]+)" aria-current="page">', nav), html

    assert current("/zh/news/")[0] == ["/zh/news/"]
    assert current("/zh/news/category/blog/")[0] == ["/zh/news/category/blog/"]
    assert current("/en/news/category/news/")[0] == ["/en/news/category/news/"]
    assert current("/zh/")[0] == []
    english = current("/en/")[1]
    assert "Archive and tags" in english and '<a href="/en/news/archive/">' in english
    settings.SITE_NAME = "Another portal"
    assert '<p class="footer-name">Another portal</p>' in current("/en/")[1]


def test_the_pages_follow_the_rank_then_the_date_as_the_ranked_query_does(client):
    """The page orders the candidates by the rank their own query computed; the ranked query agrees."""
    for n in range(14):
        where = n % 3
        article(
            en=f"Compiler {n}" if where == 0 else f"Note {n}",
            summary_en="About the compiler." if where == 1 else "",
            body_en="The compiler again." if where == 2 else "Nothing here.",
            days_ago=n + 1,
        )
    shown = [
        result["article"].slug
        for page in (1, 2)
        for result in client.get("/en/search/", {"q": "compiler", "page": page}).context["results"]
    ]
    ranked = search.search(Article.objects.published(), search.parse("compiler"))
    assert shown == [article.slug for article in ranked]
    assert len(shown) == 14 and shown[0].startswith("compiler")


def test_a_search_without_filters_shows_the_bar_the_form_makes_once_per_content_version(
    client, settings, tmp_path, monkeypatch
):
    """Most searches give no filter: their filter bar is the same until the content changes (it lists the
    years), made once per content version and language, and equal to what the form makes."""
    from news import forms

    settings.QUERY_CACHE = True
    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "version"
    article(en="Kernel notes", days_ago=400)

    def bar(html: str) -> str:
        return re.search(r'<legend>[^<]*</legend>\s*(.*?)\s*<button type="submit" class="search-filter', html, re.S)[1]

    built = []
    original = forms.SearchFilterForm.__init__
    monkeypatch.setattr(
        forms.SearchFilterForm, "__init__", lambda self, *a, **k: built.append(1) or original(self, *a, **k)
    )
    for language in ("en", "zh"):
        unfiltered = bar(client.get(f"/{language}/search/?q=kernel").content.decode())
        assert bar(client.get(f"/{language}/search/?q=kernel").content.decode()) == unfiltered
        assert bar(client.get(f"/{language}/search/?q=kernel&category=").content.decode()) == unfiltered
    assert len(built) == 4  # the bar of each language once, and each search given a (blank) filter
    this_year = str(timezone.localdate().year)
    assert this_year not in re.findall(r'<option value="(\d{4})"', unfiltered)  # 400 days ago: another year
    article(en="Kernel news", days_ago=0)  # a change, and a year the bar did not list
    after = bar(client.get("/zh/search/?q=kernel").content.decode())
    assert f'<option value="{this_year}">{this_year}</option>' in after and len(built) == 5
