"""A translation goes live when it is ready (news.readiness, TranslatedContent.has_language)."""

import feedparser
import pytest
from django.contrib.auth.models import User
from django.test import Client

from news import readiness
from news.content import LanguageState
from news.models import Article, SearchDocument
from news.tests.factories import article
from news.tests.test_admin import CHANGELIST, change_url, crafted_post, form_data, member
from news.tests.test_search import found_slugs, search_page
from news.tests.test_sitemaps import sitemap
from portal import cache as page_cache

pytestmark = pytest.mark.django_db

EN_NOTICE = "This article is not yet available in English"


@pytest.fixture
def pending():
    """A Chinese article whose English translation is written but not ready."""
    story = article(zh="调度器笔记", en="Scheduler notes", body_en="The unfinished translation.", slug="scheduler")
    readiness.save_states(story, {"en": LanguageState.IN_PROGRESS})
    return story


def english_page(client, story) -> str:
    response = client.get(f"/en/news/{story.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_translation_in_progress_is_missing_for_visitors(pending):
    pending.refresh_from_db()
    assert pending.has_text("en") and not pending.has_language("en")
    assert pending.languages == ["zh-hans"] and pending.written_languages == ["zh-hans", "en"]
    assert pending.text_language("en") == "zh-hans"
    assert list(Article.objects.in_language("en")) == []
    assert list(Article.objects.missing_language("en")) == [pending]
    assert list(Article.objects.in_progress("en")) == [pending]


def test_the_page_shows_the_original_with_the_fallback_notice(client, pending):
    page = english_page(client, pending)
    assert EN_NOTICE in page and "调度器笔记" in page
    assert "unfinished translation" not in page and "Scheduler notes" not in page


def test_lists_home_and_feeds_leave_it_out_in_that_language(client, pending):
    assert "/en/news/scheduler/" not in client.get("/en/news/").content.decode()
    assert "/en/news/scheduler/" not in client.get("/en/").content.decode()
    assert "调度器笔记" in client.get("/en/news/?all=1").content.decode()
    assert feedparser.parse(client.get("/en/news/rss/").content).entries == []
    assert len(feedparser.parse(client.get("/zh/news/rss/").content).entries) == 1


def test_sitemap_lists_and_alternates_only_ready_languages(client, pending):
    urls = sitemap(client)
    assert "http://testserver/en/news/scheduler/" not in urls
    assert urls["http://testserver/zh/news/scheduler/"] == {"zh-Hans": "http://testserver/zh/news/scheduler/"}


def test_search_indexes_only_ready_languages(client, pending):
    document = SearchDocument.objects.get(article=pending)
    assert "scheduler" not in document.title and "unfinished" not in document.body
    assert found_slugs(search_page(client, "unfinished")) == []


def test_the_language_switch_leads_to_the_fallback(client, pending):
    zh_page = client.get("/zh/news/scheduler/").content.decode()
    assert 'href="/en/news/scheduler/"' in zh_page
    assert EN_NOTICE in english_page(client, pending)


def test_marking_it_ready_publishes_that_language(client, pending):
    assert readiness.mark_ready(pending, "en")
    assert not readiness.mark_ready(pending, "en")  # already ready: nothing to do
    page = english_page(client, pending)
    assert "The unfinished translation." in page and EN_NOTICE not in page
    assert "/en/news/scheduler/" in client.get("/en/news/").content.decode()
    assert len(feedparser.parse(client.get("/en/news/rss/").content).entries) == 1
    assert sitemap(client)["http://testserver/en/news/scheduler/"]["en"] == "http://testserver/en/news/scheduler/"
    assert found_slugs(search_page(client, "unfinished")) == ["scheduler"]


def test_the_source_language_is_always_ready():
    story = article(zh="源语言", en="Source")
    readiness.save_states(story, {"zh-hans": LanguageState.IN_PROGRESS})
    story.refresh_from_db()
    assert story.language_states == {} and story.has_language("zh-hans")


def test_an_unknown_language_or_state_is_refused_and_nothing_changes(pending):
    with pytest.raises(ValueError, match="not an enabled language"):
        readiness.save_states(pending, {"en": LanguageState.READY, "fr": LanguageState.READY})
    with pytest.raises(ValueError, match="not a translation state"):
        readiness.save_states(pending, {"en": "done"})
    pending.refresh_from_db()
    assert pending.language_states == {"en": "in_progress"}


def test_a_state_change_bumps_the_content_version(page_cache_on, pending):
    before = page_cache.current_version()
    readiness.mark_ready(pending, "en")
    assert page_cache.current_version() != before


def test_a_cached_fallback_page_is_replaced_when_the_language_becomes_ready(page_cache_on, pending):
    visitor = Client()
    visitor.get("/en/news/scheduler/")
    assert visitor.get("/en/news/scheduler/")["X-Page-Cache"] == "hit"
    readiness.mark_ready(pending, "en")
    assert "The unfinished translation." in visitor.get("/en/news/scheduler/").content.decode()


# "Help translate": only for signed-in staff who can change articles ----------------------


def test_anonymous_visitors_never_get_the_help_translate_link(page_cache_on, pending):
    visitor = Client()
    for _ in range(2):  # the second answer comes from the page cache
        page = visitor.get("/en/news/scheduler/").content.decode()
        assert EN_NOTICE in page and "Help translate" not in page and "/admin/" not in page


def test_a_translator_sees_the_help_translate_link(client, pending):
    client.force_login(member("Translators"))
    page = english_page(client, pending)
    assert "Help translate" in page
    assert f'href="/admin/news/article/{pending.pk}/' in page


def test_staff_without_the_right_to_change_articles_do_not_see_it(client, pending):
    client.force_login(User.objects.create_user("reader", password="pw", is_staff=True))
    assert "Help translate" not in english_page(client, pending)


# The admin: the state choice and the actions ----------------------------------------


def test_a_translation_written_by_a_translator_starts_in_progress(client):
    story = article(zh="只有中文", en="", slug="chinese-only")
    client.force_login(member("Translators"))
    response = crafted_post(client, story, title_en="Only Chinese", body_en="Written in English.")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title_en == "Only Chinese" and story.language_state("en") == LanguageState.IN_PROGRESS
    assert "Only Chinese" not in english_page(client.__class__(), story)


def test_a_translator_may_choose_ready(client):
    story = article(zh="只有中文", en="", slug="chinese-only")
    client.force_login(member("Translators"))
    crafted_post(client, story, title_en="Only Chinese", body_en="Written.", language_state_en="ready")
    story.refresh_from_db()
    assert story.has_language("en")


def test_an_editor_save_keeps_a_new_translation_ready(client):
    story = article(zh="只有中文", en="", slug="chinese-only")
    client.force_login(member("Editors"))
    assert crafted_post(client, story, title_en="Only Chinese", body_en="Written.").status_code == 302
    story.refresh_from_db()
    assert story.has_language("en")


def test_the_form_offers_a_state_for_target_languages_only(client, pending):
    client.force_login(member("Editors"))
    page = client.get(change_url(pending)).content.decode()
    assert 'name="language_state_en"' in page and 'name="language_state_zh_hans"' not in page
    response = crafted_post(client, pending, language_state_en="ready")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.has_language("en")


def test_the_mark_ready_action(client, pending):
    other = article(zh="另一篇", en="Another", slug="another")
    readiness.save_states(other, {"en": LanguageState.IN_PROGRESS})
    client.force_login(member("Translators"))
    data = {"action": "mark_ready_en", "_selected_action": [pending.pk]}
    response = client.post(CHANGELIST, data, follow=True)
    assert "translation marked ready in 1 article" in response.content.decode()
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.has_language("en") and not other.has_language("en")


def test_publish_all_languages_is_for_editors(client, pending):
    client.force_login(member("Translators"))
    assert "publish_all_languages" not in client.get(CHANGELIST).content.decode()
    client.force_login(member("Editors"))
    assert "publish_all_languages" in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "publish_all_languages", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.language_states == {} and pending.has_language("en")


def test_the_list_says_which_translations_are_in_progress(client, pending):
    client.force_login(member("Editors"))
    assert "complete · In progress" in client.get(CHANGELIST).content.decode()
    readiness.mark_ready(pending, "en")
    assert "complete · In progress" not in client.get(CHANGELIST).content.decode()


def test_a_language_that_becomes_the_source_is_shown_again(pending):
    pending.source_language = "en"
    pending.save()
    pending.refresh_from_db()
    assert pending.language_states == {}
    assert list(Article.objects.in_language("en")) == [pending]


def test_a_state_change_in_between_refuses_a_stale_form_without_listing_the_states(client, pending):
    """Marking ready is a save: a form opened before it is refused, and its conflict lists text fields only."""
    client.force_login(member("Editors"))
    data = form_data(client.get(change_url(pending)).content)
    readiness.mark_ready(pending, "en")
    data["summary_en"] = "Written meanwhile"
    response = client.post(change_url(pending), data)
    assert response.status_code == 200
    names = [difference.name for difference in response.context["adminform"].form.conflict.differences]
    assert "summary_en" in names and not [name for name in names if name.startswith("language_state")]
