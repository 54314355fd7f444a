import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone, translation

from news import markdown_html, reading, search
from news.models import Article
from news.tests.factories import article, png_file
from news.tests.pages import Page

pytestmark = pytest.mark.django_db


def get(client, url, status=200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return Page(response.content)


def slugs_on(page: Page, prefix: str) -> set[str]:
    start = f"/{prefix}/news/"
    found = set()
    for href in page.links():
        rest = href[len(start) :] if href.startswith(start) else ""
        if rest.count("/") == 1 and rest.endswith("/") and rest[:-1] not in Article.RESERVED_SLUGS:
            found.add(rest[:-1])
    return found


def structured(page: Page, kind: str) -> list[dict]:
    scripts = [json.loads(node.text) for node in page.find_all("script", type="application/ld+json")]
    return [data for data in scripts if data.get("@type") == kind]


# Reading time ------------------------------------------------------------------


def test_chinese_characters_and_english_words_are_counted_apart():
    assert reading.count_words("Kernel 6.6 发布了新版本，it\u2019s great.") == (6, 4)


def test_chinese_punctuation_is_not_read_as_characters():
    assert reading.count_words("“你好。”——！") == (2, 0)


@pytest.mark.parametrize(
    ("chinese", "words", "minutes"),
    [(600, 0, 2), (0, 400, 2), (300, 200, 2), (450, 300, 3), (10, 10, 1), (301, 0, 2)],
)
def test_reading_minutes_add_chinese_and_english_reading(chinese, words, minutes):
    body = "<p>" + "字" * chinese + "</p><p>" + " ".join(["word"] * words) + "</p>"
    assert reading.reading_minutes(body) == minutes


def test_no_text_no_reading_time():
    assert reading.reading_minutes("") == 0
    assert reading.reading_minutes('<p><img src="x.png" alt=""></p>') == 0


def test_article_page_shows_the_reading_time_of_its_stored_text(client):
    obj = article(zh="阅读时间", en="Reading time", body_zh="字" * 900, body_en=" ".join(["word"] * 250))
    assert "3 分钟" in get(client, f"/zh/news/{obj.slug}/").text
    assert "2 min read" in get(client, f"/en/news/{obj.slug}/").text
    # Read from the stored HTML, not rendered again on the way.
    Article.objects.filter(pk=obj.pk).update(body_html_en="<p>" + " ".join(["word"] * 1000) + "</p>")
    assert "5 min read" in get(client, f"/en/news/{obj.slug}/").text


def test_a_fallback_text_is_timed_in_its_own_language(client):
    obj = article(zh="只有中文", body_zh="字" * 1200)
    assert "4 min read" in get(client, f"/en/news/{obj.slug}/").text


# Text by blocks --------------------------------------------------------------------


def test_blocks_keep_a_heading_apart_from_its_paragraph():
    html = "<h2>Dubbo 2.6.8 移植指南</h2><p>先安装 <code>JDK</code>。</p><ul><li>一</li><li>二</li></ul>"
    assert markdown_html.text_blocks(html) == ["Dubbo 2.6.8 移植指南", "先安装 JDK。", "一", "二"]
    assert markdown_html.block_text(html) == "Dubbo 2.6.8 移植指南 … 先安装 JDK。 … 一 … 二"


def test_table_cells_of_a_row_stay_together():
    html = "<table><tr><th>Version</th><th>Kernel</th></tr><tr><td>24.03</td><td>6.6</td></tr></table>"
    assert markdown_html.text_blocks(html) == ["Version Kernel", "24.03 6.6"]


def test_search_snippets_do_not_run_a_heading_into_the_next_paragraph(client):
    article(en="Guide", body_en="## Installation\n\nThe kernel needs a reboot afterwards.")
    response = client.get("/en/search/", {"q": "kernel"})
    (result,) = response.context["results"]
    assert "Installation … The <mark>kernel</mark>" in result["snippet"]
    assert "InstallationThe" not in result["snippet"]


# Lists in the page's language ------------------------------------------------------


@pytest.fixture
def mixed():
    return {
        "both": article(zh="双语新闻", en="Bilingual news", tags=("kernel",), days_ago=1),
        "zh": article(zh="中文新闻", tags=("kernel",), days_ago=2),
        "zh2": article(zh="中文博客", category_slug="blog", days_ago=3),
        "en": article(en="English news", tags=("kernel",), days_ago=4),
    }


def switch_link(page: Page):
    (paragraph,) = [node for node in page.find_all("p") if "language-choice" in node.attrs.get("class", "")]
    (link,) = [node for node in paragraph.iter() if node.tag == "a"]
    return link


@pytest.mark.parametrize(
    ("prefix", "shown", "others", "text"),
    [
        ("en", {"both", "en"}, {"zh", "zh2"}, "Also show articles only in Chinese (2)"),
        ("zh", {"both", "zh", "zh2"}, {"en"}, "同时显示仅有英文版本的文章（1）"),
    ],
)
def test_list_shows_the_pages_language_and_offers_the_others(client, mixed, prefix, shown, others, text):
    page = get(client, f"/{prefix}/news/")
    assert slugs_on(page, prefix) == {mixed[key].slug for key in shown}
    link = switch_link(page)
    assert " ".join(link.text.split()) == text
    assert link.attrs["href"] == "?all=1"
    everything = get(client, f"/{prefix}/news/{link.attrs['href']}")
    assert slugs_on(everything, prefix) == {mixed[key].slug for key in shown | others}
    assert switch_link(everything).attrs["href"] == "?"


def test_the_count_follows_the_filters_and_the_link_keeps_them(client, mixed):
    page = get(client, "/en/news/tag/kernel/?year=2099&page=1")
    assert page.find_all("p", class_="language-choice") == []  # nothing in 2099: no link
    year = timezone.localtime(mixed["zh"].publish_at).year
    page = get(client, f"/en/news/tag/kernel/?year={year}&page=1")
    link = switch_link(page)
    assert "(1)" in link.text
    assert parse_qs(urlsplit(link.attrs["href"]).query) == {"year": [str(year)], "all": ["1"]}
    page = get(client, "/en/news/category/blog/")
    assert slugs_on(page, "en") == set()
    assert "(1)" in switch_link(page).text
    assert "No articles match these filters." in page.text


def test_no_link_when_every_article_is_in_the_pages_language(client):
    article(zh="双语", en="Both")
    assert get(client, "/en/news/").find_all("p", class_="language-choice") == []


def test_pagination_keeps_all_languages(client):
    for n in range(25):
        article(zh=f"中文{n}", days_ago=n + 1)
    page = get(client, "/en/news/?all=1")
    assert "?all=1&page=2" in page.links()
    assert len(slugs_on(get(client, "/en/news/?all=1&page=2"), "en")) == 5
    get(client, "/en/news/?page=2", status=404)


def test_month_archive_counts_only_that_month(client, mixed):
    Article.objects.filter(pk=mixed["zh"].pk).update(publish_at=timezone.make_aware(datetime(2020, 3, 5)))
    page = get(client, "/en/news/archive/2020/03/")
    assert slugs_on(page, "en") == set()
    assert "(1)" in switch_link(page).text
    assert slugs_on(get(client, "/en/news/archive/2020/03/?all=1"), "en") == {mixed["zh"].slug}


# Breadcrumbs -----------------------------------------------------------------------


def crumbs(page: Page) -> list[tuple[str, str | None]]:
    (nav,) = page.find_all("nav", class_="breadcrumbs")
    return [
        (" ".join(node.text.split()), node.attrs.get("href"))
        for node in nav.iter()
        if node.tag == "a" or (node.tag == "span" and "aria-current" in node.attrs)
    ]


def test_article_breadcrumbs_and_their_structured_data(client, mixed):
    obj = mixed["both"]
    page = get(client, f"/en/news/{obj.slug}/")
    assert crumbs(page) == [("Home", "/en/"), ("News", "/en/news/category/news/"), ("Bilingual news", None)]
    (data,) = structured(page, "BreadcrumbList")
    assert [(item["position"], item["name"], item["item"]) for item in data["itemListElement"]] == [
        (1, "Home", "http://testserver/en/"),
        (2, "News", "http://testserver/en/news/category/news/"),
        (3, "Bilingual news", f"http://testserver/en/news/{obj.slug}/"),
    ]


def test_breadcrumb_of_a_fallback_title_carries_its_language(client, mixed):
    page = get(client, f"/en/news/{mixed['zh'].slug}/")
    (current,) = [node for node in page.find_all("span") if "aria-current" in node.attrs and node.text == "中文新闻"]
    assert current.lang == "zh-Hans"


def test_the_offer_names_only_languages_that_have_such_articles_joined_as_the_page_writes_lists():
    codes = [code for code, _name in settings.LANGUAGES]
    names = dict(settings.LANGUAGES)
    choice = reading.LanguageChoice(codes[0], 1, 3, False, other_languages=tuple(codes[1:]))
    with translation.override("zh-hans"):
        assert choice.other_names == "、".join(str(names[code]) for code in codes[1:])
    with translation.override("en"):
        assert choice.other_names == ", ".join(str(names[code]) for code in codes[1:])
    assert reading.LanguageChoice(codes[0], 1, 0, False).other_names == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/zh/news/", [("首页", "/zh/"), ("全部文章", None)]),
        ("/en/news/tag/kernel/", [("Home", "/en/"), ("All articles", "/en/news/"), ("Tagged “kernel”", None)]),
        ("/en/news/category/blog/", [("Home", "/en/"), ("All articles", "/en/news/"), ("Blog", None)]),
        ("/en/news/?category=blog", [("Home", "/en/"), ("All articles", "/en/news/"), ("Blog", None)]),
        ("/en/news/archive/", [("Home", "/en/"), ("Archive and tags", None)]),
        (
            "/en/news/archive/2024/05/",
            [("Home", "/en/"), ("Archive and tags", "/en/news/archive/"), ("May 2024", None)],
        ),
        ("/en/search/?q=kernel", [("Home", "/en/"), ("Search", None)]),
    ],
)
def test_breadcrumbs_of_list_pages(client, mixed, url, expected):
    page = get(client, url)
    assert crumbs(page) == expected
    (data,) = structured(page, "BreadcrumbList")
    assert [item["name"] for item in data["itemListElement"]] == [name for name, _href in expected]


