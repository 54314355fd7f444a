"""The attack corpus through translations: PO import, the PO upload preview and the segment editor.

A sample of the payloads (every third of each category) and a set of PO tricks
(a msgstr that breaks a placeholder, adds a ``javascript:``/``data:`` link or
image, raw HTML, a footnote or a reference-style link definition) are put in
msgstr of a file exported from a Chinese article. Each import either refuses
the file, writing nothing, or applies it; either way the stored HTML, the
article page, the upload preview (which renders the page to be) and the
segment editor hold nothing executable. The same texts go through the segment
editor's POST.
"""

from collections import Counter

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from news.models import Article
from news.tests import factories
from news.tests.pages import Page
from news.tests.xss import sample, unsafe_parts
from translations import po_export
from translations.tests.po_helpers import (
    _english,  # noqa: F401 (autouse fixture)
    import_text,
    snapshot,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/news/article/"
BODY = "欢迎阅读[安装指南](https://example.com/install)。\n\n第二段。\n"
LINK_SOURCE = "欢迎阅读[安装指南]({1})。"
TRICKS = [
    "Read the [guide]({1}) and [more](javascript:alert(1)).",
    "Read the [guide]({1} onclick=alert(1)).",
    "Read the [guide](javascript:alert(1)).",
    'Read the [guide]({1}"><script>alert(1)</script>).',
    "Read the [guide]({1}) ![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "Read the [guide]({1}) ![x](javascript:alert(1))",
    'Read the [guide]({1}) <img src=x onerror="alert(1)">',
    "Read the [guide]({1}) <a href='javascript:alert(1)'>x</a>",
    "Read the [guide]({1})[^x]\n\n[^x]: <script>alert(1)</script> [y](javascript:alert(1))",
    "Read the [guide][r] and {1}\n\n[r]: javascript:alert(1)",
    "Read the [guide]({1}) [z][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    "Read the [guide]({1}) <svg onload=alert(1)>",
    "Read the [guide]({1}) <iframe src=javascript:alert(1)></iframe>",
    "Read the [guide]({1}) [x](&#106;avascript:alert(1))",
    'Read the [guide]({1}) <http://x/"onmouseover=alert(1)>',
]
TEXTS = [*TRICKS, *sample(3)]


def attacked_texts(payload: str) -> dict[str, str]:
    """The msgstr of every entry of the exported file, by msgid."""
    trick = payload in TRICKS
    return {
        "攻击": f"Attack {payload}".replace("\n", " ")[:200],
        LINK_SOURCE: payload if trick else f"Read the [guide]({{1}}). {payload}",
        "第二段。": "Second paragraph." if trick else payload,
        "一篇摘要。": payload.replace("\n", " ")[:300],
    }


def filled(article, translations: dict[str, str]) -> str:
    po = po_export.export_po(language="en", articles=[article])
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    return str(po)


def chinese_article(number: int) -> Article:
    return factories.article(
        zh="攻击", en="", body_zh=BODY, summary_zh_hans="一篇摘要。", slug=f"po-attack-{number}", tags=("attack",)
    )


def assert_safe_page(response, where, *, own: Counter | None = None):
    assert response.status_code == 200, (where, response.status_code)
    found = Counter(unsafe_parts(response.content.decode(), page=True)) - (own or Counter())
    assert not found, (where, found)


def assert_safe_editor(response, where, *, own: Counter):
    """The segment editor has a text box per row: each is the editor's own (named seg-…), the rest as any page."""
    boxes = Page(response.content).find_all("textarea")
    assert boxes and all(box.attrs.get("name", "").startswith("seg-") for box in boxes), where
    found = Counter(unsafe_parts(response.content.decode(), page=True)) - own
    assert not found - Counter({"<textarea>": len(boxes)}), (where, found)


def test_po_import_applies_or_refuses_and_nothing_executable_is_shown(client):
    applied, refused = [], []
    for number, payload in enumerate(TEXTS):
        article = chinese_article(number)
        text = filled(article, attacked_texts(payload))
        before = snapshot()
        report = import_text(text)
        if not report.ok:
            assert snapshot() == before, payload  # refused whole: nothing half-written
            assert all(f"article:{article.pk}:" in problem.reason and problem.line > 1 for problem in report.rejected)
            refused.append(payload)
            continue
        applied.append(payload)
        article.refresh_from_db()
        assert article.title_en.startswith("Attack"), payload
        assert not unsafe_parts(article.body_html_en), (payload, article.body_html_en)
        assert_safe_page(client.get(f"/en/news/{article.slug}/"), payload)
    # A translation may not add a link, an image, raw HTML or a definition its source lacks, nor break
    # a placeholder: every trick is refused; what only reads like an attack is text, and applied.
    assert set(TRICKS) <= set(refused)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in applied and len(applied) >= 3, applied
    for url in ("/en/news/", "/en/news/tag/attack/", "/en/news/rss/"):
        response = client.get(url)
        assert response.status_code == 200
        if url.endswith("/rss/"):
            assert b"<script" not in response.content.replace(b"&lt;script", b"")
        else:
            assert_safe_page(response, url)


@pytest.fixture
def translator(client):
    user = User.objects.create_user("translator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Translators"))
    client.force_login(user)
    return client


