"""Data migrations that rewrite stored values."""

import importlib

import pytest
from django.apps import apps

from news.models import ArticleSource
from news.tests.factories import article

pytestmark = pytest.mark.django_db


def test_source_paths_become_paths_under_the_language_folder():
    migration = importlib.import_module("news.migrations.0004_article_source_front_matter_and_identity")
    one, two, three = article(zh="一"), article(zh="二"), article(en="Three")
    ArticleSource.objects.create(article=one, language="zh-hans", path="website/docs/zh/news/a.md")
    ArticleSource.objects.create(article=two, language="zh-hans", path="portal/zh/news/a.md")  # same path below zh/
    ArticleSource.objects.create(article=three, language="en", path="notes/b.md")  # imported with --lang

    migration.identity_paths(apps, None)

    paths = dict(ArticleSource.objects.values_list("article__pk", "path"))
    # One of two copies takes the path; the other keeps its own rather than clash with it.
    assert sorted([paths[one.pk], paths[two.pk]]) == ["website/docs/zh/news/a.md", "zh/news/a.md"]
    assert paths[three.pk] == "en/notes/b.md"
