"""The change form's language tabs in a real Chromium: names, states, and the tab that opens."""

import pytest

from news.models import Article
from news.tests.factories import article
from tests.browser import test_admin_browser

chromium = test_admin_browser.chromium
login = test_admin_browser.login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible(page, selector: str) -> bool:
    return page.locator(selector).is_visible()


def test_the_form_opens_on_the_articles_source_language(login):
    """The admin speaks English here; the article was written in Chinese, so its Chinese tabs open."""
    post = article(zh="中文原文", en="", source_language="zh-hans", status=Article.Status.DRAFT)
    editor = login("Editors")
    page = editor.open(f"/admin/news/article/{post.pk}/change/")
    for field in ("title", "summary", "body"):
        assert visible(page, f"#id_{field}_zh_hans") and not visible(page, f"#id_{field}_en"), field
    assert page.locator("a[href='#tab_id_title_zh_hans']").text_content() == "Chinese (filled)"
    assert page.locator("a[href='#tab_id_title_en']").text_content() == "English (empty)"
    assert "language-tab-empty" in page.locator("li:has(> a[href='#tab_id_title_en'])").get_attribute("class")
    editor.screenshot("tabs-source-language")
    assert editor.problems == []


def test_after_a_refused_save_the_tab_with_the_first_error_is_open(login):
    post = article(zh="", en="Written in English", source_language="en", status=Article.Status.DRAFT)
    editor = login("Editors")
    page = editor.open(f"/admin/news/article/{post.pk}/change/")
    page.click("a[href='#tab_id_body_zh_hans']")
    page.fill("#id_body_zh_hans", "没有标题的正文。")
    page.click("input[name=_continue]")
    page.wait_for_function(
        "() => document.querySelector('.errornote') && document.querySelector('.language-tab-errors')"
    )
    # Every field's tabs show the language of the first error, not only the field that has it.
    for field in ("title", "summary", "body"):
        assert visible(page, f"#id_{field}_zh_hans") and not visible(page, f"#id_{field}_en"), field
    assert page.locator("a[href='#tab_id_title_zh_hans']").text_content() == "Chinese (has errors)"
    assert page.locator(".errorlist").first.is_visible()
    editor.screenshot("tabs-error")
    assert editor.problems == []
