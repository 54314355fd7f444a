"""Reading aids in a real browser: the contents on phones, copy buttons, sharing, the language switch of lists."""

import re

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def detail(content, lang="en"):
    return f"/{lang}/news/{content['guide'].slug}/"


@pytest.mark.parametrize("javascript", [True, False])
def test_contents_are_folded_on_phones_and_open_on_wide_screens(pages, content, javascript):
    phone = pages.open(detail(content), viewport=MOBILE, javascript=javascript)
    toc_link = phone.locator(".article-toc a").first
    assert not toc_link.is_visible()
    phone.locator(".article-toc summary").click()
    assert toc_link.is_visible()
    wide = pages.open(detail(content), viewport=DESKTOP, javascript=javascript)
    assert wide.locator(".article-toc a").first.is_visible()


def test_phone_turned_sideways_opens_the_contents(pages, content):
    page = pages.open(detail(content), viewport=MOBILE)
    assert not page.locator(".article-toc details").evaluate("el => el.open")
    page.set_viewport_size(DESKTOP)
    page.wait_for_function("() => document.querySelector('.article-toc details').open")


def test_the_section_being_read_is_marked_in_the_contents(pages, content):
    page = pages.open(detail(content), viewport=DESKTOP)
    page.locator(".article-body h2", has_text="Versions").evaluate("el => el.scrollIntoView({block: 'start'})")
    current = page.locator(".article-toc a[aria-current]")
    current.wait_for()
    page.wait_for_function("() => document.querySelector('.article-toc a[aria-current]').textContent === 'Versions'")
    page.locator(".article-body h2", has_text="Questions").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_function("() => document.querySelector('.article-toc a[aria-current]').textContent === 'Questions'")
    assert page.locator(".article-toc a[aria-current]").count() == 1


def grant_clipboard(page, pages):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=pages.base_url)