def test_home_has_no_breadcrumbs(client, mixed):
    page = get(client, "/en/")
    assert page.find_all("nav", class_="breadcrumbs") == []
    assert structured(page, "BreadcrumbList") == []


# The article page ----------------------------------------------------------------------


def test_share_links_are_plain_links_to_weibo_and_x(client, mixed):
    obj = mixed["both"]
    page = get(client, f"/zh/news/{obj.slug}/")
    url = f"http://testserver/zh/news/{obj.slug}/"
    hrefs = [href for href in page.links() if href.startswith("https://")]
    weibo = next(href for href in hrefs if "weibo.com" in href)
    x = next(href for href in hrefs if href.startswith("https://x.com/"))
    assert parse_qs(urlsplit(weibo).query) == {"url": [url], "title": ["双语新闻"]}
    assert parse_qs(urlsplit(x).query) == {"url": [url], "text": ["双语新闻"]}
    (button,) = page.find_all("button", class_="share-copy")
    assert button.attrs["data-url"] == url
    assert "hidden" in button.attrs  # shown by the script that makes it work


def test_contents_are_a_details_element_folded_until_the_screen_is_wide(client):
    body = "\n\n".join(f"## Part {n}\n\nText {n}." for n in range(4))
    page = get(client, f"/en/news/{article(en='Long', body_en=body).slug}/")
    (details,) = page.find_all("details")
    assert "open" not in details.attrs
    assert [node.text for node in details.iter() if node.tag == "a"] == [f"Part {n}" for n in range(4)]


