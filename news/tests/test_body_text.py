"""Each body's plain text, by blocks, is stored beside its HTML by every path that writes one."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db.migrations.loader import MigrationLoader

from news import generating, importing, markdown_html
from news.content import fill_body_texts
from news.models import Article
from news.tests.factories import article
from translations import languages

pytestmark = pytest.mark.django_db
END = datetime(2025, 6, 1, tzinfo=ZoneInfo("UTC"))


def texts(obj: Article) -> dict[str, tuple[str, str]]:
    """Each language's stored plain text, and the one its stored HTML gives."""
    return {
        code: (
            getattr(obj, languages.field("body_text", code)) or "",
            markdown_html.block_text(getattr(obj, languages.field("body_html", code)) or ""),
        )
        for code in languages.codes()
    }


def test_a_save_stores_each_languages_text_by_blocks():
    obj = article(
        zh="内核", en="", body_zh="## 安装\n\n先安装 **JDK**。\n\n| 版本 | 内核 |\n|---|---|\n| 24.03 | 6.6 |"
    )
    obj.refresh_from_db()
    stored = texts(obj)
    assert stored["zh-hans"][0] == "安装 … 先安装 JDK。 … 版本 内核 … 24.03 6.6"
    assert all(text == expected for text, expected in stored.values())
    assert stored["en"] == ("", "")
    obj.body_en, obj.title_en = "Now in *English* &amp; more.", "Kernel"
    obj.save()
    obj.refresh_from_db()
    assert obj.body_text_en == "Now in English & more."


def test_generated_articles_store_the_text_their_html_gives():
    generating.generate(count=40, seed=3, end=END)
    for obj in Article.objects.all():
        stored = texts(obj)
        assert all(text == expected for text, expected in stored.values()), obj.slug
        assert any(text for text, _expected in stored.values())


def test_imported_articles_store_the_text_their_html_gives(tmp_path: Path):
    for language, body in (("zh", "## 小节\n\n正文**加粗**。\n"), ("en", "## Part\n\nBody *text*.\n")):
        path = tmp_path / language / "news" / "20220715.md"
        path.parent.mkdir(parents=True)
        path.write_text(f"---\ntitle: T {language}\ndate: 2022-07-15\n---\n\n{body}", encoding="utf-8")
    importing.import_paths([str(tmp_path)])
    obj = Article.objects.get()
    assert (obj.body_text_zh_hans, obj.body_text_en) == ("小节 … 正文加粗。", "Part … Body text.")


def test_the_migration_fills_the_texts_of_articles_written_before(settings):
    """What migration 0010 runs, on its own model of the articles (no translated fields, as in a migration)."""
    settings.MIGRATION_MODULES = {}  # the migrations as written, in a run whose database was built without them
    first = article(zh="第一", en="First", body_zh="## 一\n\n正文。", body_en="## One\n\nBody.")
    second = article(zh="第二", en="", body_zh="只有中文。")
    Article.objects.update(body_text_zh_hans="", body_text_en=None)
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(("news", "0010_article_body_text"))
    assert fill_body_texts(state.apps.get_model("news", "Article"), batch_size=1) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.body_text_zh_hans, first.body_text_en) == ("一 … 正文。", "One … Body.")
    assert (second.body_text_zh_hans, second.body_text_en) == ("只有中文。", "")
