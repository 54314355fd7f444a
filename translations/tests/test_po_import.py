"""PO import: all or nothing, unchanged and untranslated entries, names, the import command."""

import os
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from news.models import Article, Category
from news.tests import factories
from tags.models import Tag
from translations import po_export, po_import, records
from translations import segments as seg
from translations.tests.po_helpers import (
    ENGLISH,
    _english,  # noqa: F401 (autouse fixture)
    corpus_bodies,
    entries,
    fill,
    import_text,
    name_entries,
    outdated_article,
    snapshot,
    zh_article,
)

pytestmark = pytest.mark.django_db


def test_round_trip_export_fill_import_edit_source_fuzzy_translate_again():
    article = zh_article()
    client = Client()

    po = po_export.export_po(language="en", articles=[article])
    report = import_text(fill(po, ENGLISH))
    assert report.ok and report.applied, report.rejected
    assert f"article:{article.pk}:title" in report.updated
    article.refresh_from_db()
    assert article.title_en == "Community news"
    assert "[install guide](https://example.com/install" in article.body_en
    assert 'echo "代码不翻译"' in article.body_en
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
    page = client.get(f"/en/news/{article.slug}/").content.decode()
    assert "Community news" in page and "The strength of the community." in page
    assert 'href="https://example.com/install"' in page

    # The Chinese source changes: the next export marks exactly that entry fuzzy.
    article.body_zh_hans = article.body_zh_hans.replace("社区的力量。", "社区的力量无穷。")
    article.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.OUTDATED, 1)
    po = po_export.export_po(language="en", articles=[article])
    fuzzy = [entry for entry in po if entry.fuzzy]
    assert [(entry.msgid, entry.previous_msgid, entry.msgstr) for entry in fuzzy] == [
        ("社区的力量无穷。", "社区的力量。", "The strength of the community.")
    ]
    assert "#| msgid" in str(po)
    assert entries(po)[f"article:{article.pk}:title"].msgstr == "Community news"

    # Importing the file as it is changes nothing: fuzzy entries never overwrite.
    report = import_text(str(po))
    assert report.updated == [] and fuzzy[0].msgctxt in report.untranslated

    report = import_text(fill(po, {"社区的力量无穷。": "The community is boundless."}))
    assert report.ok and report.updated == [fuzzy[0].msgctxt], report.rejected
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
    assert "The community is boundless." in client.get(f"/en/news/{article.slug}/").content.decode()
    assert not any(entry.fuzzy for entry in po_export.export_po(language="en", articles=[article]))


def test_import_reports_unchanged_and_untranslated_and_dry_run_writes_nothing():
    article = zh_article()
    po = po_export.export_po(language="en", articles=[article])
    text = fill(po, {"社区新闻": "Community news"})
    before = snapshot()
    report = import_text(text, dry_run=True)
    assert report.ok and not report.applied and report.updated == [f"article:{article.pk}:title"]
    assert snapshot() == before
    assert import_text(text).applied
    report = import_text(text)
    assert report.unchanged == [f"article:{article.pk}:title", "category:news"] and report.updated == []
    assert f"article:{article.pk}:summary" in report.untranslated


def test_first_import_without_title_is_rejected():
    article = zh_article()
    po = po_export.export_po(language="en", articles=[article])
    before = snapshot()
    report = import_text(fill(po, {"介绍": "Introduction"}))
    assert not report.ok and "no title in this language" in report.rejected[0].reason
    assert snapshot() == before


def test_category_and_tag_names_are_imported():
    article = zh_article(tags=("内核",))
    tag = Tag.objects.get()
    po = po_export.export_po(language="en", articles=[article])
    report = import_text(fill(po, {"内核": "Kernel", "社区新闻": "Community news"}))
    assert report.ok, report.rejected
    tag.refresh_from_db()
    assert tag.label_en == "Kernel" and tag.label_zh_hans == "内核"


