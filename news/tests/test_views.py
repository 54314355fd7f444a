from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext

from news.models import Article
from news.tests.factories import article, png_file
from news.tests.pages import Page
from portal.i18n import i18n_patterns
from tags.models import Tag
from translations import languages

pytestmark = pytest.mark.django_db

LANGS = [("zh", "zh-hans", "zh-Hans"), ("en", "en", "en")]
ZH_NOTICE = "本文暂无中文版，以下为英文原文"
EN_NOTICE = "This article is not yet available in English; the Chinese original is shown"


def get(client, url, status=200, **headers) -> Page:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code)
    return Page(response.content)


@pytest.fixture
def site():
    both = article(
        zh="内核新版本发布",
        en="New kernel release",
        body_zh="## 亮点\n\n中文正文内容。",
        body_en="## Highlights\n\nEnglish body text.",
        tags=("kernel",),
        author="Ann Lee, 王磊",
        days_ago=3,
    )
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核", label_en="Kernel")
    chinese = article(zh="只有中文的博客", body_zh="只有中文的正文。", category_slug="blog", days_ago=5)
    english = article(en="English only event", body_en="An English body.", category_slug="events", days_ago=7)
    return {"both": both, "chinese": chinese, "english": english}


# Every page in both languages -------------------------------------------------


@pytest.mark.parametrize(("prefix", "code", "lang"), LANGS)
@pytest.mark.parametrize(
    "url", ["/{p}/", "/{p}/news/", "/{p}/news/category/blog/", "/{p}/news/tag/kernel/", "/{p}/news/new-kernel-release/"]
)
def test_every_page_in_both_languages(client, site, url, prefix, code, lang):
    page = get(client, url.format(p=prefix))
    assert page.html_lang == lang
    assert len(page.h1s()) == 1
    switch = [link for link in page.find_all("a") if link.attrs.get("hreflang")]
    assert switch, "a language switch"


@pytest.mark.parametrize(
    ("prefix", "shown", "hidden", "categories"),
    [
        ("zh", ("both", "chinese"), "english", ("news", "blog")),
        ("en", ("both", "english"), "chinese", ("news", "events")),
    ],
)
def test_home_shows_latest_articles_per_category_in_the_visitors_language(
    client, site, prefix, shown, hidden, categories
):
    page = get(client, f"/{prefix}/")
    links = page.links()
    for key in shown:
        assert f"/{prefix}/news/{site[key].slug}/" in links
    assert f"/{prefix}/news/{site[hidden].slug}/" not in links
    sections = {node.attrs["id"] for node in page.find_all("h2") if node.attrs.get("id", "").startswith("section-")}
    assert sections == {f"section-{slug}" for slug in categories}


def test_home_shows_the_titles_in_the_visitors_language(client, site):
    assert "内核新版本发布" in get(client, "/zh/").text
    assert "New kernel release" in get(client, "/en/").text
    assert "内核新版本发布" not in get(client, "/en/").text


def test_detail_page_content(client, site):
    page = get(client, "/en/news/new-kernel-release/")
    assert page.h1s() == ["New kernel release"]
    assert "English body text." in page.text
    assert "Ann Lee" in page.text and "王磊" in page.text
    local_date = timezone.localtime(site["both"].publish_at).date().isoformat()
    assert local_date in [node.attrs.get("datetime", "")[:10] for node in page.find_all("time")]
    links = page.links()
    assert "/en/news/category/news/" in links
    assert links["/en/news/tag/kernel/"].text.strip() == "Kernel"
    banner_less = page.find_all("img")
    assert all(image.attrs.get("alt") is not None for image in banner_less)


def test_detail_page_in_chinese_uses_chinese_tag_labels(client, site):
    page = get(client, "/zh/news/new-kernel-release/")
    assert page.h1s() == ["内核新版本发布"]
    assert page.links()["/zh/news/tag/kernel/"].text.strip() == "内核"
    assert "中文正文内容。" in page.text


def test_detail_page_links_previous_and_next_articles(client, site):
    page = get(client, f"/en/news/{site['chinese'].slug}/")
    rels = {rel: [a.attrs["href"] for a in page.find_all("a", rel=rel)] for rel in ("prev", "next")}
    assert rels == {"prev": [f"/en/news/{site['english'].slug}/"], "next": ["/en/news/new-kernel-release/"]}


