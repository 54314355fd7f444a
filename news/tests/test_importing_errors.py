"""Importing Markdown: bad input refused with path, line and reason; the command's output and options."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from news.importing import rendering
from news.models import Article, ArticleSource, Category, TaggedArticle
from news.tests.test_importing import only_article, png, post, run, write

pytestmark = pytest.mark.django_db

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