def test_category_and_tag_names_become_outdated_when_the_source_changes_and_current_again():
    category = Category.objects.create(slug="meetups", name_zh_hans="活动")
    article = zh_article(tags=("内核",), category_slug="meetups")
    tag = Tag.objects.get()
    po = po_export.export_po(language="en", articles=[article])
    report = import_text(fill(po, {"内核": "Kernel", "活动": "Events", "社区新闻": "Community news"}))
    assert report.ok and {"tag:" + tag.slug, "category:meetups"} <= set(report.updated), report.rejected
    assert not any(entry.fuzzy for entry in name_entries(article).values())

    tag.refresh_from_db()
    category.refresh_from_db()
    tag.label_zh_hans = "操作系统内核"
    tag.save()
    category.name_zh_hans = "社区活动"
    category.save()
    article = Article.objects.get(pk=article.pk)
    found = name_entries(article)
    assert [(entry.msgid, entry.previous_msgid, entry.msgstr) for entry in found.values() if entry.fuzzy] == [
        ("社区活动", "活动", "Events"),
        ("操作系统内核", "内核", "Kernel"),
    ]
    assert '#| msgid "内核"' in str(po_export.export_po(language="en", articles=[article]))
    outdated = po_export.export_po(language="en", articles=[article], only="outdated")
    assert {entry.msgctxt for entry in outdated} == {"category:meetups", f"tag:{tag.slug}"}

    # Keeping the same translation is a decision too: it clears the flag.
    po = po_export.export_po(language="en", articles=[article])
    report = import_text(fill(po, {"操作系统内核": "OS kernel", "社区活动": "Events"}))
    assert report.ok and f"tag:{tag.slug}" in report.updated, report.rejected
    assert report.confirmed == ["category:meetups"]
    category.refresh_from_db()
    assert category.name_en == "Events" and category.translated_from == {"en": "社区活动"}
    tag.refresh_from_db()
    assert tag.label_en == "OS kernel" and tag.translated_from == {"en": "操作系统内核"}
    assert not any(entry.fuzzy for entry in name_entries(article).values())
    report = import_text(fill(po_export.export_po(language="en", articles=[article]), {"操作系统内核": "OS kernel"}))
    assert f"tag:{tag.slug}" in report.unchanged


def test_names_saved_in_the_admin_or_shell_record_their_source():
    # Both names and no record: the English one counts as made from the current Chinese one.
    category = Category.objects.create(slug="guides", name_zh_hans="指南", name_en="Guide")
    assert category.translated_from == {}
    category.name_en = "Guides"
    category.save()
    assert category.translated_from == {"en": "指南"}
    category.name_zh_hans = "使用指南"
    category.save()
    assert category.translated_from == {"en": "指南"}
    category.refresh_from_db()
    assert category.translated_from == {"en": "指南"}
    fresh = Category.objects.create(slug="talks", name_zh_hans="演讲", name_en="Talks")
    fresh.name_zh_hans = "技术演讲"
    fresh.save()
    assert fresh.translated_from == {"en": "演讲"}

    tag = Tag.objects.create(name="kernel")  # an English tag: Chinese is the translation
    tag.label_zh_hans = "内核"
    tag.save()
    tag.label_en = "Kernel"
    tag.save()
    assert tag.translated_from == {"zh-hans": "kernel"}
    tag.label_zh_hans = ""
    tag.save()
    assert tag.translated_from == {}


def test_a_broken_translation_is_reported_at_its_msgstr_line():
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), ENGLISH).replace(
        "`dnf install portal`.", "dnf."
    )
    line = next(n for n, content in enumerate(text.split("\n"), start=1) if content.startswith('msgstr "Read the'))
    report = import_text(text, name="en.po")
    assert [str(problem) for problem in report.rejected] == [
        f"en.po:{line}: article:{article.pk}:{article.source_segments.get(kind='p', position=3).key}: "
        "inline code `dnf install portal` is missing or changed"
    ]


def test_one_bad_entry_means_nothing_is_applied_from_any_file():
    first, second = zh_article(), factories.article(zh="第二篇", en="")
    good = fill(po_export.export_po(language="en", articles=[first]), ENGLISH)
    bad = fill(
        po_export.export_po(language="en", articles=[second]), {"第二篇": "Second", "第二篇的正文。": "Body [x]({9})"}
    )
    before = snapshot()
    report = po_import.import_po(
        sources=[po_import.PoSource("a.po", good), po_import.PoSource("b.po", bad)], language="en"
    )
    assert not report.ok and report.rejected[0].file == "b.po" and report.rejected[0].line > 1
    assert snapshot() == before


