"""import_news: front-matter Markdown files and folder trees to articles."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.signals import m2m_changed
from django.test.utils import CaptureQueriesContext

from news import importing
from news.models import Article, ArticleSource, Category, TaggedArticle
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
