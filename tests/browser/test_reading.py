"""What a reader does, in a real browser, in both languages."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS, MOBILE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_pages(content):
    guide = content["guide"].slug
    return {
        "home": "/{lang}/",
        "list": "/{lang}/news/",
        "detail": f"/{{lang}}/news/{guide}/",
        "tag": "/{lang}/news/tag/kernel/",
        "search": "/{lang}/search/?q=%E5%AE%89%E8%A3%85",
        "archive": "/{lang}/news/archive/",
        "404": "/{lang}/no-such-page/",
    }


def status_of(name):
    return 404 if name == "404" else 200


def test_home_to_article_and_over_to_the_other_language(pages, content):
    guide = content["guide"]
    page = pages.open("/en/")
    assert page.locator("h1").inner_text() == "Open Source Community Portal"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="All articles").click()
    page.wait_for_url("**/en/news/")
    page.locator(".card").filter(has_text=guide.title_en).get_by_role("link", name="installation", exact=True).click()
    page.wait_for_url("**/en/news/tag/installation/")
    assert "installation" in page.locator("h1").inner_text()
    page.get_by_role("link", name=guide.title_en).click()
    page.wait_for_url(f"**/en/news/{guide.slug}/")
    assert page.locator("h1").inner_text() == guide.title_en
    assert page.locator(".toc a").count() >= 3
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    page.wait_for_url(f"**/zh/news/{guide.slug}/")
    assert page.locator("h1").inner_text() == guide.title_zh_hans
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_body_images_and_banners_use_renditions(pages, content):
    page = pages.open(f"/en/news/{content['guide'].slug}/")
    banner = page.locator("img.banner")
    assert ".webp" in banner.evaluate("img => img.currentSrc")
    body_image = page.locator(".article-body img")
    assert body_image.get_attribute("alt") == "The installer"
    assert body_image.get_attribute("loading") == "lazy"
    body_image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=body_image.element_handle())
    assert ".webp" in body_image.evaluate("img => img.currentSrc")


@pytest.mark.parametrize(
    "lang,query,expected",
    [
        ("zh", "安装", "社区发布全新安装指南"),
        ("en", "kernel", "Kernel 6.6 release notes"),
        ("en", "大会", "开发者大会精彩回顾"),
    ],
)
def test_search_from_the_header(pages, content, lang, query, expected):
    page = pages.open(f"/{lang}/")
    box = page.locator("#site-search")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=.*"))
    titles = page.locator(".result-title").all_inner_texts()
    assert expected in titles
    assert page.locator(".search-result mark").first.inner_text().lower() in {query.lower(), "kernel"}


def test_one_character_search_explains_itself(pages, content):
    page = pages.open("/zh/search/?q=%E5%AE%89")
    assert page.locator(".search-message").is_visible()
    assert page.locator(".search-result").count() == 0


def test_fallback_article_shows_its_notice(pages, content):
    page = pages.open(f"/zh/news/{content['english_only'].slug}/")
    notice = page.locator(".notice-fallback")
    assert notice.is_visible()
    assert "本文暂无中文版" in notice.inner_text()
    assert page.locator("article.article").get_attribute("lang") == "en"


def test_skip_link_is_the_first_stop_and_moves_to_the_content(pages, content):
    page = pages.open("/en/news/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_language_switch_works_by_keyboard(pages, content):
    page = pages.open("/en/news/")
    switch = page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文")
    for _ in range(30):
        page.keyboard.press("Tab")
        if switch.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the language switch cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zh/news/")


def test_mobile_layout_has_no_horizontal_scroll_and_a_working_menu(pages, content):
    for name, path in public_pages(content).items():
        for lang in ("zh", "en"):
            page = pages.open(path.format(lang=lang), viewport=MOBILE, status=status_of(name))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} ({lang}) scrolls sideways by {overflow}px"
            page.close()
    page = pages.open(f"/en/news/{content['guide'].slug}/", viewport=MOBILE)
    toggle = page.locator(".menu-toggle")
    nav = page.get_by_role("navigation", name="Main")
    assert toggle.is_visible() and not nav.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert toggle.evaluate("el => el === document.activeElement")
    toggle.click()
    nav.get_by_role("link", name="Archive").click()
    page.wait_for_url("**/en/news/archive/")
    # A wide table scrolls inside itself rather than widening the page.
    page = pages.open(f"/en/news/{content['guide'].slug}/", viewport=MOBILE)
    assert page.locator(".table-scroll").evaluate("el => el.scrollWidth > el.clientWidth")


def test_without_javascript_the_navigation_is_still_there(pages, content):
    page = pages.open("/en/", viewport=MOBILE, javascript=False)
    assert not page.locator(".menu-toggle").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").is_visible()
    assert page.locator("#site-search").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(pages, content, scheme):
    failures = {}
    for name, path in public_pages(content).items():
        for lang in ("zh", "en"):
            page = pages.open(path.format(lang=lang), color_scheme=scheme, status=status_of(name))
            violations = axe_violations(page)
            if violations:
                failures[f"{name} ({lang})"] = violations
            page.close()
    assert failures == {}


def test_screenshots_of_every_page(pages, content):
    targets = {**public_pages(content), "fallback": f"/{{lang}}/news/{content['english_only'].slug}/"}
    for name, path in targets.items():
        for lang in ("zh", "en"):
            for width, viewport in (("desktop", None), ("mobile", MOBILE)):
                kwargs = {"viewport": viewport} if viewport else {}
                page = pages.open(path.format(lang=lang), status=status_of(name), **kwargs)
                page.wait_for_load_state("networkidle")
                screenshot(page, f"{name}-{lang}-{width}")
                page.close()
    page = pages.open(f"/zh/news/{content['guide'].slug}/", color_scheme="dark")
    screenshot(page, "detail-zh-desktop-dark")
    page = pages.open("/en/", color_scheme="dark", viewport=MOBILE)
    screenshot(page, "home-en-mobile-dark")
    page = pages.open("/zh/news/", viewport=MOBILE)
    page.locator(".menu-toggle").click()
    page.wait_for_timeout(300)  # the icon's transition
    page.screenshot(path=str(ARTIFACTS / "menu-zh-mobile-open.png"))
