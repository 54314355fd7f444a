"""The admin as editors and translators use it, in a real Chromium.

Each page is watched for console errors, uncaught exceptions and requests that
leave the test server: the admin must work offline, from our own static files.
"""

from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from news.models import Article, ArticleImage
from news.tests.factories import article, png_file
from tags.models import Tag
from translations import po_export

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PASSWORD = "a-long-test-password"


@pytest.fixture
def chromium(browser):
    """The session's Chromium (tests/browser/conftest.py)."""
    return browser


class Session:
    """One logged-in user's browser, recording what went wrong on the pages it opened."""

    def __init__(self, chromium, base_url: str, username: str, locale: str = "en-US"):
        self.context = chromium.new_context(base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        host = urlsplit(base_url).netloc
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        self.page.on("console", self._console)
        self.page.on(
            "request",
            lambda request: (
                urlsplit(request.url).netloc not in (host, "")
                and self.problems.append(f"left the machine: {request.url}")
            ),
        )
        self.page.goto("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/")

    def _console(self, message):
        # The admin has no favicon, and the test server does not serve uploaded files.
        url = urlsplit(message.location.get("url", "")).path
        if message.type == "error" and url != "/favicon.ico" and not url.startswith(settings.MEDIA_URL):
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def open(self, path: str):
        response = self.page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        return self.page

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"admin-{name}.png", full_page=True)


@pytest.fixture
def login(chromium, live_server):
    sessions = []

    def login(group: str, locale: str = "en-US") -> Session:
        user = User.objects.create_user(group.lower(), password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        session = Session(chromium, live_server.url, user.username, locale)
        sessions.append(session)
        return session

    yield login
    for session in sessions:
        session.context.close()


@pytest.fixture
def draft():
    obj = article(zh="内核调度器", en="", body_zh="## 小节\n\n![图](media/chart.png)", status=Article.Status.DRAFT)
    ArticleImage.objects.create(article=obj, image=png_file("chart.png"), reference="media/chart.png", alt_zh_hans="图")
    return obj


def tab(page, field: str, language: str):
    page.click(f"a[href='#tab_id_{field}_{language}']")


def test_language_tabs_switch_the_fields_with_local_scripts_only(login):
    editor = login("Editors")
    page = editor.open("/admin/news/article/add/")
    assert page.locator(".ui-tabs-nav").count() == 4  # title, summary, body, banner alt text
    tab(page, "title", "zh_hans")
    assert page.locator("#id_title_zh_hans").is_visible() and not page.locator("#id_title_en").is_visible()
    tab(page, "title", "en")
    assert page.locator("#id_title_en").is_visible() and not page.locator("#id_title_zh_hans").is_visible()
    editor.screenshot("tabs")
    assert editor.problems == []


def enabled_fields(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "#article_form :is(input, textarea, select)[name]:not([type=hidden]):not([type=submit]):not(:disabled)",
            "nodes => nodes.map(node => node.name)",
        )
    )


def test_translators_edit_only_the_other_languages_text(login, draft):
    translator = login("Translators")
    page = translator.open(f"/admin/news/article/{draft.pk}/change/")
    assert enabled_fields(page) == {
        "title_en",
        "summary_en",
        "body_en",
        "banner_alt_en",
        "images-0-alt_en",
        "language_state_en",
    }
    assert page.locator(".deletelink").count() == 0
    headers = page.locator("#images-group th:visible").all_inner_texts()
    assert [text.strip() for text in headers if text.strip().upper().startswith("ALT")] == [
        "ALT TEXT (CHINESE)",
        "ALT TEXT",
    ]
    assert not page.locator(".add-row a").is_visible()
    page.fill("#id_title_en", "Kernel scheduler")
    page.fill("#id_body_en", "## Section\n\n![Chart](media/chart.png)")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert (draft.title_en, draft.title_zh_hans, draft.status) == ("Kernel scheduler", "内核调度器", "draft")
    translator.screenshot("translator-change")
    assert translator.problems == []