def test_import_refuses_entries_whose_source_changed_since_export():
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), ENGLISH)
    article.title_zh_hans = "社区新闻更新版"
    article.save()
    report = import_text(text)
    assert any("source text changed" in problem.reason for problem in report.rejected)


def test_import_refuses_names_whose_source_changed_since_export():
    article = zh_article(tags=("内核",))
    text = fill(po_export.export_po(language="en", articles=[article]), ENGLISH)
    tag = Tag.objects.get()
    tag.label_zh_hans = "操作系统内核"
    tag.save()
    before = snapshot()
    report = import_text(text)
    assert [problem.reason for problem in report.rejected] == [
        f"tag:{tag.slug}: the source name changed since this file was exported (export again)"
    ]
    assert snapshot() == before


def test_import_command_reports_and_fails_loudly(tmp_path):
    article = zh_article()
    good = tmp_path / "good.po"
    good.write_text(fill(po_export.export_po(language="en", articles=[article]), ENGLISH), encoding="utf-8")
    out = StringIO()
    call_command("import_translations", str(good), "--dry-run", stdout=out)
    assert "12 updated" in out.getvalue() and "dry run" in out.getvalue()
    assert not Article.objects.get(pk=article.pk).title_en
    bad = tmp_path / "bad.po"
    bad.write_text(good.read_text().replace("Language: en", "Language: fr"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_translations", str(bad), stdout=StringIO(), stderr=err)
    assert f"{bad}:1: Language “fr” is not one" in err.getvalue()
    call_command("import_translations", str(good), "--lang", "en", stdout=out)
    assert Article.objects.get(pk=article.pk).title_en == "Community news"


def test_corpus_articles_go_through_a_full_export_and_import(tmp_path):
    articles = [
        factories.article(zh=f"语料{index}", en="", body_zh=text)
        for index, (_path, text) in enumerate(corpus_bodies())
        if "/en/" not in str(_path)
    ]
    po = po_export.export_po(language="en", articles=articles)
    path = tmp_path / "corpus.po"
    po.save(str(path))
    if shutil.which("msgfmt"):
        result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    for entry in po:
        entry.msgstr = f"EN {entry.msgid}"
    report = import_text(str(po))
    assert report.ok, report.rejected[:5]
    assert len(report.updated) == len(po)
    for article in Article.objects.filter(pk__in=[article.pk for article in articles]):
        assert records.translation_state(article, "en") == (records.COMPLETE, 0)
        source = seg.body_segments(article.body_zh_hans)
        translated = seg.body_segments(article.body_en)
        assert [segment.kind for segment in translated] == [segment.kind for segment in source]
        assert all(segment.text.startswith("EN ") for segment in translated)


def test_the_same_entry_in_two_files_is_refused():
    text = fill(po_export.export_po(language="en", articles=[zh_article()]), ENGLISH)
    report = po_import.import_po(
        sources=[po_import.PoSource("a.po", text), po_import.PoSource("b.po", text)], language="en"
    )
    assert not report.ok and "appears twice (also in a.po)" in report.rejected[0].reason


def test_control_characters_in_translations_are_removed_and_the_feed_still_answers(client):
    """As the admin's forms do: a vertical tab pasted from a word processor, an escape, a NUL never get in."""
    article = zh_article(tags=("内核",))
    po = po_export.export_po(language="en", articles=[article])
    dirty = {**ENGLISH, "社区新闻": "Community\x0b news\x00", "一篇摘要。": "A\x1b summary.", "内核": "Ker\x7fnel"}
    report = import_text(fill(po, dirty))
    assert report.ok, report.rejected
    article.refresh_from_db()
    assert (article.title_en, article.summary_en) == ("Community news", "A summary.")
    assert Tag.objects.get().label_en == "Kernel"
    response = client.get("/en/news/rss/")
    assert response.status_code == 200
    assert b"<title>Community news</title>" in response.content


def unflag(po, *, keep=()):
    """A translator clears the fuzzy flag and keeps the msgstr: the old translation is still right."""
    for entry in po:
        if entry.fuzzy and entry.msgid not in keep:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    return str(po)


def test_an_outdated_entry_unflagged_with_its_text_is_confirmed_not_updated():
    article = outdated_article()
    assert article.outdated_segments == {"en": 1}
    po = po_export.export_po(language="en", articles=[article])
    (fuzzy,) = [entry for entry in po if entry.fuzzy]
    body, version = article.body_en, article.version
    before = snapshot()
    dry = import_text(unflag(po_export.export_po(language="en", articles=[article])), dry_run=True)
    assert dry.ok and dry.confirmed == [fuzzy.msgctxt] and snapshot() == before

    report = import_text(unflag(po))
    assert report.ok, report.rejected
    assert report.confirmed == [fuzzy.msgctxt] and report.updated == [] and report.changes == []
    assert "0 updated, 1 confirmed" in report.summary()
    article = Article.objects.get(pk=article.pk)
    # The text stays byte for byte; the translation now counts as made from today's source.
    assert article.body_en == body and article.version == version
    assert article.outdated_segments == {} and records.translation_state(article, "en") == (records.COMPLETE, 0)
    assert not any(entry.fuzzy for entry in po_export.export_po(language="en", articles=[article]))
    again = import_text(unflag(po_export.export_po(language="en", articles=[article])))
    assert again.confirmed == [] and fuzzy.msgctxt in again.unchanged


def test_an_untouched_export_of_an_outdated_article_confirms_nothing():
    article = outdated_article()
    before = snapshot()
    report = import_text(str(po_export.export_po(language="en", articles=[article])))
    assert report.ok and report.confirmed == [] and report.updated == [] and snapshot() == before
    assert Article.objects.get(pk=article.pk).outdated_segments == {"en": 1}


def test_a_file_confirming_one_entry_and_changing_another_does_both():
    article = outdated_article()
    po = po_export.export_po(language="en", articles=[article])
    fill(po, {"步骤": "The steps"})
    report = import_text(unflag(po))
    assert report.ok and len(report.confirmed) == 1 and len(report.updated) == 1, report.rejected
    article = Article.objects.get(pk=article.pk)
    assert "## The steps" in article.body_en and "Read the [install guide]" in article.body_en
    assert article.outdated_segments == {}


def test_confirming_a_name_needs_no_permission_to_rename():
    category = Category.objects.create(slug="meetups", name_zh_hans="活动", name_en="Events")
    category.translated_from = {"en": "活动"}
    category.save()
    category.name_zh_hans = "社区活动"
    category.save()
    po = po_export.new_po_file(language="en")
    for entry in po_export.names_entries(language="en", categories=[category], tags=[]):
        po.append(entry)
    assert po[0].fuzzy
    report = po_import.import_po(
        sources=[po_import.PoSource(name="en.po", text=unflag(po))], language="en", may_rename=frozenset()
    )
    assert report.ok and report.confirmed == ["category:meetups"], report.rejected
    category.refresh_from_db()
    assert category.name_en == "Events" and category.translated_from == {"en": "社区活动"}


def test_a_second_file_fills_what_a_partial_first_one_left_in_the_original():
    article = zh_article()
    first = {source: text for source, text in ENGLISH.items() if source != "启动系统"}
    assert import_text(fill(po_export.export_po(language="en", articles=[article]), first)).ok
    article = Article.objects.get(pk=article.pk)
    assert "- 启动系统" in article.body_en  # left in the original, on the translation's skeleton
    report = import_text(fill(po_export.export_po(language="en", articles=[article]), {"启动系统": "Boot the system"}))
    assert report.ok, [str(problem) for problem in report.rejected]
    body = Article.objects.get(pk=article.pk).body_en
    assert "- Boot the system" in body and "启动系统" not in body
    assert "- Download the image ![screenshot](media/shot.png)" in body  # the rest as it was
