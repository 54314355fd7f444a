"""The article editor in a real Chromium: no lost edits, live preview, images dropped into the text, a laptop screen."""

import base64

import pytest

from news.models import Article, ArticleImage
from news.tests.factories import article, png_file
from tests.browser import test_admin_browser

# The admin browser tests' fixtures: the session's Chromium and logged-in users.
chromium = test_admin_browser.chromium
login = test_admin_browser.login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post():
    return article(zh="编辑器", en="The editor", body_en="First paragraph.", status=Article.Status.DRAFT)


def change(obj) -> str:
    return f"/admin/news/article/{obj.pk}/change/"


def show_english_body(page):
    page.click("a[href='#tab_id_body_en']")


def test_two_editors_on_one_article_the_second_save_is_refused_and_keeps_its_text(login, post):
    alice = login("Editors")
    bob_page = alice.context.new_page()  # a second page, opened before the first one saves
    alice_page = alice.open(change(post))
    bob_page.goto(change(post))
    alice_page.click("a[href='#tab_id_summary_en']")
    alice_page.fill("#id_summary_en", "Summary from the first tab")
    alice_page.click("input[name=_continue]")
    assert "was changed successfully" in alice_page.locator(".messagelist").inner_text()
    bob_page.click("a[href='#tab_id_summary_en']")
    bob_page.fill("#id_summary_en", "Summary from the second tab")
    bob_page.click("input[name=_continue]")
    assert "after you opened it" in bob_page.locator(".errorlist.nonfield").inner_text()
    kept = bob_page.locator(".edit-conflict-field[data-field=summary_en] .edit-conflict-yours")
    assert kept.input_value() == "Summary from the second tab" and kept.get_attribute("readonly") is not None
    assert Article.objects.get(pk=post.pk).summary_en == "Summary from the first tab"
    alice.screenshot("edit-conflict")
    assert alice.problems == []


def test_the_preview_follows_the_typing(login, post):
    editor = login("Editors")
    page = editor.open(change(post))
    show_english_body(page)
    page.fill("#id_body_en", "## A heading\n\nSome **bold** words.")
    frame = page.frame_locator("#id_body_en ~ * .md-preview-frame, .md-editor:has(#id_body_en) .md-preview-frame")
    frame.locator("strong").wait_for()
    assert frame.locator("h2").inner_text() == "A heading"
    assert editor.problems == []


def test_an_image_dropped_into_the_body_is_uploaded_and_its_reference_inserted(login, post):
    editor = login("Editors")
    page = editor.open(change(post))
    show_english_body(page)
    page.fill("#id_body_en", "Before. After.")
    page.evaluate("document.getElementById('id_body_en').setSelectionRange(8, 8)")
    data = base64.b64encode(png_file("diagram.png", (30, 30)).read()).decode()
    page.evaluate(
        """data => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "diagram.png", {type: "image/png"}));
            const area = document.getElementById("id_body_en");
            area.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        data,
    )
    page.wait_for_function("() => document.getElementById('id_body_en').value.includes('media/diagram.png')")
    assert page.input_value("#id_body_en") == "Before. ![diagram](media/diagram.png)After."
    assert ArticleImage.objects.filter(article=post, reference="media/diagram.png").exists()
    assert editor.problems == []


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(node => node.getBoundingClientRect().right > 1366).slice(0, 5)
    .map(node => `${node.tagName}.${node.className}`)"""
RESULTS_WIDTH = """() => { const r = document.querySelector(".results"); return [r.scrollWidth, r.clientWidth]; }"""


def test_the_change_form_and_the_list_fit_a_laptop(login, post):
    ArticleImage.objects.create(article=post, image=png_file("chart.png"), reference="media/chart.png")
    long_title = ("A very long title " * 15).strip()
    article(zh="很长的标题" * 20, en=long_title, source_language="en")
    editor = login("Editors")
    editor.page.set_viewport_size({"width": 1366, "height": 768})
    for path in (change(post), "/admin/news/article/", "/admin/news/article/add/", "/admin/"):
        page = editor.open(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width} px wide: {page.evaluate(WIDER_THAN_THE_SCREEN)}"
    editor.open(change(post))
    editor.screenshot("change-form-1366")
    page = editor.open("/admin/news/article/")
    editor.screenshot("list-1366")
    needed, shown = page.evaluate(RESULTS_WIDTH)
    assert needed <= shown, f"the list's columns need {needed} px of {shown}"
    title = page.locator(".list-title", has_text="A very long title").first
    assert title.get_attribute("title") == long_title
    assert page.evaluate("node => node.scrollWidth > node.clientWidth", title.element_handle())  # cut, with "…"
    assert editor.problems == []
