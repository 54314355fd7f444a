"""PO export: entries, headers, comments, fuzzy entries, the export command."""

import shutil
import subprocess
from io import StringIO

import polib
import pytest
from django.core.management import CommandError, call_command

from news.models import Article, ArticleImage
from news.tests import factories
from tags.models import Tag
from translations import po_export
from translations.models import SegmentTranslation
from translations.tests.po_helpers import (
    _english,  # noqa: F401 (autouse fixture)
    entries,
    fill,
    import_text,
    zh_article,
)

pytestmark = pytest.mark.django_db


def test_export_offers_every_piece_with_header_context_and_comment():
    article = zh_article(tags=("内核",))
    ArticleImage.objects.create(article=article, image=factories.png_file("shot.png"), alt_zh_hans="截图说明")
    article.refresh_from_db()
    po = po_export.export_po(language="en", articles=[article], base_url="https://portal.example")
    assert po.metadata["Language"] == "en"
    assert po.metadata["Project-Id-Version"] == po_export.PROJECT_ID
    assert po.metadata["Plural-Forms"].startswith("nplurals=2")
    found = entries(po)
    assert found[f"article:{article.pk}:title"].msgid == "社区新闻"
    assert found[f"article:{article.pk}:summary"].msgid == "一篇摘要。"
    image = article.images.get()
    assert found[f"article:{article.pk}:image-{image.pk}-alt"].msgid == "截图说明"
    assert found["category:news"].msgid == "新闻" and found["category:news"].msgstr == "News"
    assert found[f"tag:{Tag.objects.get().slug}"].msgid == "内核"
    msgids = [entry.msgid for entry in po]
    assert "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。" in msgids
    assert not any("代码不翻译" in msgid or "原始 HTML" in msgid for msgid in msgids)
    title = found[f"article:{article.pk}:title"]
    assert "社区新闻" in title.comment and f"https://portal.example/en/news/{article.slug}/" in title.comment


def test_export_skips_articles_written_in_the_target_language():
    factories.article(zh="", en="English only")
    assert [
        entry.msgctxt for entry in po_export.export_po(language="en", articles=po_export.select_articles(language="en"))
    ] == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
def test_export_passes_msgfmt_check_and_loads_in_polib(tmp_path):
    article = zh_article(tags=("内核",))
    path = tmp_path / "en.po"
    po_export.export_po(language="zh-hans", articles=[factories.article(zh="", en="Hello", body_en="Say *hi*.")]).save(
        str(tmp_path / "zh.po")
    )
    po_export.export_po(language="en", articles=[article]).save(str(path))
    for po_path in (path, tmp_path / "zh.po"):
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert len(polib.pofile(str(po_path))) > 0


def test_export_command_filters_by_article_category_and_only(tmp_path):
    first = zh_article()
    factories.article(zh="另一篇", en="", category_slug="blog")
    out = tmp_path / "one.po"
    call_command("export_translations", "--lang", "en", "-o", str(out), "--article", first.slug, stdout=StringIO())
    assert {entry.msgctxt.split(":")[1] for entry in polib.pofile(str(out)) if entry.msgctxt.startswith("article")} == {
        str(first.pk)
    }
    call_command("export_translations", "--lang", "en", "-o", str(out), "--category", "blog", stdout=StringIO())
    assert [entry.msgid for entry in polib.pofile(str(out)) if entry.msgctxt.endswith(":title")] == ["另一篇"]
    call_command("export_translations", "--lang", "en", "-o", str(out), "--only", "outdated", stdout=StringIO())
    assert len(polib.pofile(str(out))) == 0
    with pytest.raises(CommandError, match="no article with slug nope"):
        call_command("export_translations", "--lang", "en", "-o", str(out), "--article", "nope")


def test_only_missing_offers_entries_without_a_translation():
    article = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[article]), {"社区新闻": "Community news"}))
    article.refresh_from_db()
    missing = po_export.export_po(language="en", articles=[article], only="missing")
    assert "社区新闻" not in [entry.msgid for entry in missing]
    assert "一篇摘要。" in [entry.msgid for entry in missing]
    assert all(not entry.msgstr for entry in missing)


@pytest.mark.parametrize(
    ("header", "language"),
    [("zh_Hans", "zh-hans"), ("zh_CN", "zh-hans"), ("zh-Hans", "zh-hans"), ("en", "en"), ("en_US", "en")],
)
def test_language_headers_that_po_editors_write_are_understood(header, language):
    assert po_export.language_from_header(header) == language


@pytest.mark.parametrize("header", ["zh_TW", "zh_Hant", "fr", ""])
def test_other_languages_are_not_taken_for_ours(header):
    assert po_export.language_from_header(header) is None


def test_export_brings_articles_saved_without_bookkeeping_up_to_date():
    article = factories.article(zh="标题", en="Title", body_zh="一段。", body_en="One.")
    SegmentTranslation.objects.all().delete()
    article.source_segments.all().delete()
    Article.objects.filter(pk=article.pk).update(body_zh_hans="一段改了。", outdated_segments={})
    article.refresh_from_db()
    po = po_export.export_po(language="en", articles=[article])
    # Translations seen for the first time count as made from the source as it is now.
    assert not any(entry.fuzzy for entry in po)
    assert {entry.msgid: entry.msgstr for entry in po}["一段改了。"] == "One."
    assert SegmentTranslation.objects.filter(segment__article=article).count() == 2