def test_previous_and_next_titles_shown_in_their_original_carry_its_language(client, site):
    page = get(client, f"/zh/news/{site['both'].slug}/")
    assert page.lang_of("只有中文的博客") == "zh-Hans"
    page = get(client, f"/zh/news/{site['chinese'].slug}/")
    assert page.lang_of("English only event") == "en"


def test_detail_page_shows_the_banner_with_its_alt_text(client):
    obj = article(en="With banner", banner_alt_en="A blue sky", banner=png_file("banner.png"))
    page = get(client, f"/en/news/{obj.slug}/")
    assert [image.attrs.get("alt") for image in page.find_all("img")].count("A blue sky") == 1


@pytest.mark.parametrize("url", ["/zh/news/nope/", "/en/news/nope/", "/en/news/category/nope/", "/zh/news/tag/nope/"])
def test_unknown_pages_are_404(client, site, url):
    get(client, url, status=404)


# Redirects from / by Accept-Language ------------------------------------------


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh/"),
        ("zh", "/zh/"),
        ("zh-TW", "/zh/"),
        ("zh-Hans-CN", "/zh/"),
        ("en-US,en;q=0.9", "/en/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("de", "/en/"),
        (None, "/en/"),
    ],
)
def test_root_redirects_by_accept_language(accept, target):
    client = Client()
    headers = {"accept-language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response.get("Vary", "")


def test_a_path_without_language_redirects_keeping_the_query(client, site):
    response = client.get("/news/?tag=kernel", headers={"accept-language": "zh-CN"})
    assert response.status_code == 302
    assert response["Location"] == "/zh/news/?tag=kernel"


# Lists, pagination and filters ------------------------------------------------


def list_slugs(page: Page, prefix: str = "en") -> set[str]:
    start = f"/{prefix}/news/"
    slugs = set()
    for href in page.links():
        rest = href[len(start) :] if href.startswith(start) else ""
        slug = rest[:-1]
        if rest.count("/") == 1 and rest.endswith("/") and slug not in Article.RESERVED_SLUGS:
            slugs.add(slug)
    return slugs


@pytest.fixture
def many():
    return [article(en=f"Story {n:02d}", zh=f"故事{n:02d}", days_ago=n) for n in range(1, 46)]


def test_pagination_twenty_per_page(client, many):
    first = get(client, "/en/news/")
    assert list_slugs(first) == {f"story-{n:02d}" for n in range(1, 21)}
    assert list_slugs(get(client, "/en/news/?page=2")) == {f"story-{n:02d}" for n in range(21, 41)}
    assert list_slugs(get(client, "/en/news/?page=3")) == {f"story-{n:02d}" for n in range(41, 46)}
    assert "?page=2" in first.links() and "?page=3" in first.links()


def test_page_jump_form(client, many):
    page = get(client, "/zh/news/?tag=&page=2")
    forms = [form for form in page.find_all("form") if form.attrs.get("method", "get").lower() == "get"]
    inputs = [n for form in forms for n in form.iter() if n.tag == "input" and n.attrs.get("name") == "page"]
    assert len(inputs) == 1
    assert inputs[0].attrs.get("max") == "3"


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "99999"])
def test_out_of_range_pages_are_404(client, many, page):
    get(client, f"/en/news/?page={page}", status=404)


def test_pagination_links_keep_the_filters(client, many):
    Article.objects.update(category_id=Article.objects.first().category_id)
    page = get(client, "/en/news/?category=news")
    assert "?category=news&page=2" in page.links()
    form_inputs = {node.attrs.get("name"): node.attrs.get("value") for node in page.find_all("input")}
    assert form_inputs.get("category") == "news"


@pytest.fixture
def filtered():
    def dated(year, **kwargs):
        obj = article(**kwargs)
        Article.objects.filter(pk=obj.pk).update(publish_at=timezone.make_aware(datetime(year, 6, 1, 12)))
        return obj.slug

    return {
        "news-kernel-2024": dated(2024, en="News kernel 2024", tags=("kernel",)),
        "news-kernel-2025": dated(2025, en="News kernel 2025", tags=("kernel",)),
        "blog-kernel-2024": dated(2024, en="Blog kernel 2024", tags=("kernel",), category_slug="blog"),
        "blog-other-2024": dated(2024, en="Blog other 2024", tags=("security",), category_slug="blog"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"news-kernel-2024", "news-kernel-2025", "blog-kernel-2024", "blog-other-2024"}),
        ("?category=blog", {"blog-kernel-2024", "blog-other-2024"}),
        ("?tag=kernel", {"news-kernel-2024", "news-kernel-2025", "blog-kernel-2024"}),
        ("?year=2024", {"news-kernel-2024", "blog-kernel-2024", "blog-other-2024"}),
        ("?category=blog&tag=kernel", {"blog-kernel-2024"}),
        ("?tag=kernel&year=2025", {"news-kernel-2025"}),
        ("?category=news&tag=kernel&year=2024", {"news-kernel-2024"}),
        ("?category=news&year=2023", set()),
    ],
)
def test_filters_combine(client, filtered, query, expected):
    assert list_slugs(get(client, f"/en/news/{query}")) == expected


