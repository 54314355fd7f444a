"""The segment editor: rows in order with states and diffs, saves through the PO import, locking, permissions."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from news.models import Article
from news.tests import factories
from tags.models import Tag
from translations.tests.po_helpers import (
    _english,  # noqa: F401 (autouse fixture)
    outdated_article,
    snapshot,
    zh_article,
)

pytestmark = pytest.mark.django_db

LINK = "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。"


@pytest.fixture
def translator(client):
    user = User.objects.create_user("translator", password="x", is_staff=True, first_name="Tina")
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    return client


def url(article, language="en"):
    return f"/admin/news/article/{article.pk}/translate/{language}/"


def form_data(response, **changes):
    """What the page's form would send, with some segments changed (by source text)."""
    data = {"version": response.context["version"]}
    for row in response.context["rows"]:
        data[f"seg-{row.key}"] = changes.get(row.source, row.value)
    return data


def test_rows_are_in_document_order_with_states_diff_literals_and_placeholders(translator):
    article = outdated_article()
    response = translator.get(url(article))
    rows = response.context["rows"]
    sources = [row.source for row in rows]
    assert sources[:4] == ["社区新闻", "一篇摘要。", "介绍", LINK.replace("即可", "就可以了")]
    assert sources.index("步骤") < sources.index("启动系统") < sources.index("社区的力量。")
    states = {row.source: row.state for row in rows}
    assert states["社区新闻"] == "complete" and states["步骤"] == "complete"
    changed = next(row for row in rows if row.source.startswith("欢迎"))
    assert changed.state == "outdated"
    assert changed.translation == "Read the [install guide]({1}), run `dnf install portal`."
    assert "<del>即</del><ins>就</ins>可<ins>以了</ins>" in changed.diff
    assert changed.placeholders == [(1, 'https://example.com/install "指南"')]
    page = response.content.decode()
    assert "echo &quot;代码不翻译&quot;" in page and "原始 HTML 不翻译" in page
    assert 'name="seg-' in page and "代码不翻译" not in " ".join(sources)
    assert 'src="/static/js/admin-translate.js"' in page and "<script>" not in page


def test_missing_segments_and_progress(translator):
    article = zh_article()
    response = translator.get(url(article))
    assert {row.state for row in response.context["rows"]} == {"missing"}
    assert response.context["progress"] == {"done": 0, "total": len(response.context["rows"]), "complete": 0}


def test_save_writes_exactly_the_edited_segments_through_the_import(translator):
    article = outdated_article()
    before = {row.key: row.translation for row in translator.get(url(article)).context["rows"]}
    response = translator.get(url(article))
    versions = Version.objects.get_for_object(article).count()
    data = form_data(response, **{"步骤": "The steps", "社区新闻": "Community news  "})
    response = translator.post(url(article), data)
    assert response.status_code == 302, response.context and response.context["problems"]
    article = Article.objects.get(pk=article.pk)
    assert "## The steps" in article.body_en and "<h2" in article.body_html_en and "The steps" in article.body_html_en
    after = {row.key: row.translation for row in translator.get(url(article)).context["rows"]}
    assert {key for key in after if after[key] != before[key]} == {next(k for k, v in before.items() if v == "Steps")}
    # The outdated paragraph was sent unchanged: it stays outdated, not silently confirmed.
    assert article.outdated_segments == {"en": 1}
    assert Version.objects.get_for_object(article).count() == versions + 1
    assert "segment editor" in Version.objects.get_for_object(article).first().revision.comment


def test_an_outdated_segment_saved_with_a_new_text_becomes_complete(translator):
    article = outdated_article()
    response = translator.get(url(article))
    new = "Read the [install guide]({1}), then run `dnf install portal`."
    response = translator.post(url(article), form_data(response, **{LINK.replace("即可", "就可以了"): new}))
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert "Read the [install guide](https://example.com/install" in article.body_en
    assert article.outdated_segments == {}


