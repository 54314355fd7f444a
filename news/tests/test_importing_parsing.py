"""What one file says: authors as written, external images, what a missing banner means for the page."""

import pytest

from news.models import Article
from news.tests.test_importing import only_article, post, run, write

pytestmark = pytest.mark.django_db


def test_an_author_string_is_one_author_and_a_list_is_several(tmp_path):
    write(tmp_path, "en/news/a.md", post(title="A", author="'WangXun, Technical Committee'"))
    write(tmp_path, "en/news/b.md", post(title="B", author="[WangXun, Technical Committee]"))
    run(tmp_path)
    one, several = (article.authors for article in Article.objects.order_by("slug"))
    assert one == ["WangXun, Technical Committee"]
    assert several == ["WangXun", "Technical Committee"]


def test_external_images_are_kept_and_warned_with_file_line_and_host(tmp_path):
    body = "Text.\n\n![Chart](https://cdn.example.org/chart.png)\n"
    path = write(tmp_path, "en/news/a.md", post(title="A", body=body, banner="http://img.example.com/b.png"))
    report = run(tmp_path)
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:9: external image kept as written: the page loads it from cdn.example.org (not stored here): "
        "https://cdn.example.org/chart.png",
        f"{path}:4: external banner from img.example.com not stored: the article shows no banner",
    ]
    article = only_article()
    assert "https://cdn.example.org/chart.png" in article.body_html_en
    assert not article.banner and article.metadata["banner"] == "http://img.example.com/b.png"


def test_a_missing_banner_says_the_article_shows_none(tmp_path):
    path = write(tmp_path, "en/news/a.md", post(title="A", banner="img/gone.png"))
    report = run(tmp_path)
    assert [str(problem) for problem in report.warnings] == [
        f"{path}:4: banner not found, the article shows no banner: img/gone.png"
    ]


def test_control_characters_are_removed_from_files_and_front_matter_and_the_feed_answers(tmp_path, client):
    """As the admin's forms do: raw ones in the file, and those YAML escapes make, never get in."""
    text = post(
        title='"Release\\x01 notes\\u0000"',
        summary="Sum\x0bmary",
        tags="[ker\x1bnel, cloud]",
        body="Body\x0c text \x1b[31mred.\n",
    )
    write(tmp_path, "en/news/a.md", text)
    report = run(tmp_path)
    assert report.counts["created"] == 1, [str(entry) for entry in report.entries]
    article = Article.objects.get()
    assert (article.title_en, article.summary_en) == ("Release notes", "Summary")
    assert article.body_en.strip() == "Body text [31mred."
    assert sorted(article.tags.names()) == ["cloud", "kernel"]
    response = client.get("/en/news/rss/")
    assert response.status_code == 200 and b"Release notes" in response.content