def test_code_copy_labels_come_from_the_page_in_its_language(client, mixed):
    page = get(client, f"/zh/news/{mixed['both'].slug}/")
    (body,) = [node for node in page.find_all("div") if "data-copy-label" in node.attrs]
    assert (body.attrs["data-copy-label"], body.attrs["data-copied-label"]) == ("复制代码", "已复制")


def test_banner_has_no_original_image_link(client):
    obj = article(en="With banner", banner=png_file("banner.png", (800, 400)))
    page = get(client, f"/en/news/{obj.slug}/")
    assert "Original image" not in page.text
    assert not any(href.endswith("banner.png") for href in page.links())


def test_cards_without_a_banner_have_no_picture_block(client):
    with_banner = article(en="Pictured", banner=png_file("card.png", (800, 400)))
    without = article(en="Plain")
    page = get(client, "/en/news/")
    cards = {
        next(n.attrs["href"] for n in card.iter() if n.tag == "a" and n.parent.tag == "h2"): card
        for card in page.find_all("article")
    }
    media = {href: [n for n in card.iter() if "card-media" in n.attrs.get("class", "")] for href, card in cards.items()}
    assert len(media[f"/en/news/{with_banner.slug}/"]) == 1
    assert media[f"/en/news/{without.slug}/"] == []


def test_back_to_top_link_leads_to_the_top(client, mixed):
    page = get(client, f"/en/news/{mixed['both'].slug}/")
    assert page.find_all("body")[0].attrs.get("id") == "top"
    assert page.links()["#top"].text.startswith("Back to top")


def test_stylesheet_never_justifies_text():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert not re.search(r"text-align:\s*justify", css)
    assert "line-break: strict" in css


# Suggestions ---------------------------------------------------------------------------


def test_empty_search_suggests_popular_tags_and_latest_articles(client, mixed):
    page = get(client, "/en/search/?q=nothingmatches")
    links = page.links()
    assert "/en/news/tag/kernel/" in links
    assert f"/en/news/{mixed['both'].slug}/" in links and f"/en/news/{mixed['en'].slug}/" in links
    assert f"/en/news/{mixed['zh'].slug}/" not in links  # the latest in the page's language


def test_404_page_suggests_popular_tags_and_latest_articles(client, mixed):
    page = get(client, "/zh/news/no-such-article/", status=404)
    assert "/zh/news/tag/kernel/" in page.links()
    assert f"/zh/news/{mixed['zh'].slug}/" in page.links()
    assert "热门标签" in page.text


def test_search_with_results_shows_no_suggestions(client, mixed):
    page = get(client, "/en/search/?q=english")
    assert "Popular tags" not in page.text


def test_snippet_text_is_built_from_blocks():
    query = search.parse("reboot")
    obj = article(en="Blocks", body_en="# Heading\n\nAfter that, reboot.\n\n- one\n- two")
    snippet, language = search.best_snippet(obj, query, "en")
    assert language == "en"
    assert "… After that, <mark>reboot</mark>. … one … two" in snippet
