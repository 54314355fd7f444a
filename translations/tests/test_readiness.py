"""A PO file that leaves nothing untranslated publishes its language (translations.readiness)."""

import pytest
from django.test import Client

from news.content import LanguageState
from translations import po_export, readiness
from translations.tests.po_helpers import ENGLISH, fill, import_text, zh_article

pytestmark = pytest.mark.django_db


def english(article) -> str:
    return Client().get(f"/en/news/{article.slug}/").content.decode()


def test_a_partly_translated_file_leaves_the_language_in_progress():
    article = zh_article()
    partial = {msgid: text for msgid, text in ENGLISH.items() if msgid != "社区的力量。"}
    report = import_text(fill(po_export.export_po(language="en", articles=[article]), partial))
    assert report.ok and report.applied, report.rejected
    article.refresh_from_db()
    assert article.title_en == "Community news"
    assert article.language_state("en") == LanguageState.IN_PROGRESS
    assert "Community news" not in english(article)


def test_a_complete_file_marks_the_language_ready():
    article = zh_article()
    report = import_text(fill(po_export.export_po(language="en", articles=[article]), ENGLISH))
    assert report.ok and report.applied, report.rejected
    article.refresh_from_db()
    assert article.language_state("en") == LanguageState.READY and article.language_states == {}
    assert "The strength of the community." in english(article)


def test_the_missing_entry_completes_it_later():
    article = zh_article()
    partial = {msgid: text for msgid, text in ENGLISH.items() if msgid != "一篇摘要。"}
    import_text(fill(po_export.export_po(language="en", articles=[article]), partial))
    article.refresh_from_db()
    assert not article.is_ready("en")
    report = import_text(fill(po_export.export_po(language="en", articles=[article]), {"一篇摘要。": "A summary."}))
    assert report.ok, report.rejected
    article.refresh_from_db()
    assert article.is_ready("en") and "A summary." in english(article)


def test_mark_ready_if_complete_refuses_an_unfinished_translation():
    article = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[article]), {"社区新闻": "Community news"}))
    article.refresh_from_db()
    segments = list(article.source_segments.all())
    assert readiness.untranslated(article, "en", segments)
    assert not readiness.mark_ready_if_complete(article, "en", segments=segments)
    assert readiness.mark_ready(article, "en")
    article.refresh_from_db()
    assert article.is_ready("en")
