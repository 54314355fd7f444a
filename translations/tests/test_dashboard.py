"""The translators' section of the admin home (translations.dashboard)."""

import pytest
from django.test import Client

from news.models import Category
from news.tests.factories import article
from news.tests.test_admin import member
from tags.models import Tag
from translations import dashboard, records

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    complete = article(zh="完整", en="Complete")
    missing = article(zh="只有中文", en="")
    outdated = article(zh="原文", en="Original", body_zh="第一段。", body_en="First paragraph.")
    outdated.body_zh_hans = "第一段改了。"
    outdated.save()
    Category.objects.create(slug="untranslated", name_zh_hans="未翻译")
    renamed = Category.objects.create(slug="renamed", name_zh_hans="旧名", name_en="Old name")
    renamed.name_zh_hans = "新名"
    renamed.save()
    Tag.objects.create(name="内核", slug="neihe", label_zh_hans="内核")  # its name is Chinese: English lacks one
    Tag.objects.create(name="kernel", slug="kernel", label_zh_hans="内核")  # visitors read "kernel" in English
    return {"complete": complete, "missing": missing, "outdated": outdated, "renamed": renamed}


def cells(row, kind):
    return {cell.label: cell for cell in row[kind]}


def test_counts_per_language_and_state(content):
    assert records.translation_state(content["outdated"], "en")[0] == records.OUTDATED
    english = next(row for row in dashboard.sections() if row["code"] == "en")
    articles = cells(english, "articles")
    assert {label: cell.count for label, cell in articles.items()} == {"missing": 1, "outdated": 1, "complete": 1}
    assert articles["missing"].url == "/admin/news/article/?translation=en:missing"
    categories = cells(english, "categories")
    untranslated = Category.objects.get(slug="untranslated")
    assert categories["missing"].count == 1 and categories["missing"].url.endswith(f"?id__in={untranslated.pk}")
    assert categories["outdated"].count == 1 and categories["outdated"].url.endswith(f"={content['renamed'].pk}")
    assert cells(english, "tags")["missing"].count == 1
    chinese = next(row for row in dashboard.sections() if row["code"] == "zh-hans")
    assert sum(cell.count for cell in chinese["articles"]) == 0


def test_the_links_open_the_filtered_lists(client, content):
    client.force_login(member("Editors"))
    english = next(row for row in dashboard.sections() if row["code"] == "en")
    listed = client.get(cells(english, "articles")["missing"].url)
    assert listed.status_code == 200 and "只有中文" in listed.content.decode() and "完整" not in listed.content.decode()
    categories = client.get(cells(english, "categories")["missing"].url)
    assert categories.status_code == 200 and "untranslated" in categories.content.decode()
    assert "renamed" not in categories.content.decode()


def test_article_cells_lead_to_the_segment_editor_when_there_is_one(content):
    english = next(row for row in dashboard.sections() if row["code"] == "en")
    articles = cells(english, "articles")
    expected = dashboard.segment_editor_url(content["outdated"].pk, "en")
    assert articles["outdated"].translate_url == expected
    assert articles["complete"].translate_url == ""


def test_the_segment_editor_link_is_guarded():
    assert dashboard.segment_editor_url(1, "en") in ("", "/admin/news/article/1/translate/en/")


def order(client) -> list[str]:
    text = client.get("/admin/").content.decode()
    found = {name: text.find(f'id="{name}"') for name in ("translator-dashboard", "editor-dashboard")}
    assert all(position >= 0 for position in found.values()), found
    return sorted(found, key=found.get)


def test_translators_see_their_section_first_editors_after_theirs(content):
    translator, editor = Client(), Client()
    translator.force_login(member("Translators"))
    editor.force_login(member("Editors"))
    assert order(translator) == ["translator-dashboard", "editor-dashboard"]
    assert order(editor) == ["editor-dashboard", "translator-dashboard"]
    text = translator.get("/admin/").content.decode()
    assert text.count('id="translator-dashboard"') == 1
    assert 'href="/admin/news/article/?translation=en:missing"' in text


def test_staff_who_may_not_read_articles_do_not_see_it(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw", is_staff=True))
    assert 'id="translator-dashboard"' not in client.get("/admin/").content.decode()
