"""import_news: front-matter Markdown files and folder trees to articles."""

import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.db.models.signals import m2m_changed
from django.test.utils import CaptureQueriesContext
from PIL import Image

from news import importing
from news.importing import rendering
from news.models import Article, ArticleImage, ArticleSource, Category, TaggedArticle
from news.tests.factories import png_file
from tags.models import Tag
from translations import languages

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def write(root: Path, relpath: str, content: str | bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def post(title="标题", date="2022-07-15", body="正文。\n", **extra) -> str:
    lines = [f"title: {title}", f"date: {date}", *(f"{key}: {value}" for key, value in extra.items())]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def png(color="#3366cc", size=(30, 20)) -> bytes:
    return png_file(color=color, size=size).read()


def run(*paths, **options) -> importing.Report:
    return importing.import_paths([str(path) for path in paths], **options)


def only_article() -> Article:
    assert Article.objects.count() == 1
    return Article.objects.get()


# Front matter ----------------------------------------------------------------


def test_front_matter_fields_become_article_fields(tmp_path):
    write(
        tmp_path,
        "zh/news/20220715.md",
        '---\ntitle: "遇贤微电子加入社区"\ndate: "2022-07-15"\ncategory: blog\ntags:\n    - openEuler\n    - 遇贤\n'
        'author: "openEuler"\nsummary: "近日正式加入。"\n---\n\n正文**加粗**。\n',
    )
    report = run(tmp_path)
    article = only_article()
    assert report.counts["created"] == 1
    assert article.title_zh_hans == "遇贤微电子加入社区"
    assert article.summary_zh_hans == "近日正式加入。"
    assert article.author == "openEuler"
    assert article.category.slug == "blog"
    assert sorted(article.tags.names()) == ["openEuler", "遇贤"]
    assert article.publish_at == datetime(2022, 7, 15, tzinfo=SHANGHAI)
    assert article.status == Article.Status.PUBLISHED
    assert "<strong>加粗</strong>" in article.body_html_zh_hans
    assert article.source_language == "zh-hans"


def test_capitalised_keys_tages_typo_list_author_and_comma_tags(tmp_path):
    write(
        tmp_path,
        "en/news/a.md",
        "---\nTitle: A\nDate: 2021-3-5\nSummary: The summary\nAuthor:\n  - Ann\n  - Bo\n"
        "tages: kernel, cloud\uff0cAI\n---\nBody\n",  # a full-width comma too
    )
    run(tmp_path)
    article = only_article()
    assert article.title_en == "A"
    assert article.summary_en == "The summary"
    assert article.author == "Ann, Bo"
    assert sorted(article.tags.names()) == ["AI", "cloud", "kernel"]
    assert article.publish_at == datetime(2021, 3, 5, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-07-15", datetime(2022, 7, 15, tzinfo=SHANGHAI)),
        ('"2022-07-15"', datetime(2022, 7, 15, tzinfo=SHANGHAI)),
        ("'2020-7-5'", datetime(2020, 7, 5, tzinfo=SHANGHAI)),
        ("2022-07-15 10:30:00", datetime(2022, 7, 15, 10, 30, tzinfo=SHANGHAI)),
        ("2022-07-15T10:30:00+02:00", datetime(2022, 7, 15, 16, 30, tzinfo=SHANGHAI)),
        ('"2022-07-15 10:30 +0000"', datetime(2022, 7, 15, 18, 30, tzinfo=SHANGHAI)),
        ('"July 15, 2022"', datetime(2022, 7, 15, tzinfo=SHANGHAI)),
        ("2022/07/15", datetime(2022, 7, 15, tzinfo=SHANGHAI)),
    ],
)
def test_dates_in_the_forms_the_corpus_uses(tmp_path, value, expected):
    write(tmp_path, "en/news/a.md", post(title="A", date=value))
    run(tmp_path)
    assert only_article().publish_at == expected


def test_unknown_keys_are_kept_as_metadata(tmp_path):
    write(tmp_path, "en/blog/a.md", post(title="A", sig="sig-Infra", archives="2021-12", extra="[1, 2]"))
    run(tmp_path)
    assert only_article().metadata == {"sig": "sig-Infra", "archives": "2021-12", "extra": [1, 2]}


