"""Fidelity on real content: the openEuler corpus imports whole and every page reads cleanly.

The corpus lives beside the repository (never copied into it); without it
these tests are skipped.
"""

import functools
import hashlib
import html
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from news import importing, markdown
from news.importing import frontmatter
from news.importing.report import Report
from news.importing.sources import collect_files, locate
from news.models import Article, ArticleSource
from translations import languages


def corpus_dir() -> Path:
    shared = Path(os.environ.get("PORTAL_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared")
    return shared / "corpus" / "openeuler"


CORPUS = corpus_dir()
STATIC_ROOTS = (
    CORPUS / "website-v2" / "web-ui" / "docs" / ".vuepress" / "public",
    CORPUS / "openEuler-portal" / "app" / ".vitepress" / "public",
)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.module_media,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="the openEuler corpus is not beside the repository"),
]

# A complete Markdown construct still in the visible text means it was not rendered.
LEAKS = {
    "bold": re.compile(r"\*\*[^*\s][^*\n]*\*\*"),
    "image": re.compile(r"!\["),
    "link": re.compile(r"\]\("),
    "escaped quote": re.compile(r'\\"'),
    "setext underline": re.compile(r"^\s*(?:-{2,}|={2,})\s*$", re.M),
    "list marker": re.compile(r"^[ \t]*[-+][ \t]+[^\s-]", re.M),
    "framework tag": markdown.FRAMEWORK_TAG,
    "HTML tag": re.compile(r"</?(?:div|img|p|span|font|center|br|table|td)\b[^<>]*>", re.I),
}
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)
FENCE = re.compile(r"^\s*(```|~~~)", re.M)
FENCED_BLOCK = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, module_media_root):
    """The corpus imported once for the module (it takes seconds); each test's own changes roll back with it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=module_media_root):
        report = importing.import_paths([CORPUS], static_roots=[root for root in STATIC_ROOTS if root.is_dir()])
    yield report
    with django_db_blocker.unblock():
        # Empties every table and makes again what migrations make (groups, starting categories).
        call_command("flush", interactive=False, verbosity=0)


def body_of(page: str) -> str:
    match = re.search(r'<div class="article-body"[^>]*>(.*)</div>\s*(?:<footer class="article-footer")', page, re.S)
    assert match, "the page has no article body"
    return match.group(1)


def visible_text(fragment: str) -> str:
    without_code = re.sub(r"<pre\b.*?</pre>|<code\b.*?</code>", " ", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", without_code))


@functools.cache
def corpus_files() -> dict[str, Path]:
    """The corpus file each source path (the path under its language folder) was first read from."""
    found = {}
    for source in collect_files([CORPUS], report=Report()):
        location = locate(source, language=None)
        if location.language:
            found.setdefault(location.identity, source.path)
    return found


def source_file(source: ArticleSource) -> Path:
    return corpus_files()[source.path]


def source_body(source: ArticleSource) -> str:
    text = frontmatter.decode(source_file(source).read_bytes())
    return frontmatter.split_front_matter(text)[1]


def image_references(body: str) -> list[str]:
    """Every image the body names, Markdown or HTML, found here independently of the importer."""
    return re.findall(r"!\[[^\]]*\]\(\s*<?([^\s)>]+)", body) + re.findall(
        r"<img\b[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)", body, flags=re.I
    )


def image_files_present(source: ArticleSource, body: str) -> tuple[int, int]:
    """(found, missing) image references, resolved here independently of the importer."""
    folder = source_file(source).parent
    found = missing = 0
    for reference in image_references(body):
        if reference.startswith(("http://", "https://")):
            continue
        relative = reference.split("?")[0].lstrip("/")
        places = [folder / relative, *(root / relative for root in STATIC_ROOTS)]
        if any(place.is_file() for place in places):
            found += 1
        else:
            missing += 1
    return found, missing


def pixels(source) -> str:
    """A digest of what an image shows: its size and its pixels, whatever the file's encoding."""
    from PIL import Image

    with Image.open(source) as picture:
        rgba = picture.convert("RGBA")
        return f"{rgba.size}:{hashlib.sha256(rgba.tobytes()).hexdigest()}"


def test_the_english_page_shows_the_english_screenshots_of_a_pair(tmp_path):
    """zh/ and en/ hold different screenshots under the same names; each language keeps its own."""
    docs = CORPUS / "website-v2" / "web-ui" / "docs"
    stem = "2022-07-22-gitee-notification-settings"
    folders = {code: docs / code / "blog" / "liuqi" for code in ("zh", "en")}
    if not all((folder / f"{stem}.md").is_file() for folder in folders.values()):
        pytest.skip("the gitee-notification-settings pair is not in the corpus")
    for code, folder in folders.items():  # just this pair, in a temporary import root
        target = tmp_path / code / "blog" / "liuqi"
        target.mkdir(parents=True)
        for path in folder.glob(f"{stem}*"):
            shutil.copyfile(path, target / path.name)
    report = importing.import_paths([tmp_path])
    assert not report.has_rejections and report.counts["created"] == 1
    assert not [problem for problem in report.warnings if "both languages" in problem.message]
    article = Article.objects.get()
    english = article.image_map("en")
    body = frontmatter.split_front_matter(frontmatter.decode((folders["en"] / f"{stem}.md").read_bytes()))[1]
    references = image_references(body)
    assert references
    differ = 0
    for reference in {markdown.normalize_reference(reference) for reference in references}:
        image = next(image for image in article.images.all() if image.as_ref().url == english[reference].url)
        # Imports store a cleaned copy (metadata stripped, re-encoded): the pictures, not the bytes, are compared.
        with image.image.open("rb") as handle:
            stored = pixels(handle)
        expected = pixels(folders["en"] / reference)
        assert stored == expected, reference
        differ += expected != pixels(folders["zh"] / reference)
        assert f'src="{english[reference].url}"' in article.body_html_en
    assert differ, "the pair no longer has screenshots that differ by language"


