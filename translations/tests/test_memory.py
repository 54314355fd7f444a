"""Translation memory: identical and similar sources, their order, the provider setting, LibreTranslate."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import polib
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import Article
from news.tests import factories
from translations import memory, po_export
from translations.diffs import word_diff
from translations.memory import Suggestion
from translations.models import SegmentTranslation
from translations.providers import LibreTranslate
from translations.tests.po_helpers import ENGLISH, fill, import_text, snapshot, zh_article

pytestmark = pytest.mark.django_db
CONTRIBUTOR = ("社区的力量来自每一位贡献者。", "The community's strength comes from every contributor.")
MAINTAINER = ("社区的力量来自每一位维护者。", "The community's strength comes from every maintainer.")


@pytest.fixture
def translated():
    """Two articles translated together (Chinese with English): their segments are the site's memory."""
    one = factories.article(
        zh="第一篇",
        en="First",
        body_zh="社区的力量来自每一位贡献者。",
        body_en="The community's strength comes from every contributor.",
    )
    two = factories.article(
        zh="第二篇",
        en="Second",
        body_zh="社区的力量来自每一位维护者。",
        body_en="The community's strength comes from every maintainer.",
    )
    return one, two


def test_identical_source_comes_first_with_score_one_then_similar(translated):
    found = memory.suggest("社区的力量来自每一位贡献者。", "en")
    assert found[0] == Suggestion(
        source="社区的力量来自每一位贡献者。",
        translation="The community's strength comes from every contributor.",
        score=1.0,
        origin="memory",
    )
    assert found[1].translation == "The community's strength comes from every maintainer."
    assert 0.75 <= found[1].score < 1


def test_dissimilar_text_and_the_excluded_segment_give_nothing(translated):
    assert memory.suggest("完全不同的句子，没有任何关系。", "en") == []
    one, _two = translated
    own = SegmentTranslation.objects.get(
        segment__article=one, segment__text="社区的力量来自每一位贡献者。", language="en"
    )
    found = memory.suggest("社区的力量来自每一位贡献者。", "en", exclude_segment_id=own.segment_id)
    assert [item.translation for item in found] == ["The community's strength comes from every maintainer."]


def test_limit_and_the_same_translation_only_once(translated):
    factories.article(
        zh="第三篇",
        en="Third",
        body_zh="社区的力量来自每一位贡献者。",
        body_en="The community's strength comes from every contributor.",
    )
    found = memory.suggest("社区的力量来自每一位贡献者。", "en", limit=1)
    assert len(found) == 1 and found[0].score == 1.0


def test_suggest_many_makes_one_query_for_a_page(translated):
    texts = ["社区的力量来自每一位贡献者。", "社区的力量来自每一位维护者。", "别的"]
    with CaptureQueriesContext(connection) as queries:
        found = memory.suggest_many(texts, "en")
    assert len(queries) == 1
    assert found["别的"] == []
    assert found[texts[1]][0].translation == "The community's strength comes from every maintainer."


def fake_provider(text, source_language, target_language):
    return [
        Suggestion(source=text, translation=f"[{source_language}->{target_language}] {text}", score=0.9, origin="fake")
    ]


def test_providers_come_from_the_setting(settings, translated):
    settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.tests.test_memory.fake_provider"]
    assert memory.suggest("你好", "en") == [Suggestion("你好", "[zh-hans->en] 你好", 0.9, "fake")]
    settings.TRANSLATION_SUGGESTION_PROVIDERS = [
        "translations.memory.SiteMemory",
        "translations.tests.test_memory.fake_provider",
    ]
    found = memory.suggest("社区的力量来自每一位贡献者。", "en")
    assert [item.origin for item in found] == ["memory", "fake", "memory"]


def test_word_diff_marks_words_and_chinese_characters():
    assert word_diff("the old text", "the new text") == "the <del>old</del><ins>new</ins> text"
    assert word_diff("贡献者", "维护者") == "<del>贡献</del><ins>维护</ins>者"
    assert word_diff("<b>", "<i>") == "&lt;<del>b</del><ins>i</ins>&gt;"


class _Fake(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Fake.received.append((self.path, body))
        answer = json.dumps({"translatedText": "Hello"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_libretranslate_asks_the_configured_server(settings):
    server = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.LIBRETRANSLATE_URL = f"http://127.0.0.1:{server.server_port}/"
        settings.TRANSLATION_SUGGESTION_PROVIDERS = ["translations.providers.LibreTranslate"]
        assert memory.suggest("你好", "en") == [Suggestion("你好", "Hello", 0.5, "LibreTranslate")]
        assert _Fake.received[-1] == ("/translate", {"q": "你好", "source": "zh", "target": "en", "format": "text"})
    finally:
        server.shutdown()
        server.server_close()
    # Once the server is gone: the provider says so; a bulk suggestion (file export) goes on without it.
    gone = LibreTranslate(url=f"http://127.0.0.1:{server.server_port}")
    with pytest.raises(memory.ProviderError, match="did not answer"):
        gone.suggest("你好", "zh-hans", "en")
    assert memory.suggest("你好", "en") == [] and memory.suggest_many(["你好"], "en") == {"你好": []}
    answer = memory.machine_suggest("你好", "en")
    assert answer.suggestions == [] and answer.failures[0].startswith("LibreTranslate: ")


def test_export_suggest_fills_untranslated_entries_as_fuzzy_and_import_applies_none(tmp_path):
    first = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[first]), ENGLISH))
    second = zh_article(slug="second")
    out = tmp_path / "en.po"
    stdout = StringIO()
    call_command(
        "export_translations", "--lang", "en", "-o", str(out), "--article", second.slug, "--suggest", stdout=stdout
    )
    assert "suggested from the translation memory" in stdout.getvalue()
    po = {entry.msgid: entry for entry in polib.pofile(str(out))}
    link = "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。"
    assert po[link].msgstr == "Read the [install guide]({1}), run `dnf install portal`."
    assert po[link].fuzzy and "suggested by memory (100% alike)" in po[link].comment
    assert po["启动系统"].msgstr == "Boot the system" and po["启动系统"].fuzzy
    before = snapshot()
    report = import_text(out.read_text(encoding="utf-8"))
    assert report.updated == [] and snapshot() == before
    assert Article.objects.get(pk=second.pk).body_en == ""
    plain = po_export.export_po(language="en", articles=[Article.objects.get(pk=second.pk)])
    assert all(not entry.msgstr for entry in plain if entry.msgctxt.startswith("article:"))


def test_admin_download_with_suggestions(admin_client):
    first = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[first]), ENGLISH))
    second = zh_article(slug="second")
    link = f"/admin/news/article/{second.pk}/translations/en.po"
    plain = {entry.msgid: entry for entry in polib.pofile(admin_client.get(link).content.decode())}
    assert plain["启动系统"].msgstr == ""
    suggested = {entry.msgid: entry for entry in polib.pofile(admin_client.get(f"{link}?suggest=1").content.decode())}
    assert suggested["启动系统"].msgstr == "Boot the system" and suggested["启动系统"].fuzzy
    dashboard = admin_client.get("/admin/news/article/translations/").content.decode()
    assert "/admin/news/article/translations/en/missing.po?suggest=1" in dashboard
