"""The names page: a save refused when the names changed since the page was shown, and confirmations."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from news.models import Category
from news.tests import factories
from tags.models import Tag
from translations.tests.po_helpers import _english, snapshot  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db
URL = "/admin/news/article/translate-names/en/"


def editor(username):
    client = Client()
    client.force_login(User.objects.create_superuser(username, password="x"))
    return client


def form(response, **names):
    """What the page's form sends, with some names changed (by source text)."""
    data = {"fingerprints": response.context["fingerprints"]}
    for row in response.context["rows"]:
        data[f"seg-{row.key}"] = names.get(row.source, row.value)
    return data


@pytest.fixture
def names():
    factories.article(zh="文章", en="Article", tags=("内核", "网络"))
    return {tag.label_zh_hans: f"tag:{tag.slug}" for tag in Tag.objects.all()}


def test_two_concurrent_edits_the_second_is_refused_names_the_change_and_keeps_its_text(names):
    first, second = editor("first"), editor("second")
    page_one, page_two = first.get(URL), second.get(URL)

    assert second.post(URL, form(page_two, 内核="Kernel")).status_code == 302
    before = snapshot()
    response = first.post(URL, form(page_one, 内核="OS kernel", 网络="Network"))
    assert response.status_code == 200 and snapshot() == before
    (problem,) = response.context["problems"]
    assert f"内核 ({names['内核']})" in problem and names["网络"] not in problem
    rows = {row.key: row for row in response.context["rows"]}
    assert rows[names["内核"]].value == "OS kernel" and rows[names["内核"]].saved == "Kernel"
    assert rows[names["网络"]].value == "Network" and rows[names["网络"]].saved is None
    page = response.content.decode()
    assert "OS kernel" in page and "Stored now:" in page

    # Saving again from the page that showed the conflict goes through: the translator has seen it.
    assert first.post(URL, form(response)).status_code == 302
    assert {tag.label_en for tag in Tag.objects.all()} == {"OS kernel", "Network"}


def test_a_renamed_source_or_a_removed_name_also_refuses_the_save(names):
    client = editor("first")
    page = client.get(URL)
    Tag.objects.get(label_zh_hans="网络").delete()
    category = Category.objects.exclude(name_zh_hans="").order_by("pk").first()
    category.name_zh_hans = "新的名字"
    category.save()
    before = snapshot()
    response = client.post(URL, form(page, 内核="Kernel"))
    assert response.status_code == 200 and snapshot() == before
    (problem,) = response.context["problems"]
    assert names["网络"] in problem and f"category:{category.slug}" in problem


def test_a_form_without_fingerprints_is_refused(names):
    client = editor("first")
    data = form(client.get(URL), 内核="Kernel")
    del data["fingerprints"]
    before = snapshot()
    response = client.post(URL, data)
    assert response.status_code == 200 and snapshot() == before
    assert "reload the page" in response.context["problems"][0]
    data["fingerprints"] = "[1, 2]"
    assert "reload the page" in client.post(URL, data).context["problems"][0]


def test_an_outdated_name_ticked_still_correct_is_confirmed(names):
    client = editor("first")
    client.post(URL, form(client.get(URL), 内核="Kernel"))
    tag = Tag.objects.get(label_zh_hans="内核")
    tag.label_zh_hans = "操作系统内核"
    tag.save()
    response = client.get(URL)
    key = f"tag:{tag.slug}"
    assert next(row for row in response.context["rows"] if row.key == key).state == "outdated"
    response = client.post(URL, {**form(response), "confirm": [key]})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.label_en == "Kernel" and tag.translated_from == {"en": "操作系统内核"}
    assert next(row for row in client.get(URL).context["rows"] if row.key == key).state == "complete"
