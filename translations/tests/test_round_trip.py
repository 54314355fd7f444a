"""Export → import with no edits changes nothing; export → edit one entry → import changes exactly that.

Over the demo content, the shared openEuler corpus (skipped when absent) and
generated documents.
"""

import os
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from news.models import Article
from translations import languages, po_export, po_import, records
from translations.checks import PoSource

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    fields = [
        languages.field(name, code) for name in ("title", "summary", "body", "banner_alt") for code in languages.codes()
    ]
    return {row["pk"]: row for row in Article.objects.values("pk", *fields)}


def round_trip(language: str, *, edit=None) -> tuple[po_import.ImportReport, dict, dict]:
    articles = po_export.select_articles(language=language)
    po = po_export.export_po(language=language, articles=articles)
    if edit:
        edit(po)
    before = snapshot()
    report = po_import.import_po(sources=[PoSource(name=f"{language}.po", text=str(po))])
    return report, before, snapshot()


def assert_no_op():
    for code in languages.codes():
        report, before, after = round_trip(code)
        assert report.rejected == [], [str(problem) for problem in report.rejected[:5]]
        assert report.updated == []
        assert before == after


def edit_first_translated_body_entry(po: polib.POFile) -> str:
    for entry in po:
        if ":body-" in entry.msgctxt and entry.msgstr and not entry.fuzzy and "{" not in entry.msgid:
            entry.msgstr = entry.msgstr + " EDITED"
            return entry.msgctxt
    pytest.skip("no translated body entry to edit")


def test_demo_round_trip_is_a_no_op_and_one_edit_changes_one_thing():
    call_command("load_demo", verbosity=0)
    assert_no_op()
    assert_one_edit_changes_one_thing()


def assert_one_edit_changes_one_thing():
    target = languages.others(languages.default().code)[0]
    edited = []
    report, before, after = round_trip(target, edit=lambda po: edited.append(edit_first_translated_body_entry(po)))
    assert report.rejected == []
    assert report.updated == edited
    changed = [pk for pk in before if before[pk] != after[pk]]
    assert len(changed) == 1
    body = languages.field("body", target)
    old, new = before[changed[0]][body], after[changed[0]][body]
    assert new != old and new.replace(" EDITED", "", 1) == old


def test_demo_pairs_are_not_outdated():
    call_command("load_demo", verbosity=0)
    for article in Article.objects.all():
        for code in records.target_languages(article):
            assert records.translation_state(article, code)[0] != records.OUTDATED, article.slug


def corpus_root() -> Path:
    shared = Path(os.environ.get("PORTAL_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
    return shared / "corpus" / "openeuler"


@pytest.mark.skipif(not corpus_root().is_dir(), reason="the shared corpus is not here")
def test_corpus_round_trip_is_a_no_op(tmp_path, settings):
    from news import importing

    settings.MEDIA_ROOT = str(tmp_path)
    importing.import_paths([corpus_root()], dry_run=False)
    assert Article.objects.exists()
    assert_no_op()
    assert_one_edit_changes_one_thing()
    for article in Article.objects.all():
        for code in records.target_languages(article):
            assert records.translation_state(article, code)[0] != records.OUTDATED, article.slug
