import polib
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from news.models import Article
from news.tests import factories
from news.tests.pages import Page
from translations import po_export

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/news/article/"


@pytest.fixture
def translator(client):
    user = User.objects.create_user("translator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    return client


@pytest.fixture
def articles():
    """One article of each state for English, and one written in English."""
    complete = factories.article(zh="完整", en="Complete", body_zh="一段。", body_en="One paragraph.")
    outdated = factories.article(zh="过时", en="Outdated", body_zh="一段。\n\n二段。", body_en="One.\n\nTwo.")
    outdated.body_zh_hans = "一段、改了。\n\n二段、也改了。"
    outdated.save()
    missing = factories.article(zh="缺失", en="")
    english = factories.article(zh="", en="English original")
    return {"complete": complete, "outdated": outdated, "missing": missing, "english": english}


def titles(response):
    return {str(article) for article in response.context["cl"].result_list}


def test_list_shows_each_state_and_filters_by_it(translator, articles):
    response = translator.get(CHANGELIST)
    page = response.content.decode()
    assert "English: complete" in page and "English: outdated (2 segments)" in page and "English: missing" in page
    assert "Chinese: missing" in page
    assert titles(translator.get(CHANGELIST, {"translation": "en:outdated"})) == {"过时"}
    assert titles(translator.get(CHANGELIST, {"translation": "en:missing"})) == {"缺失"}
    assert titles(translator.get(CHANGELIST, {"translation": "en:complete"})) == {"完整"}
    assert titles(translator.get(CHANGELIST, {"translation": "zh-hans:missing"})) == {"English original"}


def test_list_page_makes_no_query_per_row(admin_client, articles):
    """The state column reads stored counts: more rows, same number of queries."""
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    for n in range(5):
        factories.article(zh=f"更多{n}", en=f"More {n}", tags=("标签",))
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 9
    assert len(many) == len(few)


def test_change_page_shows_the_state_with_a_download_link(translator, articles):
    article = articles["outdated"]
    page = translator.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert "outdated (2 segments)" in page
    link = f"{CHANGELIST}{article.pk}/translations/en.po"
    assert link in page
    po = polib.pofile(translator.get(link).content.decode())
    assert sum(1 for entry in po if entry.fuzzy) == 2


def test_translator_downloads_the_po_of_selected_articles(translator, articles):
    selected = [articles["missing"].pk, articles["complete"].pk]
    response = translator.post(CHANGELIST, {"action": "download_po_en", "_selected_action": selected, "index": 0})
    assert response["Content-Disposition"] == 'attachment; filename="articles-en.po"'
    po = polib.pofile(response.content.decode())
    assert po.metadata["Language"] == "en"
    assert {entry.msgid for entry in po if entry.msgctxt.endswith(":title")} == {"缺失", "完整"}


def test_downloading_articles_into_their_own_language_explains_instead_of_an_empty_file(translator, articles):
    selected = [articles["complete"].pk, articles["missing"].pk]
    response = translator.post(
        CHANGELIST, {"action": "download_po_zh_hans", "_selected_action": selected, "index": 0}, follow=True
    )
    assert "Content-Disposition" not in response
    assert "Nothing to translate into Chinese: the selected articles are written in it." in response.content.decode()
    link = f"{CHANGELIST}{articles['complete'].pk}/translations/zh-hans.po"
    assert translator.get(link).status_code == 302


def test_translator_is_offered_download_and_upload_but_not_delete(translator, articles):
    response = translator.get(CHANGELIST)
    actions = [choice for choice, _label in response.context["action_form"].fields["action"].choices]
    assert "download_po_en" in actions and "upload_po" in actions and "delete_selected" not in actions
    page = response.content.decode()
    assert f'href="{CHANGELIST}translations/"' in page and f'href="{CHANGELIST}translations/upload/"' in page


def upload(client, text, *, name="en.po"):
    return client.post(
        f"{CHANGELIST}translations/upload/",
        {"file": SimpleUploadedFile(name, text.encode(), "text/x-gettext-translation")},
    )


def apply(client):
    """Apply the file previewed last: one click, nothing sent again but the staged upload's token."""
    token = client.session["translations_po_upload"]["token"]
    return client.post(f"{CHANGELIST}translations/upload/", {"apply": token})


def translated(article, translations, *, language="en"):
    po = po_export.export_po(language=language, articles=[article])
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.previous_msgid = None
    return str(po)


def test_the_upload_form_asks_no_language_the_header_says_it(translator, articles):
    form = translator.get(f"{CHANGELIST}translations/upload/").context["form"]
    assert list(form.fields) == ["file"]
    english = factories.article(zh="", en="English original 2", body_en="A paragraph.")
    text = translated(english, {"English original 2": "英文原文二", "A paragraph.": "一段。"}, language="zh-hans")
    response = upload(translator, text, name="zh.po")
    assert "A translation into Chinese, as the file's header says." in response.content.decode()
    assert apply(translator).status_code == 302
    english.refresh_from_db()
    assert english.title_zh_hans == "英文原文二" and english.body_zh_hans.strip() == "一段。"


def test_a_file_larger_than_the_form_data_limit_is_kept_on_the_server_and_applied(translator, articles, settings):
    """Nothing travels back with the apply click, so Django's form-data cap does not limit the file."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4_000
    article = articles["missing"]
    text = translated(article, {"缺失": "Missing no more"}) + "\n# " + "注释" * 3_000 + "\n"
    response = upload(translator, text)
    assert response.context["can_apply"]
    assert apply(translator).status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "Missing no more"


def test_upload_previews_each_change_as_text_then_applies_it(translator, articles):
    article = articles["outdated"]
    text = translated(article, {"一段、改了。": "One, changed.", "过时": "Outdated no more"})
    response = upload(translator, text)
    page = response.content.decode()
    assert "Preview: nothing has been changed yet" in page and "2 entries updated" in page
    assert "<del>One.</del>" in page and "<ins>One, changed.</ins>" in page
    assert "<del>Outdated</del>" in page and "<ins>Outdated no more</ins>" in page
    assert f"article:{article.pk}:" not in page
    assert Article.objects.get(pk=article.pk).title_en == "Outdated"
    assert apply(translator).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Outdated no more" and article.body_en == "One, changed.\n\nTwo."
    assert article.status == Article.Status.PUBLISHED and article.title_zh_hans == "过时"


def test_the_preview_shows_each_articles_page_as_it_will_read(translator, articles):
    article = articles["outdated"]
    text = translated(article, {"一段、改了。": "**One**, changed.", "过时": "Outdated no more"})
    page = Page(upload(translator, text).content)
    (preview,) = page.find_all("details", class_="translation-page")
    assert "How the page of" in preview.children[1].text
    (body,) = [node for node in preview.iter() if node.attrs.get("class") == "translation-page-body"]
    assert body.lang == "en" and [node.text for node in body.iter() if node.tag == "h1"] == ["Outdated no more"]
    assert [node.text for node in body.iter() if node.tag == "strong"] == ["One"]  # rendered, as the page will show
    assert Article.objects.get(pk=article.pk).body_html_en.count("<strong>") == 0  # nothing applied yet


def test_applying_twice_needs_a_new_upload(translator, articles):
    upload(translator, translated(articles["missing"], {"缺失": "Missing no more"}))
    token = translator.session["translations_po_upload"]["token"]
    assert apply(translator).status_code == 302
    response = translator.post(f"{CHANGELIST}translations/upload/", {"apply": token})
    assert response.status_code == 302 and response["Location"].endswith("/translations/upload/")


def test_an_applied_upload_shows_in_the_history_of_each_object_it_changed(admin_client, articles):
    changed, untouched = articles["missing"], articles["complete"]
    changed.tags.add("内核")
    tag = changed.tags.get()
    text = translated(changed, {"缺失": "Missing no more", "内核": "Kernel"})
    page = upload(admin_client, text, name="batch-3.po").content.decode()
    assert "Renamed on every page of the site" in page
    assert apply(admin_client).status_code == 302
    message = "Translation into English imported from batch-3.po."
    assert message in admin_client.get(f"{CHANGELIST}{changed.pk}/history/").content.decode()
    assert "imported from" not in admin_client.get(f"{CHANGELIST}{untouched.pk}/history/").content.decode()
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(tag), object_id=str(tag.pk), change_message=message
    ).exists()
    tag.refresh_from_db()
    assert tag.label_en == "Kernel"


def test_renaming_a_tag_needs_the_permission_to_change_tags(translator, articles):
    article = articles["missing"]
    article.tags.add("内核")
    text = translated(article, {"缺失": "Missing no more", "内核": "Kernel"})
    page = upload(translator, text).content.decode()
    assert "The file was refused" in page
    assert "renaming a category or tag changes every page that shows it; you may not" in page
    assert not upload(translator, text).context["can_apply"]
    assert Article.objects.get(pk=article.pk).title_en == ""


def test_upload_shows_problems_and_offers_no_apply(translator, articles):
    text = translated(articles["missing"], {"缺失": "Missing"}).replace("Language: en", "Language: fr")
    response = upload(translator, text)
    page = response.content.decode()
    assert "The file was refused" in page and "en.po:1: Language" in page
    assert not response.context["can_apply"]
    assert 'name="apply"' not in page


def test_upload_cannot_change_the_source_language_text(translator, articles):
    article = articles["missing"]
    po = po_export.new_po_file(language="zh-hans")
    po.append(polib.POEntry(msgctxt=f"article:{article.pk}:title", msgid="缺失", msgstr="改掉原文"))
    response = upload(translator, str(po))
    assert "its source text is not imported" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_zh_hans == "缺失"


def test_upload_needs_the_change_permission(client, articles):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(f"{CHANGELIST}translations/upload/").status_code == 403


def test_dashboard_counts_states_and_links_to_the_lists(translator, articles):
    response = translator.get(f"{CHANGELIST}translations/")
    english = next(language for language in response.context["languages"] if language["name"] == "English")
    counts = {str(state["label"]): state["count"] for state in english["states"]}
    assert counts == {"complete": 1, "missing": 1, "outdated": 1}
    outdated = next(state for state in english["states"] if str(state["label"]) == "outdated")
    assert titles(translator.get(outdated["url"])) == {"过时"}
    assert "Upload translations" in response.content.decode()


def test_upload_action_leads_to_the_upload_page(translator, articles):
    response = translator.post(
        CHANGELIST, {"action": "upload_po", "_selected_action": [articles["missing"].pk], "index": 0}
    )
    assert response.status_code == 302 and response["Location"].endswith("/translations/upload/")


def test_translator_still_cannot_delete_or_publish(translator, articles):
    draft = factories.article(zh="草稿", en="", status=Article.Status.DRAFT)
    translator.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"})
    assert Article.objects.filter(pk=draft.pk).exists()
    form = translator.get(f"{CHANGELIST}{draft.pk}/change/").context["adminform"].form
    assert "status" not in form.fields and "title_zh_hans" not in form.fields and "title_en" in form.fields


def test_dashboard_counts_in_one_query_however_many_articles(admin_client, articles):
    """One aggregate for every language and state: the page's cost does not grow with the content."""
    with CaptureQueriesContext(connection) as few:
        admin_client.get(f"{CHANGELIST}translations/")
    for n in range(5):
        factories.article(zh=f"更多{n}", en="")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(f"{CHANGELIST}translations/")
    english = next(language for language in response.context["languages"] if language["name"] == "English")
    assert {str(state["label"]): state["count"] for state in english["states"]}["missing"] == 6
    assert len(many) == len(few)


def test_upload_problems_are_in_the_translators_language(translator, articles):
    text = translated(articles["missing"], {"缺失": "Missing"}).replace("Language: en", "Language: fr")
    with translation.override("en"):  # the request activates Chinese in this thread
        response = translator.post(
            f"{CHANGELIST}translations/upload/",
            {"file": SimpleUploadedFile("en.po", text.encode())},
            HTTP_ACCEPT_LANGUAGE="zh-CN",
        )
    page = response.content.decode()
    assert "文件被拒绝" in page and "en.po:1: 语言“fr”不是本站的语言" in page


def test_dashboard_downloads_every_article_in_a_state(translator, articles):
    response = translator.get(f"{CHANGELIST}translations/")
    english = next(language for language in response.context["languages"] if language["name"] == "English")
    outdated = next(state for state in english["states"] if str(state["label"]) == "outdated")
    assert outdated["download"] in response.content.decode()
    po = polib.pofile(translator.get(outdated["download"]).content.decode())
    assert {entry.msgid for entry in po if entry.msgctxt.endswith(":title")} == {"过时"}
    assert [entry.previous_msgid for entry in po if entry.fuzzy] == ["一段。", "二段。"]
    assert translator.get(f"{CHANGELIST}translations/en/nonsense.po").status_code == 403


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_downloading_a_po_file_by_get_writes_nothing(translator, articles):
    """Every save keeps the segments; a download only reads them, even for an article a bulk path wrote."""
    bulk = Article.objects.bulk_create(
        [
            Article(
                title_zh_hans="批量写入", body_zh_hans="批量正文。", slug="bulk", category=articles["missing"].category
            )
        ]
    )[0]
    for article in (articles["outdated"], bulk):
        with CaptureQueriesContext(connection) as queries:
            response = translator.get(f"{CHANGELIST}{article.pk}/translations/en.po")
        assert response.status_code == 200
        assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        msgids = [entry.msgid for entry in polib.pofile(response.content.decode())]
        assert article.title_zh_hans in msgids
    assert not bulk.source_segments.exists()


def test_the_preview_counts_confirmed_entries_apart_and_applying_them_makes_the_article_current(translator, articles):
    outdated = articles["outdated"]
    text = translated(outdated, {"一段、改了。": "One.", "二段、也改了。": "Two."})
    with translation.override("en"):
        response = upload(translator, text)
    page = response.content.decode()
    assert "2 outdated entries confirmed as still correct" in page and "0 entries updated" in page
    assert response.context["can_apply"]
    with translation.override("en"):
        response = apply(translator)
    assert response.status_code == 302
    outdated = Article.objects.get(pk=outdated.pk)
    assert outdated.outdated_segments == {} and outdated.body_en == "One.\n\nTwo."
    assert LogEntry.objects.filter(object_id=str(outdated.pk)).exists()
