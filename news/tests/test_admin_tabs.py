"""The change form's language tabs: names, states, and which language opens (news.admin_tabs)."""

import json

import pytest

from news.models import Article
from news.tests.factories import article
from news.tests.pages import Page
from news.tests.test_admin import change_url, form_data, member

pytestmark = pytest.mark.django_db


def tabs(response) -> dict:
    divs = Page(response.content).find_all("div")
    node = next(node for node in divs if node.attrs.get("id") == "language-tabs-config")
    return json.loads(node.attrs["data-tabs"])


def by_code(config) -> dict:
    return {language["code"]: language for language in config["languages"]}


@pytest.fixture
def english_source():
    return article(zh="", en="Written in English", source_language="en", status=Article.Status.DRAFT)


def test_the_form_opens_on_the_source_language(client, english_source):
    client.force_login(member("Editors"))
    config = tabs(client.get(change_url(english_source)))
    assert config["active"] == "en"
    languages = by_code(config)
    assert languages["en"]["source"] and not languages["zh-hans"]["source"]
    assert (languages["en"]["state"], languages["zh-hans"]["state"]) == ("filled", "empty")
    assert languages["en"]["suffix"] == "en" and languages["zh-hans"]["suffix"] == "zh_hans"


def test_names_and_state_labels_are_in_the_admins_language(client, english_source):
    client.force_login(member("Editors"))
    config = tabs(client.get(f"/admin/news/article/{english_source.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    languages = by_code(config)
    assert languages["en"]["name"] == "英文" and languages["en"]["state_label"] == "已填写"


def test_a_new_article_opens_on_the_default_source_language(client):
    client.force_login(member("Editors"))
    config = tabs(client.get("/admin/news/article/add/"))
    assert config["active"] == "zh-hans"
    assert {language["state"] for language in config["languages"]} == {"empty"}


def test_after_a_refused_save_the_first_error_opens(client, english_source):
    client.force_login(member("Editors"))
    data = form_data(client.get(change_url(english_source)).content)
    data["body_zh_hans"] = "正文没有标题。"  # a Chinese text needs a Chinese title
    response = client.post(change_url(english_source), data)
    assert response.status_code == 200
    config = tabs(response)
    assert config["active"] == "zh-hans"
    languages = by_code(config)
    assert languages["zh-hans"]["state"] == "errors" and languages["zh-hans"]["state_label"] == "has errors"
    assert languages["en"]["state"] == "filled"
