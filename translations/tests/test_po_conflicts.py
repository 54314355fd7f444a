"""A PO file exported before somebody else changed a translation does not undo their change."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User

from news.models import Article
from translations import po_export
from translations.tests.po_helpers import (
    ENGLISH,
    _english,  # noqa: F401 (autouse fixture)
    fill,
    import_text,
    snapshot,
    zh_article,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[article]), ENGLISH))
    return Article.objects.get(pk=article.pk)


def someone_translates(article, old, new):
    """Another translator changes one translation after the export, and the admin's log says who."""
    user = User.objects.create_user("lin", first_name="Lin", last_name="Wei")
    article = Article.objects.get(pk=article.pk)
    article.body_en = article.body_en.replace(old, new)
    article.save()
    LogEntry.objects.log_actions(user.pk, [article], CHANGE, change_message="translated")


def export(article):
    return po_export.export_po(language="en", articles=[Article.objects.get(pk=article.pk)])


def test_export_records_its_time():
    po = po_export.export_po(language="en", articles=[zh_article()])
    assert po.metadata["X-Exported-At"]


def test_an_entry_changed_since_the_export_is_refused_with_who_and_where(article):
    po = export(article)
    someone_translates(article, "Boot the system", "Start the system")
    text = fill(po, {"启动系统": "Power on the system", "步骤": "The steps"})
    before = snapshot()
    report = import_text(text, name="old.po")
    assert snapshot() == before and not report.applied
    [problem] = report.rejected
    line = text.split("\n").index('msgstr "Power on the system"') + 1
    assert (problem.file, problem.line) == ("old.po", line)
    assert "changed by Lin Wei at" in problem.reason and "since this file was exported" in problem.reason


def test_an_entry_the_file_leaves_as_it_was_exported_is_no_conflict_when_it_agrees(article):
    po = export(article)
    someone_translates(article, "Boot the system", "Start the system")
    # The file brings the same text the other translator wrote: nothing is lost.
    report = import_text(fill(po, {"启动系统": "Start the system", "步骤": "The steps"}))
    assert report.applied, report.rejected
    assert "## The steps" in Article.objects.get(pk=article.pk).body_en


def test_an_entry_not_changed_since_the_export_is_applied(article):
    po = export(article)
    someone_translates(article, "Boot the system", "Start the system")
    report = import_text(fill(po, {"步骤": "The steps"}).replace('msgstr "Boot the system"', 'msgstr ""'))
    assert report.applied, report.rejected
    body = Article.objects.get(pk=article.pk).body_en
    assert "## The steps" in body and "Start the system" in body


def test_files_without_the_header_keep_todays_behaviour(article):
    po = export(article)
    del po.metadata["X-Exported-At"]
    someone_translates(article, "Boot the system", "Start the system")
    report = import_text(fill(po, {"启动系统": "Power on the system"}))
    assert report.applied, report.rejected
    assert "Power on the system" in Article.objects.get(pk=article.pk).body_en


def test_a_header_that_is_not_a_time_is_refused(article):
    po = export(article)
    po.metadata["X-Exported-At"] = "yesterday"
    report = import_text(fill(po, {"启动系统": "Power on the system"}))
    assert not report.applied
    assert any("X-Exported-At “yesterday” is not a time" in problem.reason for problem in report.rejected)
