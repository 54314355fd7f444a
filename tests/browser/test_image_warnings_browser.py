"""The change form warns about unused images and references no image answers while editing, before any save."""

import pytest

from news.models import Article
from news.tests.factories import article, png_file
from tests.browser import test_admin_browser

chromium = test_admin_browser.chromium
login = test_admin_browser.login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNINGS = ".image-warnings li"


def test_an_image_row_no_body_uses_is_warned_before_saving_until_its_reference_is_inserted(login):
    post = article(zh="图片", en="Pictures", body_en="First paragraph.", status=Article.Status.DRAFT)
    editor = login("Editors")
    page = editor.open(f"/admin/news/article/{post.pk}/change/")
    assert page.locator(WARNINGS).count() == 0
    page.click("text=Add another Article image")
    picture = png_file("unused.png").read()
    page.set_input_files("#id_images-0-image", {"name": "unused.png", "mimeType": "image/png", "buffer": picture})
    page.fill("#id_images-0-reference", "media/unused.png")
    page.wait_for_function("() => document.querySelector('.image-warnings li') !== null")
    assert page.locator(WARNINGS).all_inner_texts() == ["No text uses these images: media/unused.png"]

    page.click("a[href='#tab_id_body_en']")
    page.fill("#id_body_en", "First paragraph.\n\n![Unused no more](media/unused.png)\n\n![Later](media/later.png)")
    page.wait_for_function("() => !document.querySelector('.image-warnings').textContent.includes('unused.png')")
    assert page.locator(WARNINGS).all_inner_texts() == [
        "No image answers these references yet; they show as placeholders: English: media/later.png"
    ]
    assert not post.images.exists()  # nothing was saved
    assert editor.problems == []


def test_the_live_warnings_speak_the_editors_language(login):
    post = article(zh="图片", en="Pictures", body_zh="![图](media/missing.png)", status=Article.Status.DRAFT)
    editor = login("Editors", locale="zh-CN")
    page = editor.open(f"/admin/news/article/{post.pk}/change/")
    page.wait_for_function("() => document.querySelector('.image-warnings li') !== null")
    assert "media/missing.png" in page.locator(WARNINGS).inner_text()
    assert page.locator(WARNINGS).inner_text().startswith("以下引用还没有对应的图片，将显示为占位符：")
    assert editor.problems == []
