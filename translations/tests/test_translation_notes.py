import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from news.tests import factories

pytestmark = pytest.mark.django_db
NOTE = "The original was updated after this translation."


def chinese_page(client, article) -> str:
    # The page activates Chinese in this thread; English is back for the tests that follow.
    with translation.override("en"):
        return client.get(f"/zh/news/{article.slug}/").content.decode()


def translated():
    return factories.article(zh="原文", en="Translation", body_zh="第一段。\n\n第二段。", body_en="One.\n\nTwo.")


def test_outdated_translation_is_shown_with_a_note_linking_to_the_original(client):
    article = translated()
    assert NOTE not in client.get(f"/en/news/{article.slug}/").content.decode()
    article.body_zh_hans = "第一段。\n\n第二段改了。"
    article.save()
    page = client.get(f"/en/news/{article.slug}/").content.decode()
    assert NOTE in page and "Two." in page
    assert f'href="/zh/news/{article.slug}/" hreflang="zh-Hans">Read the Chinese original</a>' in page
    # The original itself carries no note.
    assert "原文" in (zh := chinese_page(client, article)) and NOTE not in zh


def test_note_is_in_the_visitors_language_and_costs_no_query(client):
    article = translated()
    with CaptureQueriesContext(connection) as before:
        client.get(f"/en/news/{article.slug}/")
    article.title_zh_hans = "原文改了"
    article.save()
    with CaptureQueriesContext(connection) as after:
        page = client.get(f"/en/news/{article.slug}/").content.decode()
    assert NOTE in page
    assert len(after) == len(before)


def test_no_note_on_a_fallback_page(client):
    article = factories.article(zh="只有中文", en="")
    assert NOTE not in client.get(f"/en/news/{article.slug}/").content.decode()


def test_note_on_a_chinese_translation_of_an_english_original(client):
    article = factories.article(
        zh="译文", en="Original", body_zh="译文。", body_en="Original text.", source_language="en"
    )
    article.body_en = "Original text, revised."
    article.save()
    page = chinese_page(client, article)
    assert "本译文完成后" in page and f'href="/en/news/{article.slug}/" hreflang="en">阅读英文原文</a>' in page