def faithful(article) -> str:
    """Every entry translated keeping its placeholders: the source's own targets come back in the preview."""
    po = po_export.export_po(language="en", articles=[article])
    for entry in po:
        if not entry.msgctxt.startswith("article:"):
            continue  # category and tag names stay as they are: renaming them needs a permission translators lack
        entry.msgstr = entry.msgid.replace("中文", "English").replace("攻击", "Attack")
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    return str(po)


def test_the_upload_preview_renders_the_pages_to_be_without_anything_executable(translator):
    own = Counter(unsafe_parts(translator.get(f"{CHANGELIST}translations/upload/").content.decode(), page=True))
    previews = 0
    for number, payload in enumerate(TEXTS[::2]):
        hostile_translation = filled(chinese_article(number), attacked_texts(payload))
        # A source that carries the payload itself (as an editor may have typed it), faithfully translated.
        hostile_source = factories.article(
            zh="攻击", en="", body_zh=f"中文。{payload}\n\n中文二。", slug=f"po-source-{number}", tags=("attack",)
        )
        for text in (hostile_translation, faithful(hostile_source)):
            before = snapshot()
            response = translator.post(
                f"{CHANGELIST}translations/upload/",
                {"file": SimpleUploadedFile("en.po", text.encode(), "text/x-gettext-translation")},
            )
            assert_safe_page(response, payload, own=own)
            previews += "translation-page-body" in response.content.decode()
            assert snapshot() == before, payload  # a preview writes nothing
    assert previews >= len(TEXTS[::2]) // 2


def editor_data(response, texts: dict[str, str]) -> dict[str, str]:
    data = {"version": response.context["version"]}
    for row in response.context["rows"]:
        data[f"seg-{row.key}"] = texts.get(row.source, row.value)
    return data


def test_the_segment_editor_saves_or_refuses_and_shows_nothing_executable(translator):
    first = chinese_article(0)
    own = Counter(unsafe_parts(translator.get(f"{CHANGELIST}{first.pk}/translate/en/").content.decode(), page=True))
    saved = 0
    for number, payload in enumerate(TEXTS[::2], start=1):
        plain = chinese_article(number)
        hostile_source = factories.article(
            zh="攻击", en="", body_zh=f"中文。{payload}\n\n中文二。", slug=f"editor-source-{number}", tags=("attack",)
        )
        for article, texts in ((plain, attacked_texts(payload)), (hostile_source, None)):
            url = f"{CHANGELIST}{article.pk}/translate/en/"
            form = translator.get(url)
            assert_safe_editor(form, payload, own=own)  # the source rows show the payload as text
            if texts is None:
                texts = {row.source: row.source.replace("中文", "English") for row in form.context["rows"]}
            response = translator.post(url, editor_data(form, texts))
            if response.status_code == 200:  # refused: the page says why, with the texts as typed
                rows = response.context["rows"]
                assert response.context["problems"] or any(row.problems for row in rows), payload
                assert_safe_editor(response, payload, own=own)
                continue
            assert response.status_code == 302, payload
            saved += 1
            article.refresh_from_db()
            assert not unsafe_parts(article.body_html_en), (payload, article.body_html_en)
            assert_safe_editor(translator.get(url), payload, own=own)
            assert_safe_page(translator.get(f"/en/news/{article.slug}/"), payload)
    assert saved >= len(TEXTS[::2]) // 2
