import feedparser
import pytest

from news.models import Article
from news.tests import factories

pytestmark = pytest.mark.django_db

FEEDS = [
    "/{lang}/news/rss/",
    "/{lang}/news/atom/",
    "/{lang}/news/category/news/rss/",
    "/{lang}/news/category/news/atom/",
    "/{lang}/news/tag/kernel/rss/",
    "/{lang}/news/tag/kernel/atom/",
]


@pytest.fixture
def content():
    return {
        "both": factories.article(
            zh="内核发布", en="Kernel release", tags=("kernel",), banner=factories.png_file("k.png", (1200, 600))
        ),
        "zh_only": factories.article(zh="只有中文", tags=("kernel",)),
        "en_blog": factories.article(en="Blog post", category_slug="blog", tags=("kernel",)),
        "draft": factories.article(en="Draft kernel", tags=("kernel",), status=Article.Status.DRAFT),
    }


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize("pattern", FEEDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_feed_parses_cleanly(client, content, pattern, lang):
    _response, feed = parse(client, pattern.format(lang=lang))
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith("http://testserver/")
        assert f"/{lang}/news/" in entry.link


def test_a_language_feed_lists_only_articles_written_in_it(client, content):
    _r, english = parse(client, "/en/news/rss/")
    _r, chinese = parse(client, "/zh/news/rss/")
    assert [e.title for e in english.entries] == ["Blog post", "Kernel release"]
    assert [e.title for e in chinese.entries] == ["只有中文", "内核发布"]
    assert english.feed.language == "en"
    assert chinese.feed.language == "zh-hans"


def test_category_and_tag_feeds_filter(client, content):
    _r, blog = parse(client, "/en/news/category/blog/atom/")
    assert [e.title for e in blog.entries] == ["Blog post"]
    _r, kernel = parse(client, "/en/news/tag/kernel/atom/")
    assert {e.title for e in kernel.entries} == {"Blog post", "Kernel release"}
    assert "Draft kernel" not in {e.title for e in kernel.entries}


def test_banner_image_urls_are_absolute(client, content):
    _r, feed = parse(client, "/en/news/rss/")
    entry = next(e for e in feed.entries if e.title == "Kernel release")
    assert 'src="http://testserver/media/renditions/' in entry.summary


def test_unknown_category_or_tag_feed_is_404(client, content):
    assert client.get("/en/news/tag/nope/rss/").status_code == 404
    assert client.get("/en/news/category/nope/atom/").status_code == 404


def test_pages_advertise_their_feeds(client, content):
    html = client.get("/en/news/tag/kernel/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/en/news/tag/kernel/rss/"' in html
    assert 'href="/en/news/atom/"' in html


def test_feed_query_budget(client, content, django_assert_num_queries):
    """Subject, articles, their tags: the same for any number of items."""
    with django_assert_num_queries(2):
        client.get("/en/news/rss/")
    with django_assert_num_queries(3):
        client.get("/en/news/tag/kernel/atom/")


def test_list_pages_link_their_own_feed(client, content):
    assert (
        'class="feed-link" href="/zh/news/category/blog/rss/"' in client.get("/zh/news/category/blog/").content.decode()
    )
    assert 'class="feed-link" href="/en/news/rss/"' in client.get("/en/news/").content.decode()