def test_code_blocks_get_a_copy_button(pages, content):
    page = pages.open(detail(content, "zh"))
    grant_clipboard(page, pages)
    button = page.locator(".code-copy")
    assert button.count() == 1 and button.inner_text() == "复制代码"
    button.click()
    page.wait_for_function("() => document.querySelector('.code-copy').textContent === '已复制'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "sudo dnf install -y kernel-devel gcc make\nuname -r"


def test_without_javascript_code_blocks_and_sharing_still_work(pages, content):
    page = pages.open(detail(content), javascript=False)
    assert page.locator(".code-copy").count() == 0
    assert "kernel-devel" in page.locator(".article-body pre").inner_text()
    assert not page.locator(".share-copy").is_visible()
    share = page.get_by_role("group", name="Share")
    assert share.get_by_role("link", name="Weibo").is_visible()
    assert share.get_by_role("link", name="X (Twitter)").is_visible()


def test_copy_link_puts_the_page_address_on_the_clipboard(pages, content):
    page = pages.open(detail(content))
    grant_clipboard(page, pages)
    page.get_by_role("button", name="Copy link").click()
    status = page.locator(".share-status")
    page.wait_for_function("() => document.querySelector('.share-status').textContent !== ''")
    assert status.inner_text() == "Link copied"
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_share_links_lead_to_weibo_and_x_with_the_address(pages, content):
    page = pages.open(detail(content))
    weibo = page.get_by_role("link", name="Weibo").get_attribute("href")
    x = page.get_by_role("link", name="X (Twitter)").get_attribute("href")
    assert weibo.startswith("https://service.weibo.com/share/share.php?url=http")
    assert x.startswith("https://x.com/intent/post?url=http")
    assert page.locator("script[src*='weibo'], script[src*='x.com'], script[src*='twitter']").count() == 0


def test_back_to_top(pages, content):
    page = pages.open(detail(content), viewport=MOBILE)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("link", name=re.compile("Back to top")).click()
    page.wait_for_function("() => window.scrollY === 0")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_reading_is_start_aligned_with_compact_cards_above_the_fold(pages, content, lang):
    page = pages.open(detail(content, lang), viewport=MOBILE)
    for selector in (".article-body h2", ".article-body p", ".article-header h1"):
        assert page.locator(selector).first.evaluate("el => getComputedStyle(el).textAlign") in {"start", "left"}
    assert page.locator(".article-body").evaluate("el => getComputedStyle(el).lineBreak") == "strict"
    home = pages.open(f"/{lang}/", viewport=MOBILE)
    first_card = home.locator(".card").first.bounding_box()
    assert first_card["y"] + first_card["height"] <= MOBILE["height"], "the first article shows without scrolling"
    heights = home.locator(".card").evaluate_all("cards => cards.map(card => card.getBoundingClientRect().height)")
    assert max(heights) < 200, heights
    pictured = home.locator(".card.has-media").first
    media, body = pictured.locator(".card-media").bounding_box(), pictured.locator(".card-body").bounding_box()
    assert media["x"] + media["width"] <= body["x"], "the thumbnail sits beside the text"
    assert home.locator(".card-banner-empty").count() == 0


def test_lists_offer_the_articles_in_the_other_language(pages, content):
    page = pages.open("/en/news/")
    titles = page.locator(".card-title").all_inner_texts()
    assert "开发者大会精彩回顾" not in titles
    page.get_by_role("link", name="Also show articles only in Chinese (1)").click()
    page.wait_for_url("**/en/news/?all=1")
    assert "开发者大会精彩回顾" in page.locator(".card-title").all_inner_texts()
    page.get_by_role("link", name="Show only articles written in English").click()
    page.wait_for_url("**/en/news/?")
    assert "开发者大会精彩回顾" not in page.locator(".card-title").all_inner_texts()


def test_breadcrumbs_lead_back_up(pages, content):
    page = pages.open(detail(content, "zh"), viewport=MOBILE)
    trail = page.get_by_role("navigation", name="面包屑导航")
    assert trail.locator("[aria-current=page]").inner_text() == content["guide"].title_zh_hans
    trail.get_by_role("link", name="新闻").click()
    page.wait_for_url("**/zh/news/category/news/")


def test_search_filters_and_suggestions(pages, content):
    page = pages.open("/en/search/?q=community")
    before = page.locator(".search-result").count()
    page.get_by_label("Category").select_option("blog")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*category=blog.*"))
    after = page.locator(".result-title").all_inner_texts()
    assert 0 < len(after) < before
    page = pages.open("/en/search/?q=zzzzqqq")
    assert page.get_by_role("heading", name="Popular tags").is_visible()
    assert page.get_by_role("heading", name="Latest articles").is_visible()


AIDS_PAGES = {
    "list-all": "/{lang}/news/?all=1",
    "search-empty": "/{lang}/search/?q=zzzzqqq",
    "search-filtered": "/{lang}/search/?q=community&category=nope",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations_in_the_reading_aids(pages, content, scheme):
    failures = {}
    targets = {**AIDS_PAGES, "detail": detail(content, "{lang}")}
    for name, path in targets.items():
        for lang in ("zh", "en"):
            for width, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
                page = pages.open(path.format(lang=lang), color_scheme=scheme, viewport=viewport)
                if name == "detail":  # the contents open, a section marked in them
                    if width == "mobile":
                        page.locator(".article-toc summary").click()
                    page.locator(".article-body h2").nth(2).scroll_into_view_if_needed()
                violations = axe_violations(page)
                if violations:
                    failures[f"{name} ({lang}, {width})"] = violations
                page.close()
    assert failures == {}


def test_screenshots_of_the_reading_aids(pages, content):
    for lang in ("zh", "en"):
        page = pages.open(detail(content, lang), viewport=MOBILE)
        page.locator(".article-toc summary").click()
        screenshot(page, f"aids-detail-toc-open-{lang}-mobile")
        page = pages.open(f"/{lang}/news/?all=1", viewport=MOBILE)
        screenshot(page, f"aids-list-all-{lang}-mobile")
        page = pages.open(f"/{lang}/search/?q=zzzzqqq", viewport=MOBILE, color_scheme="dark")
        screenshot(page, f"aids-search-empty-{lang}-mobile-dark")
        page = pages.open(f"/{lang}/search/?q=community&year=2020")
        screenshot(page, f"aids-search-filtered-{lang}-desktop")