def test_translators_download_fill_preview_and_apply_a_po_file(login, draft, tmp_path):
    translator = login("Translators")
    page = translator.open(f"/admin/news/article/{draft.pk}/change/")
    with page.expect_download() as download:
        page.click("text=Download PO")
    po = polib.pofile(download.value.path().read_text(encoding="utf-8"))
    translations = {"内核调度器": "Kernel scheduler", "小节": "Section", "![图]({1})": "![Chart]({1})", "图": "Chart"}
    for entry in po:
        entry.msgstr = translations.get(entry.msgid, "")
    filled = tmp_path / "filled.po"
    po.save(str(filled))

    page = translator.open("/admin/news/article/translations/")
    page.click("text=Upload translations")
    page.set_input_files("#id_file", filled)
    page.click("text=Preview")
    assert "nothing has been changed yet" in page.locator("#content").inner_text()
    assert Article.objects.get(pk=draft.pk).title_en == ""
    translator.screenshot("translator-upload-preview")
    page.click("text=Apply these translations")
    assert "Translations imported" in page.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert draft.title_en == "Kernel scheduler"
    assert "Section</h2>" in draft.body_html_en and draft.images.get().alt_en == "Chart"
    assert translator.problems == []


def test_po_file_problems_are_shown_with_file_and_line(login, draft, tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "unclosed\nmsgstr ""\n', encoding="utf-8")
    translator = login("Translators")
    page = translator.open("/admin/news/article/translations/upload/")
    page.set_input_files("#id_file", broken)
    page.click("text=Preview")
    content = page.locator("#content").inner_text()
    assert "The file was refused: nothing has been changed" in content
    assert "broken.po:5:" in content
    assert page.locator("text=Apply these translations").count() == 0
    assert translator.problems == []


def test_tag_field_offers_existing_tags_by_name_or_label(login):
    article(en="Tagged", tags=("kernel", "security"))
    Tag.objects.filter(name="kernel").update(label_zh_hans="内核", label_en="Kernel")
    editor = login("Editors")
    page = editor.open("/admin/news/article/add/")
    field = page.locator("#id_tags")
    field.press_sequentially("security, 内", delay=30)
    options = page.locator("#id_tags-suggestions option[value='security, kernel']")
    options.wait_for(state="attached")
    assert "内核" in options.get_attribute("label")
    field.fill("")
    field.press_sequentially("ker", delay=30)
    page.locator("#id_tags-suggestions option[value='kernel']").wait_for(state="attached")
    assert editor.problems == []


CRAFTED = """form => {
    for (const [name, value] of Object.entries({
        status: "published", slug: "hijacked", title_zh_hans: "篡改", body_zh_hans: "篡改",
        "images-0-alt_zh_hans": "篡改",
    })) {
        const input = document.createElement("input");
        Object.assign(input, {type: "hidden", name, value});
        form.append(input);
    }
}"""


def test_a_translators_crafted_form_cannot_publish_or_rewrite_the_source(login, draft):
    slug = draft.slug
    translator = login("Translators")
    page = translator.open(f"/admin/news/article/{draft.pk}/change/")
    page.eval_on_selector("#article_form", CRAFTED)
    page.fill("#id_title_en", "Kernel scheduler")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert (draft.status, draft.slug, draft.title_zh_hans, draft.title_en) == (
        "draft",
        slug,
        "内核调度器",
        "Kernel scheduler",
    )
    assert "篡改" not in draft.body_zh_hans and draft.images.get().alt_zh_hans == "图"
    assert page.goto(f"/admin/news/article/{draft.pk}/delete/").status == 403


def test_an_editor_takes_an_article_from_draft_to_scheduled_to_published(login, chromium, live_server, tmp_path):
    banner, chart = tmp_path / "banner.png", tmp_path / "chart.png"
    banner.write_bytes(png_file("banner.png", size=(600, 200)).read())
    chart.write_bytes(png_file("chart.png").read())
    editor = login("Editors")
    page = editor.open("/admin/news/article/add/")
    tab(page, "title", "zh_hans")
    page.fill("#id_title_zh_hans", "编辑流程")
    tab(page, "body", "zh_hans")
    page.fill("#id_body_zh_hans", "见下图。\n\n![图表](media/chart.png)")
    tab(page, "title", "en")
    page.fill("#id_title_en", "Editing journey")
    tab(page, "body", "en")
    page.fill("#id_body_en", "See below:\n\n![Chart](./media/chart.png)")
    page.select_option("#id_category", label="News")
    page.fill("#id_tags", "kernel, 内核")
    page.set_input_files("#id_banner", banner)
    page.click("text=Add another Article image")
    page.set_input_files("#id_images-0-image", chart)
    page.fill("#id_images-0-reference", "media/chart.png")
    page.click("input[name=_continue]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    created = Article.objects.get(slug="editing-journey")
    image_url = created.images.get().as_ref().url  # the WebP rendition the page serves
    assert created.status == "draft" and created.banner and f'src="{image_url}"' in created.body_html_en
    assert f'src="{image_url}"' in created.body_html_zh_hans
    links = page.locator(".field-view_on_site_links a")
    urls = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert urls == ["/zh/news/editing-journey/", "/en/news/editing-journey/"]
    for url, banner_text in zip(urls, ["预览", "Preview"], strict=True):
        assert banner_text in editor.open(url).locator("body").inner_text()

    visitor = chromium.new_context(base_url=live_server.url).new_page()
    page = editor.open(f"/admin/news/article/{created.pk}/change/")
    page.select_option("#id_status", "published")
    page.fill("#id_publish_at_0", "2099-01-15")
    page.fill("#id_publish_at_1", "09:00:00")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert visitor.goto(urls[1]).status == 404
    assert "scheduled for 2099-01-15 09:00" in editor.open(urls[1]).locator("body").inner_text()

    page = editor.open(f"/admin/news/article/{created.pk}/change/")
    page.fill("#id_publish_at_0", "2020-01-15")
    page.click("input[name=_continue]")
    assert visitor.goto(urls[1]).status == 200
    assert "Editing journey" in visitor.locator("h1").inner_text()
    assert "Preview" not in visitor.locator("body").inner_text()
    editor.screenshot("editor-journey")
    visitor.context.close()
    assert editor.problems == []


def test_the_admin_speaks_chinese_to_a_browser_asking_for_it(login, draft):
    editor = login("Editors", locale="zh-CN")
    page = editor.open("/admin/news/article/")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    text = page.locator("body").inner_text()
    for django_own in ("选择 文章 来修改", "动作", "过滤器"):
        assert django_own in text
    for ours in ("上传翻译", "可见状态", "缺少语言", "定时发布", "英文: 缺失"):
        assert ours in text
    for english in ("Upload translations", "visibility", "missing language", "Scheduled", "missing"):
        assert english not in text
    text = editor.open(f"/admin/news/article/{draft.pk}/change/").locator("body").inner_text()
    assert "发布" in text and "正文" in text and "下载 PO" in text
    assert "Publication" not in text and "Download PO" not in text
    assert editor.problems == []


def test_a_large_chinese_po_file_previews_and_applies(login, settings, tmp_path):
    """The previewed file waits on the server: applying sends nothing back, so Django's form-data cap does not apply."""
    paragraphs = [f"第{n}段。开源社区的翻译工作需要耐心和细致。每一段文字都要准确传达原文的意思。" for n in range(500)]
    long = article(zh="长文", en="", body_zh="\n\n".join(paragraphs), status=Article.Status.DRAFT)
    po = po_export.export_po(language="en", articles=[long])
    for number, entry in enumerate(po):
        entry.msgstr = f"Paragraph {number}." if ":body-" in entry.msgctxt else ""
        if entry.msgctxt.endswith(":title"):
            entry.msgstr = "A long article"
    filled = tmp_path / "long.po"
    po.save(str(filled))
    text = filled.read_text(encoding="utf-8")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 32_000
    assert len(text.encode()) > 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    translator = login("Translators")
    page = translator.open("/admin/news/article/translations/upload/")
    page.set_input_files("#id_file", filled)
    page.click("text=Preview")
    assert "nothing has been changed yet" in page.locator("#content").inner_text(), page.locator(
        ".errorlist"
    ).inner_text()
    with page.expect_response(lambda response: response.request.method == "POST") as applied:
        page.click("text=Apply these translations")
    assert applied.value.status == 302
    long.refresh_from_db()
    assert "Paragraph 499." in long.body_en
    assert translator.problems == []