def test_category_and_tag_pages_filter(client, filtered):
    assert list_slugs(get(client, "/en/news/category/blog/")) == {"blog-kernel-2024", "blog-other-2024"}
    in_all_languages = get(client, "/zh/news/tag/kernel/?year=2024&all=1")
    assert list_slugs(in_all_languages, "zh") == {"news-kernel-2024", "blog-kernel-2024"}


@pytest.mark.parametrize("query", ["?category=nope", "?tag=nope", "?year=twenty", "?year=123"])
def test_unknown_filters_are_404(client, filtered, query):
    get(client, f"/en/news/{query}", status=404)


# Missing translations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "key", "notice", "page_lang", "title", "body", "text_lang"),
    [
        ("zh", "english", ZH_NOTICE, "zh-Hans", "English only event", "An English body.", "en"),
        ("en", "chinese", EN_NOTICE, "en", "只有中文的博客", "只有中文的正文。", "zh-Hans"),
    ],
)
def test_fallback_notice(client, site, prefix, key, notice, page_lang, title, body, text_lang):
    page = get(client, f"/{prefix}/news/{site[key].slug}/")
    assert notice in page.text
    assert page.lang_of(notice) == page_lang
    assert page.h1s() == [title]
    assert page.lang_of(title) == text_lang
    assert page.lang_of(body) == text_lang


def test_no_fallback_notice_when_translated(client, site):
    assert ZH_NOTICE not in get(client, "/zh/news/new-kernel-release/").text
    assert EN_NOTICE not in get(client, "/en/news/new-kernel-release/").text
    assert get(client, "/en/news/new-kernel-release/").lang_of("New kernel release") == "en"


@pytest.mark.parametrize(
    ("prefix", "language", "key", "title", "lang"),
    [("zh", "zh-hans", "english", "English only event", "en"), ("en", "en", "chinese", "只有中文的博客", "zh-Hans")],
)
def test_lists_mark_fallback_articles(client, site, prefix, language, key, title, lang):
    page = get(client, f"/{prefix}/news/?all=1")
    assert page.lang_of(title) == lang
    with translation.override(language):
        source_name = gettext(LANGUAGE_NAMES[site[key].source_language])
        marker = gettext("Original in %(language)s") % {"language": source_name}
    assert page.text.count(marker) == 1
    assert page.lang_of("内核新版本发布" if prefix == "zh" else "New kernel release") == page.html_lang


LANGUAGE_NAMES = {"zh-hans": "Chinese", "en": "English"}


# Drafts and scheduled articles -------------------------------------------------


@pytest.fixture
def hidden():
    return {
        "draft": article(en="A draft", zh="草稿", status=Article.Status.DRAFT),
        "scheduled": article(en="Coming soon", zh="即将发布", days_ago=-3),
    }


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
@pytest.mark.parametrize("prefix", ["zh", "en"])
def test_hidden_articles_are_404_for_visitors(client, hidden, kind, prefix):
    get(client, f"/{prefix}/news/{hidden[kind].slug}/", status=404)
    user = User.objects.create_user("reader", password="pw")
    client.force_login(user)
    get(client, f"/{prefix}/news/{hidden[kind].slug}/", status=404)


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_staff_preview_hidden_articles_with_a_banner(client, hidden, kind):
    client.force_login(User.objects.create_user("editor", is_staff=True))
    page = get(client, f"/en/news/{hidden[kind].slug}/")
    assert "Preview — not published" in page.text
    assert "预览 — 尚未发布" in get(client, f"/zh/news/{hidden[kind].slug}/").text


def test_no_preview_banner_on_published_articles_for_staff(client, site):
    client.force_login(User.objects.create_user("editor", is_staff=True))
    assert "Preview — not published" not in get(client, "/en/news/new-kernel-release/").text