def test_tab_indented_front_matter_is_understood(tmp_path):
    write(tmp_path, "en/news/a.md", "---\ntitle: A\ndate: 2022-01-02\ntags:\n\t- one\n\t- two\n---\nBody\n")
    report = run(tmp_path)
    assert report.counts["created"] == 1
    assert sorted(only_article().tags.names()) == ["one", "two"]


def test_draft_front_matter_imports_a_draft(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", draft="true"))
    run(tmp_path)
    assert only_article().status == Article.Status.DRAFT


# Files -----------------------------------------------------------------------


def test_bom_and_crlf_are_read(tmp_path):
    write(tmp_path, "zh/news/a.md", "\ufeff" + post(body="第一行\n\n## 小节\n").replace("\n", "\r\n"))
    run(tmp_path)
    article = only_article()
    assert article.title_zh_hans == "标题"
    assert "\r" not in article.body_zh_hans
    assert "<h2" in article.body_html_zh_hans


def test_without_front_matter_title_comes_from_the_heading_and_date_from_the_name(tmp_path):
    write(tmp_path, "zh/blog/liuqi/2022-03-22-ci-share.md", "# 门禁工程分享\n\n正文。\n")
    write(tmp_path, "en/news/20200104-hackathon/index.md", "# Hackathon\n\nText.\n")
    report = run(tmp_path)
    assert report.counts["created"] == 2
    share = Article.objects.get(slug="2022-03-22-ci-share")
    assert share.title_zh_hans == "门禁工程分享"
    assert share.publish_at == datetime(2022, 3, 22, tzinfo=SHANGHAI)
    assert share.category.slug == "blog"
    assert "门禁工程分享" not in share.body_html_zh_hans  # the heading is the page title, not repeated
    hackathon = Article.objects.get(slug="20200104-hackathon")
    assert hackathon.publish_at == datetime(2020, 1, 4, tzinfo=SHANGHAI)


def test_without_front_matter_or_date_in_the_name_the_file_is_rejected(tmp_path):
    path = write(tmp_path, "zh/news/notes.md", "# 笔记\n\n正文。\n")
    report = run(tmp_path)
    assert [str(entry) for entry in report.by_status("rejected")] == [
        f"rejected  {path}:1: no date: add “date:” to the front matter or start the file name with one (20220715-…)"
    ]
    assert not Article.objects.exists()


def test_names_with_spaces_and_chinese_get_ascii_slugs(tmp_path):
    write(tmp_path, "zh/news/openeuler summit2021.md", post(title="峰会"))
    write(tmp_path, "zh/news/20221125-当虹.md", post(title="当虹"))
    write(tmp_path, "zh/news/技术委员会.md", post(title="委员会"))
    run(tmp_path)
    slugs = set(Article.objects.values_list("slug", flat=True))
    assert {"openeuler-summit2021", "20221125"} <= slugs
    assert all(slug.isascii() for slug in slugs)
    assert len(slugs) == 3


def test_files_outside_language_folders_are_ignored_in_a_tree_unless_lang_is_given(tmp_path):
    write(tmp_path, "README.md", "# About\n")
    write(tmp_path, "posts/2022-01-02-a.md", post(title="A"))
    report = run(tmp_path)
    assert not Article.objects.exists()
    assert len(report.ignored) == 2
    assert not report.has_rejections
    run(tmp_path / "posts", language="en")
    assert only_article().title_en == "A"


# Languages and pairing --------------------------------------------------------


def test_the_same_relative_path_under_zh_and_en_is_one_article(tmp_path):
    write(tmp_path, "zh/news/20260513-openEuler Space/20260513-openEuler Space.md", post(title="在轨"))
    write(tmp_path, "en/news/20260513-openEuler-Space/20260513-openEuler-Space.md", post(title="In orbit"))
    report = run(tmp_path)
    article = only_article()
    assert report.counts["created"] == 1
    assert (article.title_zh_hans, article.title_en) == ("在轨", "In orbit")
    assert article.source_language == "zh-hans"
    assert article.slug == "20260513-openeuler-space"
    assert set(ArticleSource.objects.values_list("language", flat=True)) == {"zh-hans", "en"}


def test_an_english_only_article_has_english_as_source(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A"))
    run(tmp_path)
    assert only_article().source_language == "en"


def test_translation_key_pairs_files_with_different_paths(tmp_path):
    write(tmp_path, "zh/blog/openeuler/20200101.md", post(title="基础设施上线", translation_key="infra-2020"))
    write(tmp_path, "en/news/20200101.md", post(title="Infrastructure launched", translation_key="infra-2020"))
    run(tmp_path)
    article = only_article()
    assert (article.title_zh_hans, article.title_en) == ("基础设施上线", "Infrastructure launched")


def test_a_csv_of_pairs_pairs_files_with_different_paths(tmp_path):
    write(tmp_path, "site/zh/blog/openeuler/20200101.md", post(title="基础设施上线"))
    write(tmp_path, "site/en/news/20200101.md", post(title="Infrastructure launched"))
    pairs_file = write(tmp_path, "pairs.csv", "zh,en\nzh/blog/openeuler/20200101.md,en/news/20200101.md\n")
    run(tmp_path / "site", pairs=importing.read_pairs(pairs_file))
    article = only_article()
    assert (article.title_zh_hans, article.title_en) == ("基础设施上线", "Infrastructure launched")


def test_a_malformed_pairs_file_is_refused_with_its_line(tmp_path):
    pairs_file = write(tmp_path, "pairs.csv", "a.md,b.md\nonly-one.md\n")
    with pytest.raises(ValueError, match=r"pairs.csv:2: expected two columns"):
        importing.read_pairs(pairs_file)


def test_lang_option_sets_the_language(tmp_path):
    path = write(tmp_path, "2022-01-02-hello.md", post(title="Hello"))
    run(path, language="en")
    assert only_article().title_en == "Hello"


def test_a_single_file_without_language_is_rejected_with_a_reason(tmp_path):
    path = write(tmp_path, "2022-01-02-hello.md", post(title="Hello"))
    report = run(path)
    prefixes = [f"{language.prefix}/" for language in languages.languages()]
    folders = ", ".join(prefixes[:-1]) + f" or {prefixes[-1]}"  # "zh/ or en/" with the two shipped languages
    assert [str(entry) for entry in report.by_status("rejected")] == [
        f"rejected  {path}:1: language unknown: put the file under a {folders} folder, or pass --lang"
    ]


def test_category_from_the_path_when_front_matter_has_none(tmp_path):
    write(tmp_path, "zh/blog/someone/a.md", post(title="博客"))
    write(tmp_path, "zh/news/b.md", post(title="新闻"))
    run(tmp_path)
    assert Article.objects.get(slug="a").category.slug == "blog"
    assert Article.objects.get(slug="b").category.slug == "news"


def test_an_unknown_category_is_created_and_reported(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", category="Case Studies"))
    report = run(tmp_path)
    assert only_article().category == Category.objects.get(slug="case-studies")
    assert any("new category" in problem.message for problem in report.warnings)


# Slugs and re-import ----------------------------------------------------------


def test_slug_collisions_get_a_numbered_suffix_and_a_warning(tmp_path):
    write(tmp_path, "a/zh/news/20220715.md", post(title="一"))
    write(tmp_path, "b/zh/blog/20220715.md", post(title="二"))
    report = run(tmp_path)
    assert set(Article.objects.values_list("slug", flat=True)) == {"20220715", "20220715-2"}
    assert any("slug “20220715” is taken; using “20220715-2”" in str(problem) for problem in report.warnings)


def test_two_posts_at_one_path_under_the_language_folder_in_one_run_the_second_is_rejected(tmp_path):
    write(tmp_path, "a/zh/news/x.md", post(title="一"))
    second = write(tmp_path, "b/zh/news/x.md", post(title="二"))
    report = run(tmp_path / "a", tmp_path / "b")
    assert only_article().title_zh_hans == "一"
    assert str(report.by_status("rejected")[0]).startswith(
        f"rejected  {second}:1: same path under its language folder (zh/news/x.md) as"
    )


def test_the_same_article_in_two_site_generations_is_imported_once(tmp_path):
    portal = write(
        tmp_path, "portal/zh/news/20220715.md", post(title="'遇贤加入'", date="'2022-07-15'", category="news")
    )
    legacy = write(tmp_path, "website/zh/news/20220715.md", post(title='"遇贤加入"', date='"2022-07-15"'))
    report = run(tmp_path)
    assert only_article().slug == "20220715"
    assert [str(entry) for entry in report.by_status("skipped")] == [
        f"skipped   {legacy} (same language, title and date as {portal}; not imported twice)"
    ]
    again = run(tmp_path)
    assert (again.counts["unchanged"], again.counts["skipped"]) == (1, 1)


def test_a_slug_in_front_matter_is_used_when_valid(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", slug="Chosen_Slug-1"))
    write(tmp_path, "en/news/b.md", post(title="B", slug="'not a slug!'"))
    run(tmp_path)
    assert set(Article.objects.values_list("slug", flat=True)) == {"Chosen_Slug-1", "b"}


def test_the_same_file_always_gets_the_same_slug(tmp_path):
    write(tmp_path, "zh/news/20220715-Hello World.md", post(title="一"))
    run(tmp_path)
    first = only_article().slug
    Article.objects.all().delete()
    run(tmp_path)
    assert only_article().slug == first == "20220715-hello-world"


def test_re_import_finds_the_article_by_its_path_not_its_title(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="Old title"))
    run(tmp_path)
    original = only_article()
    path.write_text(post(title="New title", body="New body.\n"), encoding="utf-8")
    report = run(tmp_path)
    article = only_article()
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0, "rejected": 0}
    assert article.pk == original.pk
    assert article.title_en == "New title"
    assert "New body." in article.body_html_en


def test_a_second_run_reports_unchanged_and_writes_nothing(tmp_path):
    write(tmp_path, "zh/news/a.md", post(title="甲", tags="[x, y]"))
    write(tmp_path, "en/news/a.md", post(title="A"))
    write(tmp_path, "en/news/b.md", post(title="B", body="![Pic](./pic.png)\n"))
    write(tmp_path, "en/news/pic.png", png())
    run(tmp_path)
    with CaptureQueriesContext(connection) as queries:
        report = run(tmp_path)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0, "rejected": 0}
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_an_article_edited_in_the_admin_is_skipped_unless_forced(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A"))
    run(tmp_path)
    article = only_article()
    article.title_en = "Edited by an editor"
    article.save()
    path.write_text(post(title="A from the file, changed"), encoding="utf-8")
    report = run(tmp_path)
    assert [str(entry) for entry in report.by_status("skipped")] == [
        f"skipped   {path} → a (edited since import; --force overwrites)"
    ]
    assert only_article().title_en == "Edited by an editor"
    forced = run(tmp_path, force=True)
    assert forced.counts["updated"] == 1
    assert only_article().title_en == "A from the file, changed"


def test_an_edit_then_an_unchanged_file_is_left_alone(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A"))
    run(tmp_path)
    article = only_article()
    article.tags.add("added-by-editor")
    report = run(tmp_path)
    assert report.counts["unchanged"] == 1
    assert "added-by-editor" in only_article().tags.names()


def test_adding_the_translation_later_updates_the_same_article(tmp_path):
    write(tmp_path, "zh/news/a.md", post(title="甲"))
    run(tmp_path)
    write(tmp_path, "en/news/a.md", post(title="A"))
    report = run(tmp_path)
    article = only_article()
    assert report.counts["updated"] == 1
    assert (article.title_zh_hans, article.title_en) == ("甲", "A")


def test_receivers_that_follow_tags_hear_of_imported_tags(tmp_path):
    heard = []

    def receiver(sender, instance, action, pk_set, **kwargs):
        heard.append((instance.slug, action, sorted(Tag.objects.get(pk=pk).name for pk in pk_set)))

    m2m_changed.connect(receiver, sender=TaggedArticle)
    try:
        path = write(tmp_path, "en/news/a.md", post(title="A", tags="[one, two]"))
        run(tmp_path)
        path.write_text(post(title="A", tags="[one, three]"), encoding="utf-8")
        run(tmp_path)
    finally:
        m2m_changed.disconnect(receiver, sender=TaggedArticle)
    assert ("a", "post_add", ["one", "two"]) in heard
    assert ("a", "post_add", ["three"]) in heard
    assert sorted(only_article().tags.names()) == ["one", "three"]


# Images -----------------------------------------------------------------------


def test_body_images_resolve_beside_the_file_and_in_the_static_root(tmp_path):
    site, public = tmp_path / "docs", tmp_path / "public"
    write(
        site,
        "zh/news/a/index.md",
        post(body="![一](./media/image1.png)\n\n![二](images/x.png)\n\n![三](bare.png)\n\n![四](/img/news/y.png)\n"),
    )
    write(site, "zh/news/a/media/image1.png", png("#ff0000"))
    write(site, "zh/news/a/images/x.png", png("#00ff00"))
    write(site, "zh/news/a/bare.png", png("#0000ff"))
    write(public, "img/news/y.png", png("#ffff00"))
    report = run(site, static_roots=[public])
    article = only_article()
    assert report.warnings == []
    assert set(article.images.values_list("reference", flat=True)) == {
        "media/image1.png",
        "images/x.png",
        "bare.png",
        "img/news/y.png",
    }
    html = article.body_html_zh_hans
    assert html.count('src="/media/') == 4  # served from storage (renditions of the imported files)
    assert "image-missing" not in html


def test_image_names_with_spaces_chinese_and_titles(tmp_path):
    body = '![一](./my photo.png)\n\n![二](<./图 二.png> "Title")\n\n![三](./三.png "Title")\n'
    write(tmp_path, "zh/news/a.md", post(body=body))
    for name, color in (("my photo.png", "#111111"), ("图 二.png", "#222222"), ("三.png", "#333333")):
        write(tmp_path, f"zh/news/{name}", png(color))
    report = run(tmp_path)
    assert report.warnings == []
    assert only_article().body_html_zh_hans.count('src="/media/') == 3


def test_banner_resolves_against_the_static_root(tmp_path):
    site, public = tmp_path / "docs", tmp_path / "public"
    write(site, "zh/news/a.md", post(banner='"img/banners/a.png?t=20191219"'))
    write(public, "img/banners/a.png", png())
    run(site, static_roots=[public])
    article = only_article()
    assert article.banner.name.startswith("imported/")
    assert article.banner.width == 30


def test_the_same_image_content_is_stored_once(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", body="![a](./one.png)\n\n![b](./two.png)\n"))
    write(tmp_path, "en/news/b.md", post(title="B", body="![c](./one.png)\n"))
    write(tmp_path, "en/news/one.png", png())
    write(tmp_path, "en/news/two.png", png())  # same bytes, other name
    run(tmp_path)
    names = set(ArticleImage.objects.values_list("image", flat=True))
    assert ArticleImage.objects.count() == 3
    assert len(names) == 1
    assert default_storage.exists(names.pop())


def test_one_name_for_different_pictures_in_each_language_gives_each_language_its_own(tmp_path):
    """Screenshots of a Chinese and of an English interface often share a file name."""
    write(tmp_path, "zh/news/a/index.md", post(title="甲", body="![设置](./shot.png)\n\n![标志](./logo.png)\n"))
    write(tmp_path, "en/news/a/index.md", post(title="A", body="![Settings](./shot.png)\n\n![Logo](./logo.png)\n"))
    write(tmp_path, "zh/news/a/shot.png", png("#aa0000"))
    write(tmp_path, "en/news/a/shot.png", png("#0000aa"))
    write(tmp_path, "zh/news/a/logo.png", png("#00aa00"))
    write(tmp_path, "en/news/a/logo.png", png("#00aa00"))  # same picture: shared
    report = run(tmp_path)
    assert report.warnings == [] and not report.has_rejections
    article = only_article()
    images = {(image.reference, image.language): image for image in article.images.all()}
    assert set(images) == {("shot.png", "zh-hans"), ("shot.png", "en"), ("logo.png", "")}
    assert Image.open(images["shot.png", "zh-hans"].image).getpixel((0, 0)) == (0xAA, 0, 0)
    assert Image.open(images["shot.png", "en"].image).getpixel((0, 0)) == (0, 0, 0xAA)
    assert images["shot.png", "en"].as_ref().url in article.body_html_en
    assert images["shot.png", "zh-hans"].as_ref().url in article.body_html_zh_hans
    assert images["shot.png", "zh-hans"].as_ref().url not in article.body_html_en
    assert run(tmp_path).counts["unchanged"] == 1


def test_a_missing_image_is_a_warning_with_file_and_line_and_a_visible_placeholder(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A", body="Text.\n\n![Team photo](./media/gone.png)\n"))
    report = run(tmp_path)
    article = only_article()
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:8: image not found, the page shows a placeholder with its alt text: ./media/gone.png"
    ]
    assert '<span class="image-missing" role="img" aria-label="Team photo">Team photo</span>' in article.body_html_en


def test_a_missing_banner_is_a_warning_and_kept_for_export(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A", banner="img/banners/gone.png"))
    report = run(tmp_path)
    assert f"{path}:4: banner not found" in str(report.warnings[0])
    article = only_article()
    assert not article.banner
    assert article.metadata["banner"] == "img/banners/gone.png"


def test_a_changed_image_updates_the_article(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", body="![a](./one.png)\n"))
    image = write(tmp_path, "en/news/one.png", png("#111111"))
    run(tmp_path)
    before = only_article().images.get().image.name
    image.write_bytes(png("#eeeeee"))
    report = run(tmp_path)
    assert report.counts["updated"] == 1
    after = only_article().images.get()
    assert after.image.name != before
    assert f'src="{after.as_ref().url}"' in only_article().body_html_en


# Raw HTML and framework components -----------------------------------------------


def test_raw_html_is_kept_where_safe_and_framework_components_are_dropped_with_a_note(tmp_path):
    body = (
        "<ClientOnly>\n  <news-newsHeader/>\n</ClientOnly>\n\n"
        '<div style="color:red">Boxed **text**</div>\n\n'
        '<img src="./pic.png" width="300">\n\n'
        "<center><font color=white>Centred</font></center>\n\n"
        "<script>alert(1)</script>\n"
    )
    path = write(tmp_path, "en/news/a.md", post(title="A", body=body))
    write(tmp_path, "en/news/pic.png", png())
    report = run(tmp_path)
    html = only_article().body_html_en
    assert "newsHeader" not in html and "ClientOnly" not in html
    assert "<strong>text</strong>" in html
    assert 'width="300"' in html
    assert "Centred" in html and "<font" not in html
    assert "alert" not in html and "<script" not in html
    dropped = "<ClientOnly>, <news-newsHeader/>, </ClientOnly>"
    assert [str(note) for note in report.notes] == [
        f"{path}:6: framework components dropped, not shown on the page: {dropped}"
    ]


# Bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("---\ntitle: [unclosed\ndate: 2022-01-01\n---\nBody\n", 3, "broken YAML front matter"),
        ("---\ndate: 2022-01-01\n---\nNo heading here.\n", 1, "no title"),
        ("---\ntitle: A\nsummary: s\ndate: someday\n---\nBody\n", 4, "unparseable date: 'someday'"),
        ("---\ntitle: A\ndate: 2022-13-45\n---\nBody\n", 3, "unparseable date"),
        ("---\ntitle: A\ndate: 2022-01-01\nBody without an end\n", 1, "never closed"),
        ("---\n- a list\n- not a mapping\n---\nBody\n", 2, "not a list of “key: value” lines"),
        (post(title="A", body="Line\n\n![x](../../../../etc/passwd)\n"), 8, "image path escapes the import root"),
        (post(title="A", body="![x](/etc/passwd)\n"), 6, "outside the import root and --static-root"),
        (post(title="A", banner="../../../../../etc/hosts"), 4, "image path escapes the import root"),
    ],
)
def test_bad_files_are_rejected_with_path_line_and_reason_and_leave_nothing(tmp_path, content, line, reason):
    path = write(tmp_path, "en/news/bad.md", content)
    write(tmp_path, "en/news/good.md", post(title="Good"))
    report = run(tmp_path)
    rejected = report.by_status("rejected")
    assert len(rejected) == 1
    assert str(rejected[0]).startswith(f"rejected  {path}:{line}: ")
    assert reason in rejected[0].message
    assert list(Article.objects.values_list("title_en", flat=True)) == ["Good"]
    assert not ArticleSource.objects.filter(path__endswith="bad.md").exists()


def test_bytes_that_are_not_utf8_are_rejected_with_their_line(tmp_path):
    path = write(
        tmp_path, "zh/news/a.md", "---\ntitle: 标题\ndate: 2022-01-01\n---\n\n".encode() + "正文".encode("gbk")
    )
    report = run(tmp_path)
    assert str(report.by_status("rejected")[0]).startswith(f"rejected  {path}:6: not UTF-8 text (byte 0x")
    assert not Article.objects.exists()


def test_a_symlink_leading_outside_the_import_root_is_rejected(tmp_path):
    outside = write(tmp_path, "outside/secret.png", png())
    site = tmp_path / "site"
    path = write(site, "en/news/a.md", post(title="A", body="![x](./pic.png)\n"))
    os.symlink(outside, site / "en/news/pic.png")
    report = run(site)
    assert "symbolic link leading outside the import root" in str(report.by_status("rejected")[0])
    assert str(report.by_status("rejected")[0]).startswith(f"rejected  {path}:6:")
    assert not Article.objects.exists()


def test_a_markdown_symlink_leading_outside_the_import_root_is_rejected(tmp_path):
    outside = write(tmp_path, "elsewhere/secret.md", post(title="Secret"))
    site = tmp_path / "site"
    (site / "en" / "news").mkdir(parents=True)
    os.symlink(outside, site / "en/news/link.md")
    report = run(site)
    assert report.by_status("rejected")[0].message == "symbolic link leading outside the import root"
    assert not Article.objects.exists()


def test_a_database_error_while_saving_leaves_no_partial_article(tmp_path, monkeypatch):
    write(tmp_path, "en/news/a.md", post(title="A", tags="[one, two]"))

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(TaggedArticle.objects, "bulk_create", fail)
    report = run(tmp_path)
    assert report.by_status("rejected")[0].message == "not saved: disk full"
    assert not Article.objects.exists()
    assert not ArticleSource.objects.exists()


def test_one_article_failing_to_save_leaves_the_others_of_its_batch(tmp_path, monkeypatch):
    write(tmp_path, "en/news/a.md", post(title="Good one", tags="[x]"))
    bad = write(tmp_path, "en/news/b.md", post(title="Bad one", tags="[y]"))
    write(tmp_path, "en/news/c.md", post(title="Good two"))
    real_save = Article.save

    def save(self, *args, **kwargs):
        if self.title_en == "Bad one":
            raise DatabaseError("value too long")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save)
    report = run(tmp_path)
    assert [str(entry) for entry in report.by_status("rejected")] == [f"rejected  {bad}:1: not saved: value too long"]
    assert sorted(Article.objects.values_list("title_en", flat=True)) == ["Good one", "Good two"]
    assert sorted(ArticleSource.objects.values_list("path", flat=True)) == ["en/news/a.md", "en/news/c.md"]
    assert Article.objects.get(title_en="Good one").tags.names()[0] == "x"


def test_dry_run_reports_the_same_and_writes_nothing(tmp_path, settings):
    write(tmp_path, "en/news/a.md", post(title="A", body="![x](./pic.png)\n", category="Brand new"))
    write(tmp_path, "en/news/pic.png", png())
    write(tmp_path, "en/news/bad.md", "---\ntitle: [\n---\n")
    dry = run(tmp_path, dry_run=True)
    assert not Article.objects.exists()
    assert not Category.objects.filter(slug="brand-new").exists()
    assert not (Path(settings.MEDIA_ROOT) / "imported").exists()
    real = run(tmp_path)
    assert dry.counts == real.counts == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 1}
    assert dry.summary() == real.summary() + " (dry run: nothing written)"


# The command ------------------------------------------------------------------


def test_command_prints_the_report_and_fails_when_something_was_rejected(tmp_path):
    write(tmp_path, "en/news/good.md", post(title="Good"))
    bad = write(tmp_path, "en/news/bad.md", "---\ntitle: A\ndate: nope\n---\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 rejected") as error:
        call_command("import_news", str(tmp_path), stdout=out)
    assert error.value.returncode == 1
    text = out.getvalue()
    assert f"rejected  {bad}:3: unparseable date: 'nope'" in text
    assert "Summary: 1 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected; 0 warnings" in text


def test_command_succeeds_and_lists_every_article_at_verbosity_2(tmp_path):
    good = write(tmp_path, "en/news/good.md", post(title="Good"))
    out = io.StringIO()
    call_command("import_news", str(tmp_path), "--dry-run", verbosity=2, stdout=out)
    assert f"created   {good} → good" in out.getvalue()
    assert "(dry run: nothing written)" in out.getvalue()
    assert not Article.objects.exists()


def test_command_at_verbosity_0_prints_rejections_and_the_summary_only(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", body="![x](./gone.png)\n"))
    bad = write(tmp_path, "en/news/bad.md", "---\ntitle: [\n---\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_news", str(tmp_path), verbosity=0, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"rejected  {bad}:")
    assert lines[1].startswith("Summary: 1 created")


def test_command_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    from news.management.commands.import_news import Command

    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert Command().progress_bar() is None
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    show = Command().progress_bar()
    show(5, 10)
    show(10, 10)
    assert "5/10" in capsys.readouterr().err


def test_command_pairs_option_and_lang_option(tmp_path):
    site = tmp_path / "site"
    write(site, "zh/blog/x/20200101.md", post(title="上线"))
    write(site, "en/news/20200101.md", post(title="Launched"))
    pairs = write(tmp_path, "pairs.csv", "zh/blog/x/20200101.md,en/news/20200101.md\n")
    call_command("import_news", str(site), "--pairs", str(pairs), stdout=io.StringIO())
    assert (only_article().title_zh_hans, only_article().title_en) == ("上线", "Launched")
    loose = write(tmp_path, "loose/2023-05-06-note.md", post(title="Note", date="2023-05-06"))
    call_command("import_news", str(loose), "--lang", "en", stdout=io.StringIO())
    assert Article.objects.get(slug="2023-05-06-note").title_en == "Note"


def test_command_refuses_a_static_root_that_is_not_a_folder(tmp_path):
    with pytest.raises(CommandError, match="--static-root"):
        call_command("import_news", str(tmp_path), "--static-root", str(tmp_path / "missing"))


@pytest.mark.django_db(transaction=True)
def test_parallel_rendering_gives_the_same_html(tmp_path, monkeypatch):
    for number in range(6):
        write(tmp_path, f"zh/news/{number}.md", post(title=f"标题{number}", body=f"## 小节\n\n正文**{number}**\n"))
    monkeypatch.setattr(rendering, "PARALLEL_THRESHOLD", 2)
    pools = []
    real_context = rendering.multiprocessing.get_context
    monkeypatch.setattr(rendering.multiprocessing, "get_context", lambda kind: pools.append(kind) or real_context(kind))
    run(tmp_path, processes=2)
    assert pools == ["fork"]
    parallel = dict(Article.objects.values_list("slug", "body_html_zh_hans"))
    Article.objects.all().delete()
    run(tmp_path, processes=1)
    assert dict(Article.objects.values_list("slug", "body_html_zh_hans")) == parallel
    assert "<strong>3</strong>" in parallel["3"]
