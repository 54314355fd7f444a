"""Import identity: a file is known by its path under its language folder, whatever the import root."""

import pytest

from news.models import Article, ArticleSource
from news.tests.test_importing import only_article, post, run, write

pytestmark = pytest.mark.django_db


def test_a_single_file_below_a_language_folder_is_accepted(tmp_path):
    path = write(tmp_path, "docs/zh/news/20220812.md", post(title="一"))
    report = run(path)
    assert report.counts["created"] == 1
    article = only_article()
    assert article.category.slug == "news" and article.has_language("zh-hans")
    assert list(ArticleSource.objects.values_list("path", flat=True)) == ["zh/news/20220812.md"]


def test_the_root_a_sub_folder_and_the_single_file_find_the_same_article(tmp_path):
    path = write(tmp_path, "site/docs/zh/news/20220815.md", post(title="一"))
    run(tmp_path / "site")
    for given in (tmp_path / "site" / "docs", tmp_path / "site" / "docs" / "zh", tmp_path / "site/docs/zh/news", path):
        report = run(given)
        assert [entry.status for entry in report.entries] == ["unchanged"], given
    assert Article.objects.count() == 1


def test_an_edited_file_from_another_root_updates_the_article(tmp_path):
    write(tmp_path, "old/zh/news/20220815.md", post(title="一"))
    run(tmp_path / "old")
    write(tmp_path, "new/website/zh/news/20220815.md", post(title="一", body="改过的正文。\n"))
    report = run(tmp_path / "new")
    assert [entry.status for entry in report.entries] == ["updated"]
    assert "改过的正文" in only_article().body_zh_hans
    assert ArticleSource.objects.get().path == "zh/news/20220815.md"


def test_force_updates_an_article_that_another_file_repeats(tmp_path):
    """Same language, title and date at another path: skipped, unless --force, which updates the article."""
    write(tmp_path, "a/zh/news/20220815.md", post(title="一"))
    run(tmp_path / "a")
    write(tmp_path, "b/zh/blog/renamed.md", post(title="一", date="2022-07-15", body="新正文。\n"))
    write(tmp_path, "a/zh/news/20220815.md", post(title="一"))
    skipped = run(tmp_path / "b")
    assert [entry.status for entry in skipped.entries] == ["skipped"]
    assert "--force" in skipped.entries[0].message

    forced = run(tmp_path / "b", force=True)

    assert [entry.status for entry in forced.entries] == ["updated"]
    assert "新正文" in only_article().body_zh_hans


def test_force_rewrites_even_an_unchanged_file(tmp_path):
    write(tmp_path, "zh/news/a.md", post(title="一"))
    run(tmp_path)
    Article.objects.update(title_zh_hans="编辑改过")
    assert run(tmp_path).entries[0].status == "unchanged"  # the file did not change: the edit stays
    assert run(tmp_path, force=True).entries[0].status == "updated"
    assert only_article().title_zh_hans == "一"


def test_copies_whose_titles_differ_in_full_width_punctuation_are_one_post(tmp_path):
    write(tmp_path, "portal/zh/news/20220715.md", post(title="'遇贤加入（openEuler）：欢迎'"))
    legacy = write(tmp_path, "website/zh/news/20220715.md", post(title="'遇贤加入(openEuler): 欢迎'"))
    report = run(tmp_path)
    assert report.counts["created"] == 1
    assert [entry.path for entry in report.by_status("skipped")] == [str(legacy)]
