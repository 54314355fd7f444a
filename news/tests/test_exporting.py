"""export_news: articles back to front-matter Markdown, and the import → export → import round trip."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from news import importing
from news.importing import frontmatter
from news.models import Article, ArticleImage, ArticleSource
from news.tests.factories import article as make_article
from news.tests.test_importing import png, post, write
from tags.models import Tag

pytestmark = pytest.mark.django_db


def front_matter_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(frontmatter.split_front_matter(text)[0])


def digest(field_file) -> str:
    with field_file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def snapshot() -> dict:
    """Everything that must survive a round trip, by slug."""
    result = {}
    for article in Article.objects.prefetch_related("tags", "images").select_related("category"):
        fields = {
            name: getattr(article, name)
            for name in (
                "title_zh_hans",
                "title_en",
                "summary_zh_hans",
                "summary_en",
                "body_zh_hans",
                "body_en",
                "body_html_zh_hans",
                "body_html_en",
                "banner_alt_zh_hans",
                "banner_alt_en",
                "author",
                "status",
                "publish_at",
                "source_language",
                "metadata",
            )
        }
        fields.update(
            category=article.category.slug,
            tags=sorted(article.tags.names()),
            languages=article.languages,
            banner=digest(article.banner) if article.banner else None,
            images={(image.reference, image.language): digest(image.image) for image in article.images.all()},
        )
        result[article.slug] = fields
    return result


def build_site(root: Path, public: Path) -> None:
    write(
        root,
        "zh/news/20220715-partner/index.md",
        post(
            title="'伙伴加入'",
            date="'2022-07-15 09:30:00 +08:00'",
            tags="[openEuler, 伙伴]",
            banner="img/banners/partner.png",
            author="[Ann, Bo]",
            summary="中文摘要",
            archives="2022-07",
            sig="sig-Infra",
            body=(
                "# 伙伴加入\n\n正文 **粗体**。\n\n![合影](./media/photo.png)\n\n![缺](./media/gone.png)\n\n"
                "![界面](media/ui.png)\n"
            ),
        ),
    )
    write(root, "zh/news/20220715-partner/media/photo.png", png("#123456"))
    write(root, "zh/news/20220715-partner/media/ui.png", png("#aa0000"))  # a Chinese screenshot …
    write(root, "en/news/20220715-partner/media/ui.png", png("#0000aa"))  # … and the English one, named alike
    write(
        root,
        "en/news/20220715-partner/index.md",
        post(
            title="Partner joins",
            date="2022-07-15",
            tags="[openEuler, partner]",
            summary="English summary",
            body="Body with a [link](https://example.org/).\n\n![Photo](/img/news/shared.png)\n\n![UI](media/ui.png)\n",
        ),
    )
    write(public, "img/banners/partner.png", png("#abcdef", size=(60, 20)))
    write(public, "img/news/shared.png", png("#fedcba"))
    write(root, "en/blog/someone/2023-01-02-notes.md", "# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    write(root, "en/blog/someone/2023-02-03-draft.md", post(title="Draft post", date="2023-02-03", draft="true"))
    write(root, "zh/news/20240101.md", post(title="元旦", date="2024-01-01", banner="img/banners/missing.png"))


def test_import_export_import_into_an_empty_database_gives_the_same_articles(tmp_path):
    site, public, out = tmp_path / "site", tmp_path / "public", tmp_path / "out"
    build_site(site, public)
    first = importing.import_paths([site], static_roots=[public])
    assert first.counts["created"] == 4 and not first.has_rejections
    before = snapshot()
    assert before["20220715-partner"]["images"] and before["20220715-partner"]["banner"]
    languages = {
        language for reference, language in before["20220715-partner"]["images"] if reference == "media/ui.png"
    }
    assert languages == {"zh-hans", "en"}

    call_command("export_news", str(out), stdout=io.StringIO())
    Article.objects.all().delete()
    Tag.objects.all().delete()
    assert not ArticleImage.objects.exists() and not ArticleSource.objects.exists()

    again = importing.import_paths([out])
    assert again.counts["created"] == 4 and not again.has_rejections
    assert snapshot() == before


def test_export_layout_images_beside_and_unknown_keys_again(tmp_path):
    site, public, out = tmp_path / "site", tmp_path / "public", tmp_path / "out"
    build_site(site, public)
    importing.import_paths([site], static_roots=[public])
    output = io.StringIO()
    call_command("export_news", str(out), stdout=output)
    folder = out / "zh" / "news" / "20220715-partner"
    data = front_matter_of(folder / "20220715-partner.md")
    assert data["title"] == "伙伴加入"
    assert data["date"] == "2022-07-15 09:30:00 +08:00"  # as the file wrote it
    assert data["author"] == ["Ann", "Bo"]
    assert data["tags"] == ["openEuler", "伙伴"]
    assert data["archives"] == "2022-07" and data["sig"] == "sig-Infra"
    assert data["banner"] == "banner.png"
    assert (folder / "banner.png").is_file()
    assert (folder / "media" / "photo.png").is_file()
    assert (folder / "img" / "news" / "shared.png").is_file()
    english = out / "en" / "news" / "20220715-partner"
    assert (folder / "media" / "ui.png").read_bytes() == (site / "zh/news/20220715-partner/media/ui.png").read_bytes()
    assert (english / "media" / "ui.png").read_bytes() == (site / "en/news/20220715-partner/media/ui.png").read_bytes()
    english_data = front_matter_of(english / "20220715-partner.md")
    assert "banner" not in english_data  # the English file had none
    assert english_data["tags"] == ["openEuler", "partner"]
    assert list(english_data) == ["title", "date", "tags", "summary"]
    assert front_matter_of(out / "zh" / "news" / "20240101" / "20240101.md")["banner"] == "img/banners/missing.png"
    assert front_matter_of(out / "en" / "blog" / "2023-02-03-draft" / "2023-02-03-draft.md")["draft"] is True
    assert "4 articles exported: 5 Markdown files" in output.getvalue()


def test_articles_made_in_the_admin_survive_the_round_trip(tmp_path):
    from news.models import ArticleImage
    from news.tests.factories import png_file

    made = make_article(zh="后台文章", en="Made_In Admin", body_en="![Shot](shot.png)\n", tags=("Kernel", "内核"))
    made.slug = "Made_In-Admin"
    made.save()
    ArticleImage.objects.create(article=made, image=png_file("shot.png"), reference="shot.png", alt_en="Shot")
    before = snapshot()
    assert 'src="/media/renditions/' in before["Made_In-Admin"]["body_html_en"]
    call_command("export_news", str(tmp_path / "out"), stdout=io.StringIO())
    Article.objects.all().delete()
    Tag.objects.all().delete()
    report = importing.import_paths([tmp_path / "out"])
    assert report.counts["created"] == 1 and not report.warnings
    after = snapshot()
    assert set(after) == {"Made_In-Admin"}
    assert after["Made_In-Admin"]["images"] == before["Made_In-Admin"]["images"]
    assert after["Made_In-Admin"]["tags"] == before["Made_In-Admin"]["tags"]
    assert after["Made_In-Admin"]["title_zh_hans"] == "后台文章"
    assert 'src="/media/renditions/' in after["Made_In-Admin"]["body_html_en"]
    assert "image-missing" not in after["Made_In-Admin"]["body_html_en"]


def test_export_filters(tmp_path):
    make_article(en="Old news", days_ago=400, category_slug="news")
    make_article(en="Fresh blog", days_ago=2, category_slug="blog")
    make_article(en="A draft", status=Article.Status.DRAFT, days_ago=1)
    make_article(en="Scheduled", days_ago=-3)

    def exported(*options):
        out = tmp_path / "-".join(options or ("all",))
        call_command("export_news", str(out), *options, stdout=io.StringIO())
        return sorted(front_matter_of(path)["title"] for path in out.rglob("*.md"))

    assert exported() == ["A draft", "Fresh blog", "Old news", "Scheduled"]
    assert exported("--only-published") == ["Fresh blog", "Old news"]
    assert exported("--category", "blog") == ["Fresh blog"]
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert exported("--since", since) == ["A draft", "Fresh blog", "Scheduled"]


def test_export_refuses_a_since_that_is_not_a_date(tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_news", str(tmp_path), "--since", "last week")


def test_export_writes_each_files_keys_as_written_and_what_changed_since(tmp_path):
    write(
        tmp_path / "site",
        "en/news/a.md",
        post(title="A", date="2020-7-5", Tags="[release, Kernel, AI]", author="'WangXun, Technical Committee'"),
    )
    importing.import_paths([tmp_path / "site"])
    article = Article.objects.get()
    assert article.author == "WangXun, Technical Committee"
    call_command("export_news", str(tmp_path / "out"), stdout=io.StringIO())
    exported = tmp_path / "out" / "en" / "news" / "a" / "a.md"
    data = front_matter_of(exported)
    assert list(data) == ["title", "date", "Tags", "author"]
    assert data["Tags"] == ["release", "Kernel", "AI"]  # order and spelling as written
    assert data["author"] == "WangXun, Technical Committee"  # one author, still a string
    assert str(data["date"]) == "2020-7-5"

    article.title_en = "A, edited"
    article.author = "Someone Else"
    article.save()
    article.tags.set([Tag.objects.get(name="release")])
    call_command("export_news", str(tmp_path / "again"), stdout=io.StringIO())
    data = front_matter_of(tmp_path / "again" / "en" / "news" / "a" / "a.md")
    assert (data["title"], data["author"], data["Tags"]) == ("A, edited", "Someone Else", ["release"])
