"""The segment editor in a real Chromium: a translator fills segments, takes a suggestion and saves by keyboard."""

import pytest
from django.contrib.auth.models import Group, User

from news.models import Article
from news.tests.factories import article
from tests.browser.test_admin_browser import PASSWORD, Session
from translations.models import SourceSegment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def translator(browser, live_server):
    user = User.objects.create_user("translator", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    session = Session(browser, live_server.url, user.username)
    yield session
    session.context.close()


def test_translator_fills_tabs_uses_a_suggestion_and_saves_with_ctrl_enter(translator):
    article(zh="旧文", en="Old news", body_zh="启动系统", body_en="Boot the system")  # the site's memory
    new = article(zh="新文章", en="", body_zh="## 步骤\n\n启动系统")
    heading = SourceSegment.objects.get(article=new, text="步骤").key
    paragraph = SourceSegment.objects.get(article=new, text="启动系统").key

    page = translator.open(f"/admin/news/article/{new.pk}/translate/en/")
    assert page.locator("#translate-progress-text").inner_text() == "0 / 3"
    assert page.locator(f"#row-{paragraph}").get_attribute("data-state") == "missing"
    page.click("#seg-title")
    page.keyboard.type("New article")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == f"seg-{heading}"
    page.keyboard.type("Steps")
    page.wait_for_function("() => document.getElementById('translate-progress-text').textContent === '2 / 3'")

    page.click(f"#row-{paragraph} button.translate-use")
    assert page.input_value(f"#seg-{paragraph}") == "Boot the system"
    page.wait_for_function("() => document.getElementById('translate-progress').value === 3")
    translator.screenshot("segment-editor")
    page.focus(f"#seg-{paragraph}")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".messagelist")
    assert "3 segments saved" in page.locator(".messagelist").inner_text()

    new = Article.objects.get(pk=new.pk)
    assert new.title_en == "New article" and new.body_en.strip() == "## Steps\n\nBoot the system"
    public = translator.open(new.url_for("en"))
    assert "Boot the system" in public.locator("main").inner_text()
    assert public.locator("h1").inner_text() == "New article"
    assert translator.problems == []


def test_suggest_asks_the_service_for_one_segment_and_says_when_it_fails(translator, settings):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = [
        "translations.memory.SiteMemory",
        "translations.tests.test_machine_suggestions.Echo",
    ]
    new = article(zh="新文章", en="", body_zh="启动系统")
    paragraph = SourceSegment.objects.get(article=new, text="启动系统").key
    page = translator.open(f"/admin/news/article/{new.pk}/translate/en/")
    row = f"#row-{paragraph}"
    assert page.locator(f"{row} .translate-machine-suggestions").is_hidden()
    page.click(f"{row} button.translate-suggest")
    page.wait_for_selector(f"{row} .translate-machine-suggestions button.translate-use")
    assert "EN 启动系统" in page.locator(f"{row} .translate-machine-suggestions").inner_text()
    page.click(f"{row} .translate-machine-suggestions button.translate-use")
    assert page.input_value(f"#seg-{paragraph}") == "EN 启动系统"

    settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.tests.test_machine_suggestions.Broken"]
    page.click("#row-title button.translate-suggest")
    page.wait_for_function(
        "() => document.querySelector('#row-title .translate-machine-status').textContent.includes('did not answer')"
    )
    # The browser logs the 502 answer itself; nothing else went wrong.
    assert [problem for problem in translator.problems if "502" not in problem] == []
