import os
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from news import markdown
from news.models import Article, ArticleImage, Category
from news.tests import factories
from tags.models import Tag
from translations import placeholders, po_export, po_import, records
from translations import segments as seg
from translations.models import SegmentTranslation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Problems are translated; these tests read them in English, whatever a page before activated."""
    with translation.override("en"):
        yield


BODY_ZH = """# 介绍

欢迎阅读[安装指南](https://example.com/install "指南")、运行 `dnf install portal` 即可。

## 步骤

- 下载镜像 ![截图](media/shot.png)
- 启动系统

| 名称 | 说明 |
| --- | --- |
| 内核 | 稳定版本 |

> 社区的力量。

```bash
echo "代码不翻译"
```

<div class="note">原始 HTML 不翻译</div>
"""


def zh_article(**fields):
    return factories.article(zh="社区新闻", en="", body_zh=BODY_ZH, summary_zh_hans="一篇摘要。", **fields)


def entries(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {entry.msgctxt: entry for entry in po}


def fill(po: polib.POFile, translations: dict[str, str]) -> str:
    """Translate entries by their msgid, as a translator would, and return the file text."""
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
    return str(po)


ENGLISH = {
    "社区新闻": "Community news",
    "一篇摘要。": "A summary.",
    "介绍": "Introduction",
    "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。": (
        "Read the [install guide]({1}), run `dnf install portal`."
    ),
    "步骤": "Steps",
    "下载镜像 ![截图]({1})": "Download the image ![screenshot]({1})",
    "启动系统": "Boot the system",
    "名称": "Name",
    "说明": "Notes",
    "内核": "Kernel",
    "稳定版本": "Stable release",
    "社区的力量。": "The strength of the community.",
}


def import_text(text: str, *, dry_run: bool = False, name: str = "en.po") -> po_import.ImportReport:
    return po_import.import_po(sources=[po_import.PoSource(name=name, text=text)], language="en", dry_run=dry_run)


def snapshot():
    """Everything an import may write, to compare before and after."""
    return (
        list(Article.objects.order_by("pk").values()),
        list(SegmentTranslation.objects.order_by("pk").values("segment_id", "language", "translated_from")),
        list(Category.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
    )


# Segments and placeholders ---------------------------------------------------------------


def test_body_is_split_into_segments_without_code_or_html():
    segments = seg.body_segments(BODY_ZH)
    assert [(segment.kind, segment.text) for segment in segments] == [
        ("h1", "介绍"),
        ("p", '欢迎阅读[安装指南](https://example.com/install "指南")、运行 `dnf install portal` 即可。'),
        ("h2", "步骤"),
        ("li", "下载镜像 ![截图](media/shot.png)"),
        ("li", "启动系统"),
        ("th", "名称"),
        ("th", "说明"),
        ("td", "内核"),
        ("td", "稳定版本"),
        ("p", "社区的力量。"),
    ]


def test_joining_with_translations_keeps_the_markdown_skeleton():
    pieces = seg.split_markdown(BODY_ZH)
    joined = seg.join_markdown(pieces, lambda index, segment: f"S{index}")
    assert joined.startswith("# S0\n\nS1\n\n## S2\n\n- S3\n- S4\n\n| S5 | S6 |\n| --- | --- |\n| S7 | S8 |\n\n> S9\n")
    assert 'echo "代码不翻译"' in joined and '<div class="note">原始 HTML 不翻译</div>' in joined
    assert [segment.kind for segment in seg.body_segments(joined)] == [s.kind for s in seg.body_segments(BODY_ZH)]


def test_multiline_list_items_keep_their_indentation():
    pieces = seg.split_markdown("- 第一行\n  第二行\n    - 嵌套\n")
    joined = seg.join_markdown(pieces, lambda index, segment: segment.text.replace("第", "No."))
    assert joined == "- No.一行\n  No.二行\n    - 嵌套\n"


NESTED = """Setext 标题
===

> 引用里的列表
>
> - 第一项
> - 第二项
>
> > 嵌套引用

1. 第一步

    步骤的补充说明、缩进在列表里。

2. 第二步

        代码块、缩进八格

    缩进代码

<!-- 注释不翻译 -->

| 命令 | 说明 |
| --- | --- |
| `a \\| b` | 管道 \\| 符号 |

文字[^n]和<span class="x">内联 HTML</span>。

[^n]: 脚注内容

[ref]: https://example.com/ref

参见[引用链接][ref]。
"""


def test_nested_blocks_code_in_lists_comments_and_references():
    assert [(segment.kind, segment.text) for segment in seg.body_segments(NESTED)] == [
        ("h1", "Setext 标题"),
        ("p", "引用里的列表"),
        ("li", "第一项"),
        ("li", "第二项"),
        ("p", "嵌套引用"),
        ("li", "第一步"),
        ("p", "步骤的补充说明、缩进在列表里。"),
        ("li", "第二步"),
        ("p", "缩进代码"),
        ("th", "命令"),
        ("th", "说明"),
        ("td", "管道 \\| 符号"),
        ("p", '文字[^n]和<span class="x">内联 HTML</span>。'),
        ("footnote", "脚注内容"),
        ("p", "参见[引用链接][ref]。"),
    ]
    joined = seg.join_markdown(seg.split_markdown(NESTED), lambda index, segment: segment.text)
    assert same_html(markdown.render(joined).html) == same_html(markdown.render(NESTED).html)
    assert placeholders.protect("参见[引用链接][ref]、文字[^n]").text == "参见[引用链接][{1}]、文字{2}"


def test_links_images_urls_and_inline_html_become_placeholders():
    protected = placeholders.protect('见[文档](https://e.org/a "t")、![图](a.png)、<br>、https://x.org/b 和 `[c](d)`')
    assert protected.text == "见[文档]({1})、![图]({2})、{3}、{4} 和 `[c](d)`"
    assert placeholders.restore("See [doc]({1}), ![pic]({2}), {3}, {4} and `[c](d)`", protected.placeholders) == (
        'See [doc](https://e.org/a "t"), ![pic](a.png), <br>, https://x.org/b and `[c](d)`'
    )


@pytest.mark.parametrize(
    ("translation", "reason"),
    [
        ("See [doc]({2})", "{2} is not a placeholder"),
        ("See doc", "placeholder {1} (https://e.org/a) is missing"),
        ("See [doc]({1}) [again]({1})", "appears 2 times"),
        ("See [doc](https://evil.example/)", "is missing"),
        ("See [doc]({1}) and `code`", "inline code `code` is not in the source"),
        ("See [doc]({1})\n# heading", "Markdown marker"),
        ("See [doc]({1})\n\nmore", "split the segment"),
    ],
)
def test_skeleton_problems_name_what_is_broken(translation, reason):
    problems = placeholders.skeleton_problems(source="见[文档](https://e.org/a)", translation=translation, kind="p")
    assert any(reason in problem for problem in problems), problems


def test_a_faithful_translation_has_no_skeleton_problems():
    source, translation = "见[文档](https://e.org/a) `x`", "See `x` [doc]({1})"
    assert placeholders.skeleton_problems(source=source, translation=translation, kind="p") == []


# Keys and outdated tracking ----------------------------------------------------------------


def keys(article):
    return {segment.text: segment.key for segment in article.source_segments.all()}


def test_segment_keys_survive_edits_elsewhere_and_to_the_segment_itself():
    article = factories.article(zh="标题", en="", body_zh="第一段。\n\n第二段。\n\n第三段。")
    before = keys(article)
    article.body_zh_hans = "新的开头。\n\n第一段。\n\n第二段、改过。\n\n第三段。"
    article.save()
    after = keys(article)
    assert after["第一段。"] == before["第一段。"]
    assert after["第三段。"] == before["第三段。"]
    assert after["第二段、改过。"] == before["第二段。"]
    assert after["新的开头。"] not in before.values()


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


# Export ----------------------------------------------------------------------------------------


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


# Import and the round trip -----------------------------------------------------------------


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


def name_entries(article) -> dict[str, polib.POEntry]:
    """The category and tag entries of an English export, read afresh from the database."""
    fresh = Article.objects.get(pk=article.pk)
    return {
        context: entry
        for context, entry in entries(po_export.export_po(language="en", articles=[fresh])).items()
        if not context.startswith("article:")
    }


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
    assert report.ok and {f"tag:{tag.slug}", "category:meetups"} <= set(report.updated), report.rejected
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


BAD_INPUTS = {
    "syntax error": (lambda text: text.replace('msgstr "Community news"', 'msgstr "Community news'), "syntax error"),
    "wrong language": (lambda text: text.replace('"Language: en\\n"', '"Language: fr\\n"'), "Language “fr”"),
    "other language": (lambda text: text.replace('"Language: en\\n"', '"Language: zh_Hans\\n"'), "this import is for"),
    "wrong project": (
        lambda text: text.replace(f"Project-Id-Version: {po_export.PROJECT_ID}", "Project-Id-Version: other"),
        "not a file of this site",
    ),
    "unknown msgctxt": (lambda text: text.replace(":title", ":nonsense"), "unknown msgctxt"),
    "broken link target": (
        lambda text: text.replace(
            "Read the [install guide]({1})", "Read the [install guide](https://elsewhere.example)"
        ),
        "placeholder {1}",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_po_input_is_rejected_with_file_and_line_and_changes_nothing(case):
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), ENGLISH)
    break_it, reason = BAD_INPUTS[case]
    broken = break_it(text)
    assert broken != text
    before = snapshot()
    report = import_text(broken, name="broken.po")
    assert not report.ok and not report.applied
    assert any(reason in str(problem) for problem in report.rejected), report.rejected
    assert all(str(problem).startswith("broken.po:") for problem in report.rejected)
    assert snapshot() == before


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


# The real corpus ----------------------------------------------------------------------------


def corpus_bodies():
    shared = Path(os.environ.get("PORTAL_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared")
    paths = sorted(path for path in (shared / "corpus").rglob("*.md") if path.name != "SOURCE.md")
    if not paths:
        pytest.skip("the shared corpus is not available")
    for path in paths:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4 :] if end > 0 else text
        yield path, text


def same_html(html: str) -> str:
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def test_corpus_bodies_render_the_same_after_split_and_join():
    """Reassembling a body from its own segments changes nothing a reader sees."""
    checked = 0
    for path, text in corpus_bodies():
        joined = seg.join_markdown(seg.split_markdown(text), lambda index, segment: segment.text)
        assert same_html(markdown.render(joined).html) == same_html(markdown.render(text).html), path
        checked += 1
    assert checked > 10


def test_corpus_segments_keep_their_skeleton_through_placeholders():
    """Each segment comes back intact from its placeholders, and a translation keeps the structure."""
    for path, text in corpus_bodies():
        segments = seg.body_segments(text)
        for segment in segments:
            protected = placeholders.protect(segment.text)
            assert placeholders.restore(protected.text, protected.placeholders) == segment.text, (path, segment)
            assert (
                placeholders.skeleton_problems(source=segment.text, translation=protected.text, kind=segment.kind) == []
            )
        translated = seg.join_markdown(
            seg.split_markdown(text),
            lambda index, segment: placeholders.restore(
                "T " + placeholders.protect(segment.text).text, placeholders.protect(segment.text).placeholders
            ),
        )
        assert [segment.kind for segment in seg.body_segments(translated)] == [s.kind for s in segments], path


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


def test_only_missing_offers_entries_without_a_translation():
    article = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[article]), {"社区新闻": "Community news"}))
    article.refresh_from_db()
    missing = po_export.export_po(language="en", articles=[article], only="missing")
    assert "社区新闻" not in [entry.msgid for entry in missing]
    assert "一篇摘要。" in [entry.msgid for entry in missing]
    assert all(not entry.msgstr for entry in missing)


def test_the_same_entry_in_two_files_is_refused():
    text = fill(po_export.export_po(language="en", articles=[zh_article()]), ENGLISH)
    report = po_import.import_po(
        sources=[po_import.PoSource("a.po", text), po_import.PoSource("b.po", text)], language="en"
    )
    assert not report.ok and "appears twice (also in a.po)" in report.rejected[0].reason


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


def test_image_alt_texts_are_segments_that_follow_the_images():
    article = factories.article(zh="标题", en="Title")
    image = ArticleImage.objects.create(article=article, image=factories.png_file("a.png"), alt_zh_hans="图")
    assert seg.image_key(image) in keys(article).values()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.OUTDATED, 1)
    image.alt_en = "A picture"
    image.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)
    key = seg.image_key(image)
    image.delete()
    assert key not in keys(article).values()


def test_an_image_of_the_source_language_only_leaves_nothing_to_translate():
    """A Chinese screenshot shown only on the Chinese page: its alt text needs no English."""
    article = factories.article(zh="标题", en="Title")
    own = ArticleImage.objects.create(
        article=article, image=factories.png_file("a.png"), alt_zh_hans="中文截图", language="zh-hans"
    )
    english = ArticleImage.objects.create(
        article=article, image=factories.png_file("a.png"), alt_zh_hans="英文截图", language="en"
    )
    assert seg.image_key(own) not in keys(article).values()
    assert seg.image_key(english) in keys(article).values()
    english.alt_en = "English screenshot"
    english.save()
    article.refresh_from_db()
    assert records.translation_state(article, "en") == (records.COMPLETE, 0)


@pytest.mark.parametrize(
    ("header", "language"),
    [("zh_Hans", "zh-hans"), ("zh_CN", "zh-hans"), ("zh-Hans", "zh-hans"), ("en", "en"), ("en_US", "en")],
)
def test_language_headers_that_po_editors_write_are_understood(header, language):
    assert po_export.language_from_header(header) == language


@pytest.mark.parametrize("header", ["zh_TW", "zh_Hant", "fr", ""])
def test_other_languages_are_not_taken_for_ours(header):
    assert po_export.language_from_header(header) is None


def test_files_saved_with_a_byte_order_mark_and_crlf_are_read():
    article = zh_article()
    text = fill(po_export.export_po(language="en", articles=[article]), {"社区新闻": "Community news"})
    report = import_text("\ufeff" + text.replace("\n", "\r\n"))
    assert report.ok and report.updated == [f"article:{article.pk}:title"], report.rejected


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