def test_an_outdated_segment_ticked_still_correct_is_confirmed_with_its_text(translator):
    article = outdated_article()
    body, versions = article.body_en, Version.objects.get_for_object(article).count()
    response = translator.get(url(article))
    outdated = next(row for row in response.context["rows"] if row.state == "outdated")
    page = response.content.decode()
    assert f'name="confirm" value="{outdated.key}"' in page
    # Only outdated rows offer it.
    assert page.count('name="confirm"') == 1
    data = {**form_data(response), "confirm": [outdated.key]}
    response = translator.post(url(article), data)
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["1 outdated translation confirmed as still correct."]
    article = Article.objects.get(pk=article.pk)
    assert article.outdated_segments == {} and article.body_en == body
    assert next(row for row in translator.get(url(article)).context["rows"] if row.key == outdated.key).state == (
        "complete"
    )
    # The confirmation shows in the article's history like any save in the editor.
    assert Version.objects.get_for_object(article).count() == versions + 1
    assert LogEntry.objects.filter(object_id=str(article.pk), action_flag=CHANGE).exists()


def test_a_refused_save_keeps_the_still_correct_tick(translator):
    article = outdated_article()
    response = translator.get(url(article))
    outdated = next(row for row in response.context["rows"] if row.state == "outdated")
    data = {**form_data(response, **{"步骤": "Steps {9}"}), "confirm": [outdated.key]}
    before = snapshot()
    response = translator.post(url(article), data)
    assert response.status_code == 200 and snapshot() == before
    assert next(row for row in response.context["rows"] if row.key == outdated.key).confirm
    assert f'name="confirm" value="{outdated.key}" checked' in response.content.decode()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Read the install guide, run `dnf install portal`.", "placeholder {1}"),
        ("Read the [install guide](https://elsewhere.example), run `dnf install portal`.", "placeholder {1}"),
        ("Read the [install guide]({1}), run portal.", "inline code"),
    ],
)
def test_bad_input_is_refused_next_to_its_segment_and_nothing_is_written(translator, text, problem):
    article = outdated_article()
    response = translator.get(url(article))
    before = snapshot()
    source = LINK.replace("即可", "就可以了")
    response = translator.post(url(article), form_data(response, **{source: text, "步骤": "The steps"}))
    assert response.status_code == 200
    assert snapshot() == before
    row = next(row for row in response.context["rows"] if row.source == source)
    assert any(problem in reason for reason in row.problems), row.problems
    assert row.value == text
    assert next(row for row in response.context["rows"] if row.source == "步骤").value == "The steps"
    assert problem in response.content.decode()


def test_a_save_based_on_an_older_version_is_refused_and_keeps_the_typed_text(translator, admin_user):
    article = outdated_article()
    response = translator.get(url(article))
    data = form_data(response, **{"步骤": "My steps"})
    other = Article.objects.get(pk=article.pk)
    other.body_en = other.body_en.replace("## Steps", "## Their steps")
    other.save()
    LogEntry.objects.log_actions(admin_user.pk, [other], CHANGE, change_message="edited")
    before = snapshot()
    response = translator.post(url(article), data)
    assert response.status_code == 200
    assert snapshot() == before
    page = response.content.decode()
    assert "admin saved this article at" in page
    row = next(row for row in response.context["rows"] if row.source == "步骤")
    assert row.value == "My steps" and row.saved == "Their steps"
    assert "Their steps" in page and "My steps" in page
    untouched = next(row for row in response.context["rows"] if row.source == "介绍")
    assert untouched.saved is None
    # Saving again from this page (the current version) goes through.
    assert translator.post(url(article), {**data, "version": response.context["version"]}).status_code == 302
    assert "## My steps" in Article.objects.get(pk=article.pk).body_en


def test_translators_may_not_open_the_source_language(translator):
    article = zh_article()
    assert translator.get(url(article, "zh-hans")).status_code == 403
    assert translator.get(url(article, "xx")).status_code == 404
    assert translator.get(url(article)).status_code == 200