def test_the_whole_corpus_imports_without_rejections(imported):
    assert imported.counts["rejected"] == 0, "\n".join(map(str, imported.by_status("rejected")))
    markdown_files = [path for path in CORPUS.rglob("*.md") if {"zh", "en"} & set(path.relative_to(CORPUS).parts)]
    duplicates = sum(entry.path.count(".md") for entry in imported.by_status("skipped"))
    assert ArticleSource.objects.count() + duplicates == len(markdown_files)
    assert Article.objects.count() == imported.counts["created"]


def test_every_page_reads_cleanly(client, imported):
    problems = []
    for source in ArticleSource.objects.select_related("article"):
        article, language = source.article, source.language
        response = client.get(article.url_for(language))
        assert response.status_code == 200, source.path
        page = response.content.decode()
        body = body_of(page)
        text = visible_text(body)
        where = f"{source.path} ({language})"
        problems += [f"{where}: {name} shown as text" for name, pattern in LEAKS.items() if pattern.search(text)]
        if page.count("<h1") != 1:
            problems.append(f"{where}: {page.count('<h1')} <h1> on the page")
        title = re.sub(r"\s+", "", getattr(article, languages.field("title", language))).casefold()
        for heading in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", body, re.S):
            if re.sub(r"\s+", "", visible_text(heading)).casefold() == title:
                problems.append(f"{where}: the title is repeated by a heading in the body")
        markdown_text = source_body(source)
        outside_code = FENCED_BLOCK.sub("", markdown_text)
        if TABLE_SEPARATOR.search(outside_code) and "<table" not in body:
            problems.append(f"{where}: a table is not rendered as a table")
        if FENCE.search(markdown_text) and 'class="highlight"' not in body:
            problems.append(f"{where}: code blocks are not highlighted")
        found, missing = image_files_present(source, outside_code)
        shown = len(re.findall(rf'<img[^>]+src="{re.escape(settings.MEDIA_URL)}', body))
        placeholders = body.count('class="image-missing"')
        if shown < found:
            problems.append(f"{where}: {found} images exist in the corpus but only {shown} are shown")
        if placeholders > missing:
            problems.append(f"{where}: {placeholders} placeholders for {missing} missing images")
    assert not problems, "\n".join(problems)


def test_re_importing_the_corpus_changes_nothing(imported):
    again = importing.import_paths([CORPUS], static_roots=[root for root in STATIC_ROOTS if root.is_dir()])
    assert again.counts["unchanged"] == imported.counts["created"]
    assert again.counts["skipped"] == imported.counts["skipped"]  # the same duplicates
    assert again.counts["created"] == again.counts["updated"] == again.counts["rejected"] == 0


def test_an_article_in_both_site_generations_is_imported_once(imported):
    """20220715 exists in the legacy and the current site: one article, the other copy reported."""
    duplicates = [entry for entry in imported.by_status("skipped") if "not imported twice" in entry.message]
    assert {Path(entry.path).name for entry in duplicates} >= {"20220715.md", "20220716.md", "20220811.md"}
    assert Article.objects.filter(title_zh_hans__startswith="遇贤微电子加入").count() == 1


def test_importing_again_from_another_root_finds_the_same_articles(imported, tmp_path):
    """A file is known by its path under its language folder, whatever root the import starts from."""
    portal = CORPUS / "openEuler-portal"
    again = importing.import_paths([portal], static_roots=[root for root in STATIC_ROOTS if root.is_dir()])
    assert again.counts["created"] == again.counts["skipped"] == again.counts["rejected"] == 0
    assert again.counts["unchanged"] > 0

    source = ArticleSource.objects.filter(language="zh-hans", path__startswith="zh/news/").order_by("path").first()
    original = source_file(source)
    edited = tmp_path / "copy" / "zh" / Path(source.path).relative_to("zh")
    edited.parent.mkdir(parents=True)
    edited.write_text(frontmatter.decode(original.read_bytes()) + "\n\nEdited elsewhere.\n", encoding="utf-8")
    report = importing.import_paths([edited], static_roots=[original.parent])
    assert [entry.status for entry in report.entries] == ["updated"]
    assert "Edited elsewhere." in Article.objects.get(pk=source.article_id).body_zh_hans


def test_export_gives_each_file_its_front_matter_back_key_by_key(imported, tmp_path):
    call_command("export_news", str(tmp_path / "out"), stdout=io.StringIO())
    problems = []
    for source in ArticleSource.objects.select_related("article__category"):
        written = frontmatter.split_front_matter(frontmatter.decode(source_file(source).read_bytes()))[0]
        original = frontmatter.load_front_matter(written or "")
        article = source.article
        prefix = languages.get(source.language).prefix
        exported_path = tmp_path / "out" / prefix / article.category.slug / article.slug / f"{article.slug}.md"
        exported = frontmatter.load_front_matter(
            frontmatter.split_front_matter(exported_path.read_text(encoding="utf-8"))[0] or ""
        )
        for key, value in original.items():
            if frontmatter.canonical_key(key) == "banner":
                same = bool(value) == (key in exported)  # written beside the file as banner.<ext>
            else:
                same = exported.get(key) == frontmatter.json_safe(value)
            if not same:
                problems.append(f"{source.path}: {key}: {value!r} became {exported.get(key)!r}")
        had_banner = "banner" in {frontmatter.canonical_key(key) for key in original}
        if not had_banner and "banner" in exported:
            problems.append(f"{source.path}: a banner the file did not have")
    assert not problems, "\n".join(problems[:40])