def test_hidden_articles_are_not_listed(client, site, hidden):
    client.force_login(User.objects.create_user("editor", is_staff=True))
    for url in ("/en/", "/en/news/", "/en/news/category/news/"):
        slugs = list_slugs(get(client, url))
        assert hidden["draft"].slug not in slugs and hidden["scheduled"].slug not in slugs


def test_a_scheduled_article_appears_when_its_time_comes(client, hidden):
    Article.objects.filter(pk=hidden["scheduled"].pk).update(publish_at=timezone.now())
    get(client, f"/en/news/{hidden['scheduled'].slug}/")


# Language switch ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("/en/", "/zh/"),
        ("/zh/", "/en/"),
        ("/en/news/?tag=kernel&year=2024", "/zh/news/?tag=kernel&year=2024"),
        ("/zh/news/category/blog/", "/en/news/category/blog/"),
        ("/en/news/tag/kernel/?page=1", "/zh/news/tag/kernel/?page=1"),
        ("/zh/news/new-kernel-release/", "/en/news/new-kernel-release/"),
    ],
)
def test_language_switch_leads_to_the_same_page(client, site, url, other):
    page = get(client, url)
    switch = {link.attrs["href"]: link for link in page.find_all("a") if link.attrs.get("hreflang")}
    assert other in switch
    assert switch[other].attrs["hreflang"] == ("zh-Hans" if other.startswith("/zh/") else "en")


def test_language_switch_on_a_404_page(client):
    page = get(client, "/en/news/missing/", status=404)
    hrefs = {link.attrs["href"] for link in page.find_all("a") if link.attrs.get("hreflang")}
    assert hrefs == {f"/{languages.url_prefix(code)}/news/missing/" for code in languages.others("en")}


# Error pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lang", "text"),
    [("/zh/news/missing/", "zh-Hans", "页面不存在"), ("/en/news/missing/", "en", "Page not found")],
)
def test_404_page_in_the_visitors_language(client, url, lang, text):
    page = get(client, url, status=404)
    assert page.html_lang == lang
    assert page.h1s() == [text]


def test_404_without_a_language_prefix_follows_accept_language(client):
    page = get(client, "/no-such-page/", status=404, accept_language="zh-CN")
    assert page.html_lang == "zh-Hans"
    assert page.h1s() == ["页面不存在"]


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*__import__("portal.urls", fromlist=["urlpatterns"]).urlpatterns, *i18n_patterns(path("boom/", boom))]
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("prefix", "lang", "text"), [("zh", "zh-Hans", "服务器错误"), ("en", "en", "Server error")])
def test_500_page_in_the_visitors_language(prefix, lang, text):
    client = Client(raise_request_exception=False)
    response = client.get(f"/{prefix}/boom/")
    assert response.status_code == 500
    page = Page(response.content)
    assert page.html_lang == lang
    assert page.h1s() == [text]
    assert "a bug" not in page.text


def test_each_language_page_shows_its_own_picture(client):
    from news.models import ArticleImage

    obj = article(zh="截图", en="Screenshots", body_zh="![设置](media/shot.png)", body_en="![Settings](media/shot.png)")
    chinese = ArticleImage.objects.create(
        article=obj, image=png_file("shot.png", color="#aa0000"), reference="media/shot.png", language="zh-hans"
    )
    english = ArticleImage.objects.create(
        article=obj, image=png_file("shot.png", color="#0000aa"), reference="media/shot.png", language="en"
    )
    for prefix, own, other in [("zh", chinese, english), ("en", english, chinese)]:
        sources = [image.attrs.get("src") for image in get(client, f"/{prefix}/news/{obj.slug}/").find_all("img")]
        assert own.as_ref().url in sources and other.as_ref().url not in sources, (prefix, sources)


def test_a_summary_that_is_the_first_paragraph_is_shown_once(client):
    # Full-width letters and punctuation in one, half-width in the other: the same words.
    repeated = article(en="Repeat", body_en="The release is out\uff01\n\nMore.", summary_en="The release  is out!")
    distinct = article(en="Other", body_en="The release is out.", summary_en="A short summary.")
    assert 'class="article-summary"' not in client.get(f"/en/news/{repeated.slug}/").content.decode()
    assert 'class="article-summary"' in client.get(f"/en/news/{distinct.slug}/").content.decode()
