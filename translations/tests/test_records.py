"""The translation state tells the truth: outdated only when the source changed after the translation."""

import pytest
from django.test import Client

from news import importing, saving
from news.models import Article, ArticleImage
from news.tests import factories
from translations import po_export, records
from translations.models import SegmentTranslation
from translations.tests.po_helpers import _english  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

ZH = "# 介绍\n\n第一段。\n\n| 项目 | 值 |\n| --- | --- |\n| CPU | 8 |\n| 作者 | Linus Torvalds |\n"
EN = "# Introduction\n\nFirst paragraph.\n\n| Item | Value |\n| --- | --- |\n| CPU | 8 |\n| Author | Linus Torvalds |\n"


def state(article, language="en"):
    article = Article.objects.get(pk=article.pk)
    return records.translation_state(article, language)


def test_the_recorder_is_registered_once_with_news():
    assert saving.after_article_save.count(records.article_saved) == 1


def test_an_article_written_in_both_languages_at_once_is_complete():
    article = factories.article(zh="标题", en="Title", body_zh=ZH, body_en=EN)
    assert state(article) == (records.COMPLETE, 0)


def test_segments_identical_in_both_languages_count_as_translated():
    article = factories.article(zh="标题", en="Title", body_zh=ZH, body_en=EN)
    cells = SegmentTranslation.objects.filter(segment__article=article, translation__in=["CPU", "Linus Torvalds"])
    assert {row.translation for row in cells} == {"CPU", "Linus Torvalds"}


def test_a_complete_translation_saved_again_in_the_admin_stays_complete(admin_client):
    article = factories.article(zh="标题", en="", body_zh=ZH)
    article = Article.objects.get(pk=article.pk)
    article.title_en, article.body_en = "Title", EN
    article.save()
    assert state(article) == (records.COMPLETE, 0)
    article = Article.objects.get(pk=article.pk)
    article.body_en = EN.replace("First paragraph.", "The first paragraph.")
    article.save()
    assert state(article) == (records.COMPLETE, 0)


def test_changing_the_source_alone_makes_the_translation_outdated_and_the_note_appear():
    article = factories.article(zh="标题", en="Title", body_zh=ZH, body_en=EN)
    article = Article.objects.get(pk=article.pk)
    assert "The original was updated" not in Client().get(article.url_for("en")).content.decode()
    article.body_zh_hans = ZH.replace("第一段。", "第一段，改过了。")
    article.save()
    assert state(article) == (records.OUTDATED, 1)
    assert "The original was updated" in Client().get(article.url_for("en")).content.decode()


def test_changing_source_and_translation_in_one_save_stays_complete():
    article = factories.article(zh="标题", en="Title", body_zh=ZH, body_en=EN)
    article = Article.objects.get(pk=article.pk)
    article.body_zh_hans = ZH.replace("第一段。", "第一段，改过了。")
    article.body_en = EN.replace("First paragraph.", "First paragraph, changed.")
    article.save()
    assert state(article) == (records.COMPLETE, 0)


def test_a_paragraph_added_to_the_source_later_is_outdated():
    article = factories.article(zh="标题", en="Title", body_zh="第一段。", body_en="First.")
    article = Article.objects.get(pk=article.pk)
    article.body_zh_hans = "第一段。\n\n新的一段。"
    article.save()
    assert state(article) == (records.OUTDATED, 1)


def test_a_pair_whose_blocks_do_not_line_up_is_translated_and_tracked_from_there():
    article = factories.article(zh="标题", en="Title", body_zh="第一段。\n\n第二段。", body_en="- One list\n- instead")
    assert state(article) == (records.COMPLETE, 0)
    article = Article.objects.get(pk=article.pk)
    article.body_zh_hans = "第一段。\n\n第二段改了。"
    article.save()
    assert state(article) == (records.OUTDATED, 1)


def test_an_imported_pair_is_not_outdated(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for language, text in (
        ("zh", "---\ntitle: 标题\ndate: 2024-01-02\n---\n" + ZH),
        ("en", "---\ntitle: Title\ndate: 2024-01-02\n---\n" + EN),
    ):
        folder = tmp_path / "docs" / language / "news"
        folder.mkdir(parents=True)
        (folder / "post.md").write_text(text, encoding="utf-8")
    importing.import_paths([tmp_path / "docs"], dry_run=False)
    article = Article.objects.get()
    assert state(article) == (records.COMPLETE, 0)
    assert "The original was updated" not in Client().get(article.url_for("en")).content.decode()


def test_translation_typed_in_the_admin_is_recorded_and_becomes_outdated_when_the_source_changes():
    article = factories.article(zh="标题", en="Title", body_zh="第一段。\n\n第二段。", body_en="One.\n\nTwo.")
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
    article.body_zh_hans = "第一段。\n\n第二段、改过。"
    article.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.OUTDATED, 1)
    po = po_export.export_po(language="en", articles=[article])
    changed = next(entry for entry in po if entry.msgid == "第二段、改过。")
    assert changed.fuzzy and changed.previous_msgid == "第二段。" and changed.msgstr == "Two."
    # The translator updates the English text in the admin: up to date again.
    article.body_en = "One.\n\nTwo, changed."
    article.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)


def test_states_for_missing_and_source_languages():
    article = factories.article(zh="标题", en="")
    assert records.translation_state(article, "en") == (records.MISSING, 0)
    assert records.translation_state(article, "zh-hans") == (records.SOURCE, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_articles_with_images_can_be_deleted(how):
    """Deleting an article takes its images along without recording anything for it on the way."""
    article = factories.article(zh="标题", en="Title")
    ArticleImage.objects.create(article=article, image=factories.png_file("a.png"), alt_zh_hans="图", alt_en="pic")
    if how == "instance":
        article.delete()
    else:
        Article.objects.filter(pk=article.pk).delete()
    assert not Article.objects.exists() and not SegmentTranslation.objects.exists()
