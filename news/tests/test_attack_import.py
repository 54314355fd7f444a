"""The attack corpus through the Markdown import: in bodies and in every front-matter field.

Each file of a sample (every third payload of each category) carries the payload
in its body and in its title, summary, tags, category, author and banner alt;
YAML tricks (block scalars, anchors and aliases, unknown keys like ``__proto__``)
arrive as plain text, and ``!!python/...`` tags are refused by the safe loader,
the file rejected with its line and nothing written. Every page then showing
the imported text is parsed as a browser would and must hold nothing executable.
"""

import json
import xml.etree.ElementTree as ET

import pytest

from news.importing import import_paths
from news.models import Article, Category
from news.tests.factories import png_file
from news.tests.test_attack_corpus import _feed_html
from news.tests.xss import sample, unsafe_parts
from tags.models import Tag

pytestmark = pytest.mark.django_db
SAMPLE = sample(3)


def quoted(text: str) -> str:
    """A YAML scalar holding ``text`` exactly (a JSON string is a YAML double-quoted scalar)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter_post(number: int, payload: str) -> str:
    return "\n".join(
        [
            "---",
            f"title: {quoted(f'Imported {number} {payload}')}",
            "date: 2024-03-01",
            f"summary: {quoted(payload)}",
            f"tags: [attack, {quoted(payload[:40])}]",
            f"category: {quoted(payload[:40]) if number % 4 == 0 else 'news'}",
            f"author: {quoted(payload[:60])}",
            "banner: banner.png",
            f"banner_alt: {quoted(payload)}",
            f"slug: imported-{number}",
            f"__proto__: {quoted(payload)}",
            f"constructor: {{prototype: {quoted(payload)}}}",
            "---",
            "",
            "Before the payload.",
            "",
            payload,
            "",
            "After the payload.",
            "",
        ]
    )


YAML_TRICKS = """---
title: &title "<img src=x onerror=alert(1)> anchored"
date: 2024-03-02
summary: *title
author: |
  <script>alert(1)</script>
  second line
banner_alt: >
  <svg onload=alert(1)>
  folded
tags:
  - &tag "<b onmouseover=alert(1)>"
  - *tag
slug: yaml-tricks
? "<a href=javascript:alert(1)>key</a>"
: value
merge: &base {x: "<iframe src=javascript:alert(1)>"}
merged:
  <<: *base
---

Body with [a link](javascript:alert(1)).
"""

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch /tmp/pwned']",
    "!!python/object:builtins.object {}",
    "!!python/name:os.system",
    "!!python/object/new:subprocess.Popen [['true']]",
]


@pytest.fixture
def imported(tmp_path):
    (tmp_path / "banner.png").write_bytes(png_file("banner.png", (1200, 600)).read())
    for number, payload in enumerate(SAMPLE):
        (tmp_path / f"imported-{number}.md").write_text(front_matter_post(number, payload), encoding="utf-8")
    (tmp_path / "yaml-tricks.md").write_text(YAML_TRICKS, encoding="utf-8")
    report = import_paths([str(tmp_path)], language="en")
    assert not report.has_rejections, [str(entry) for entry in report.entries if entry.status == "rejected"]
    return Article.objects.filter(slug__startswith="imported-").order_by("pk")


def assert_safe(response, where):
    assert response.status_code == 200, (where, response.status_code)
    problems = unsafe_parts(response.content.decode(), page=True)
    assert not problems, (where, problems)


def test_payloads_in_front_matter_and_body_reach_no_page_executable(client, admin_client, imported):
    assert imported.count() == len(SAMPLE)
    tricks = Article.objects.get(slug="yaml-tricks")
    assert tricks.summary_en == tricks.title_en == "<img src=x onerror=alert(1)> anchored"  # an alias is the text
    assert "<script>alert(1)</script>" in tricks.author  # kept as text, escaped wherever shown
    for obj in [*imported, tricks]:
        assert obj.banner_alt_en, obj.slug
        assert not unsafe_parts(obj.body_html_en), (obj.slug, obj.body_html_en)
        assert_safe(client.get(f"/en/news/{obj.slug}/"), obj.slug)
    for number in range(1, len(SAMPLE) // 20 + 3):
        response = client.get("/en/news/", {"page": number})
        if response.status_code == 404:
            break
        assert_safe(response, f"list page {number}")
    tags = Tag.objects.filter(article__slug__startswith="imported-").distinct()
    assert tags.count() > 10
    for tag in tags:
        assert_safe(client.get(f"/en/news/tag/{tag.slug}/"), tag.name)
    categories = Category.objects.filter(articles__slug__startswith="imported-").distinct()
    assert categories.count() > 5
    for category in categories:
        assert_safe(client.get(f"/en/news/category/{category.slug}/"), category.name_en)
    for query in ("imported", "script", "alert", "onerror", "javascript"):
        assert_safe(client.get("/en/search/", {"q": query}), query)
    for url in ("/en/news/rss/", "/en/news/atom/", "/en/news/tag/attack/atom/"):
        fragments = _feed_html(client.get(url).content)
        assert fragments, url
        for fragment in fragments:
            assert not unsafe_parts(fragment), (url, fragment)
    ET.fromstring(client.get("/sitemap.xml").content)  # well-formed whatever the names hold
    for obj in imported[::6]:
        response = admin_client.get(f"/admin/news/article/{obj.pk}/change/")
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_object_tags_are_refused_and_nothing_is_written(tmp_path, tag):
    text = f"---\ntitle: Harmless\ndate: 2024-03-01\nsummary: {tag}\n---\n\nBody.\n"
    (tmp_path / "evil.md").write_text(text, encoding="utf-8")
    report = import_paths([str(tmp_path)], language="en")
    (rejected,) = [entry for entry in report.entries if entry.status == "rejected"]
    assert rejected.line == 4 and "YAML" in rejected.message, str(rejected)
    assert not Article.objects.exists()