def test_viewing_needs_view_saving_needs_change(client):
    article = zh_article()
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    response = client.get(url(article))
    assert response.status_code == 200 and not response.context["can_save"]
    assert client.post(url(article), form_data(response, 步骤="Steps")).status_code == 403
    stranger = User.objects.create_user("stranger", password="x", is_staff=True)
    client.force_login(stranger)
    assert client.get(url(article)).status_code == 403


def test_editor_is_linked_from_the_list_the_change_page_and_the_dashboard(translator):
    article = zh_article()
    link = url(article)
    assert link in translator.get("/admin/news/article/").content.decode()
    assert link in translator.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    dashboard = translator.get("/admin/news/article/translations/").content.decode()
    assert link in dashboard and "/admin/news/article/translate-names/en/" in dashboard


def names_url(language="en"):
    return f"/admin/news/article/translate-names/{language}/"


def test_names_page_lists_every_category_and_tag_and_renames_need_permissions(translator, admin_client):
    factories.article(zh="文章", en="Article", tags=("内核",))
    response = translator.get(names_url())
    keys = [row.key for row in response.context["rows"]]
    assert any(key.startswith("tag:") for key in keys) and any(key.startswith("category:") for key in keys)
    # Translators have no permission to rename categories or tags: they see the page, cannot save.
    assert not response.context["can_save"]
    tag_key = next(key for key in keys if key.startswith("tag:"))
    assert translator.post(names_url(), {f"seg-{tag_key}": "Kernel"}).status_code == 403
    fingerprints = admin_client.get(names_url()).context["fingerprints"]
    response = admin_client.post(names_url(), {f"seg-{tag_key}": "Kernel", "fingerprints": fingerprints})
    assert response.status_code == 302
    assert Tag.objects.get(slug=tag_key.split(":", 1)[1]).label_en == "Kernel"


def test_names_page_refuses_a_rename_without_that_models_permission(client):
    factories.article(zh="文章", en="Article", tags=("内核",))
    user = User.objects.create_user("half", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    user.user_permissions.add(Permission.objects.get(codename="change_category"))
    client.force_login(user)
    response = client.get(names_url())
    tag_key = next(row.key for row in response.context["rows"] if row.key.startswith("tag:"))
    before = snapshot()
    response = client.post(names_url(), {f"seg-{tag_key}": "Kernel", "fingerprints": response.context["fingerprints"]})
    assert response.status_code == 200 and snapshot() == before
    row = next(row for row in response.context["rows"] if row.key == tag_key)
    assert any("you may not" in reason for reason in row.problems)
    assert row.value == "Kernel"


def test_untranslated_segments_list_suggestions_from_the_memory_with_their_placeholders(translator):
    outdated_article()  # its English text is the memory now
    article = zh_article(slug="another")
    response = translator.get(url(article))
    row = next(row for row in response.context["rows"] if row.source == "启动系统")
    assert row.suggestions[0]["text"] == "Boot the system" and row.suggestions[0]["score"] == 100
    linked = next(row for row in response.context["rows"] if row.source == LINK)
    # The memory's text had the real target; the editor offers it as this segment's placeholder.
    assert linked.suggestions[0]["text"] == "Read the [install guide]({1}), run `dnf install portal`."
    # It was made from the paragraph before its edit: the same text as this one's.
    assert linked.suggestions[0]["score"] == 100 and "<del>" not in linked.suggestions[0]["diff"]
    assert 'class="button translate-use"' in response.content.decode()


def test_the_editor_page_makes_no_query_per_segment(translator):
    """The page reads the segments, their records and the memory in a fixed number of queries, however long."""
    short = factories.article(zh="短文", en="", body_zh="一段。\n\n二段。")
    long = factories.article(zh="长文", en="", body_zh="\n\n".join(f"第{n}段。" for n in range(30)))
    translator.get(url(short))
    with CaptureQueriesContext(connection) as few:
        translator.get(url(short))
    with CaptureQueriesContext(connection) as many:
        response = translator.get(url(long))
    assert len(response.context["rows"]) == 31
    assert len(many) == len(few)
