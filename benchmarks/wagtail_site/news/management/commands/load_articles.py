"""Fill the site with the articles benchmarks/peer.py exported from the portal's generator.

    python -m django load_articles ARTICLES.json

Each language gets a home page and a news index under the tree's root, added with
``add_child`` as an editor's would be, and one live news page per article; the
two pages of an article share a translation key, as ``copy_for_translation``
would leave them. The thousands of articles are written in bulk rather than with
``add_child`` (which saves, cleans and indexes page by page): their Page rows
with ``bulk_create``, carrying what ``Page.save`` would set (the tree path after
the index's last child, depth, URL path, draft title, publication dates), their
NewsPage rows in one ``executemany``, then the index's child count. The tree is
checked with treebeard's ``find_problems`` before the transaction ends.
"""

import json
import time
import uuid
from datetime import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from taggit.models import Tag
from wagtail.models import Locale, Page, Site

from wagtail_site.news.models import Category, HomePage, NewsIndexPage, NewsPage, NewsPageTag

LANGUAGES = ("zh-hans", "en")
HOME = {"zh-hans": ("Lantern OS 社区新闻", "home"), "en": ("Lantern OS community news", "home-en")}
INDEX = {"zh-hans": "全部文章", "en": "All articles"}
BATCH = 500


class Command(BaseCommand):
    help = "Write the home pages, news indexes, categories, tags and articles of an exported JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        data = json.loads(file.read_text())
        started = time.perf_counter()
        with transaction.atomic():
            locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
            indexes = self.site(locales)
            categories = self.categories(data["categories"], locales)
            tags = self.tags(data["articles"])
            keys = [uuid.uuid4() for _ in data["articles"]]
            for code in LANGUAGES:
                self.articles(data["articles"], keys, code, indexes[code], categories[code], tags)
            problems = Page.find_problems()
            if any(problems):
                raise CommandError(f"the page tree has problems: {problems}")
        seconds = time.perf_counter() - started
        pages = len(data["articles"]) * len(LANGUAGES)
        self.stdout.write(f"Wrote {pages} news pages in {seconds:.1f} s ({pages / seconds:.0f} pages/s).")

    def site(self, locales) -> dict[str, NewsIndexPage]:
        """A home page and a news index per language; the default site's root is the Chinese home."""
        root = Page.get_first_root_node()
        for page in root.get_children():  # Wagtail's welcome page (and with it the default site)
            page.delete()
        home_key, index_key, indexes, homes = uuid.uuid4(), uuid.uuid4(), {}, {}
        for code, locale in locales.items():
            title, slug = HOME[code]
            homes[code] = root.add_child(
                instance=HomePage(title=title, slug=slug, locale=locale, translation_key=home_key, intro=INDEX[code])
            )
            indexes[code] = homes[code].add_child(
                instance=NewsIndexPage(title=INDEX[code], slug="news", locale=locale, translation_key=index_key)
            )
        Site.objects.create(
            hostname="localhost", port=80, root_page=homes[LANGUAGES[0]], is_default_site=True, site_name="Lantern OS"
        )
        return indexes

    def categories(self, rows, locales) -> dict[str, dict[str, Category]]:
        made = {code: {} for code in locales}
        for position, (slug, *names) in enumerate(rows):
            key = uuid.uuid4()
            for (code, locale), name in zip(locales.items(), names, strict=True):
                made[code][slug] = Category.objects.create(
                    locale=locale, translation_key=key, name=name, slug=slug, position=position
                )
        return made

    def tags(self, articles) -> dict[str, int]:
        """Tag ids by name: an article's Chinese page carries the Chinese labels, its English page the English."""
        names = sorted({name for article in articles for pair in article["tags"] for name in pair})
        Tag.objects.bulk_create([Tag(name=name, slug=Tag().slugify(name)) for name in names])
        return dict(Tag.objects.values_list("name", "pk"))

    def articles(self, articles, keys, code: str, index: NewsIndexPage, categories, tags) -> None:
        content_type = ContentType.objects.get_for_model(NewsPage)
        depth, locale_id = index.depth + 1, index.locale_id
        pages, extra = [], []
        for step, (article, key) in enumerate(zip(articles, keys, strict=True), index.numchild + 1):
            text, date = article[code], datetime.fromisoformat(article["date"])
            page = Page(
                title=text["title"],
                draft_title=text["title"],
                slug=article["slug"],
                content_type=content_type,
                path=Page._get_path(index.path, depth, step),
                depth=depth,
                numchild=0,
                url_path=f"{index.url_path}{article['slug']}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=date,
                last_published_at=date,
                locale_id=locale_id,
                translation_key=key,
            )
            pages.append(page)
            extra.append((date, text["summary"], categories[article["category"]].pk, text["body"]))
        Page.objects.bulk_create(pages, batch_size=BATCH)
        ids = dict(Page.objects.filter(path__in=[page.path for page in pages]).values_list("path", "pk"))
        fields = [NewsPage._meta.get_field(name) for name in ("page_ptr", "date", "summary", "category", "body")]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        rows = [
            [fields[0].get_db_prep_save(ids[page.path], connection)]
            + [field.get_db_prep_save(value, connection) for field, value in zip(fields[1:], values, strict=True)]
            for page, values in zip(pages, extra, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(NewsPage._meta.db_table)} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})",
                rows,
            )
        language = LANGUAGES.index(code)
        NewsPageTag.objects.bulk_create(
            [
                NewsPageTag(content_object_id=ids[page.path], tag_id=tags[pair[language]])
                for page, article in zip(pages, articles, strict=True)
                for pair in article["tags"]
            ],
            batch_size=BATCH,
        )
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(pages))
