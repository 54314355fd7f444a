"""Articles back to front-matter Markdown files, in the layout ``news.importing`` reads.

Each language of an article becomes ``<lang>/<category>/<slug>/<slug>.md``
(``zh/…`` and ``en/…``), its images written beside it under the names the
body uses (the shared ones and that language's own), so that importing
the folder into an empty database gives the same articles again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from django.utils import timezone

from news.importing.frontmatter import KNOWN_KEYS, author_list, canonical_key, date_from_names, parse_date, text_list
from news.importing.report import Problem
from news.importing.sources import CATEGORY_FOLDERS
from news.models import Article, images_shown
from translations import languages

# Keys of the whole article: written into a file that lacked them only when no file of the article had them.
ARTICLE_KEYS = ("tags", "author", "draft", "banner")


@dataclass
class ExportReport:
    articles: int = 0
    files: int = 0
    images: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.articles} articles exported: {self.files} Markdown files, {self.images} images"


def articles_to_export(*, only_published: bool = False, category: str | None = None, since: datetime | None = None):
    """The articles an export writes: all, or published only, of a category, dated on or after ``since``."""
    articles = Article.objects.select_related("category").prefetch_related("tags", "images", "sources").order_by("pk")
    if only_published:
        articles = articles.published()
    if category:
        articles = articles.filter(category__slug=category)
    if since:
        articles = articles.filter(publish_at__gte=since)
    return articles


def front_matter(article: Article, language: str) -> dict:
    """The front matter of one language of an article.

    An imported file's own front matter comes back key by key, as it was
    written (tag order and spelling, an author string or list, dates as
    typed), wherever the article still says the same; what changed since is
    written from the article. An article made in the admin gets every key.
    """
    current = current_front_matter(article, language)
    written = written_front_matter(article, language)
    if written is None:
        return current
    data = {}
    for key, value in written.items():
        canonical = canonical_key(key)
        if canonical not in KNOWN_KEYS:
            data[key] = (article.metadata or {}).get(key, value)
        elif still_says(article, language, canonical, value):
            data[key] = value
        elif canonical in current:
            data[key] = current[canonical]
    covered = {canonical_key(key) for key in data}
    in_any_file = {canonical_key(key) for source in article.sources.all() for key in as_written(source)}
    for key, value in current.items():
        if key in covered:
            continue
        per_language = key in ("summary", "banner_alt")
        needed_date = key == "date" and date_from_names([article.slug]) != article.publish_at
        if per_language or needed_date or (key in ARTICLE_KEYS and key not in in_any_file):
            data[key] = value  # set in the admin since, or needed to read the file back
    return data


def current_front_matter(article: Article, language: str) -> dict:
    """Every key an article has, from its fields (metadata keys come back as they were)."""
    local = timezone.localtime(article.publish_at)
    data = {
        "title": getattr(article, languages.field("title", language)),
        "slug": article.slug,
        "date": local.date() if local.time() == datetime.min.time() else local.isoformat(),
        "category": article.category.slug,
        "tags": [tag_label(tag, language) for tag in article.tags.all()],
        "author": article.authors if len(article.authors) > 1 else article.author,
        "summary": getattr(article, languages.field("summary", language)) or "",
    }
    if article.banner:
        data["banner"] = banner_name(article)
    banner_alt = getattr(article, languages.field("banner_alt", language))
    if banner_alt:
        data["banner_alt"] = banner_alt
    if article.status == Article.Status.DRAFT:
        data["draft"] = True
    for key, value in (article.metadata or {}).items():
        if key.lower() not in data and not key.startswith("_"):  # "_…": kept by the importer, not front matter
            data[key] = value
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def written_front_matter(article: Article, language: str) -> dict | None:
    """The front matter of the file this language was imported from, if it was."""
    source = next((source for source in article.sources.all() if source.language == language), None)
    return as_written(source) or None if source is not None else None


def as_written(source) -> dict:
    """A source's front matter as a dict in the file's order (stored as [key, value] pairs)."""
    stored = source.front_matter or []
    return dict(stored.items() if isinstance(stored, dict) else ((key, value) for key, value in stored))


def tag_label(tag, language: str) -> str:
    return getattr(tag, languages.field("label", language)) or tag.name


def still_says(article: Article, language: str, key: str, value) -> bool:
    """Whether a front-matter value as written still says what the article says."""
    text = "" if value is None else str(value).strip()
    if key in ("title", "summary", "banner_alt"):
        return text == (getattr(article, languages.field(key, language)) or "")
    if key == "date":
        return parse_date(value) == article.publish_at
    if key == "author":
        names = author_list(value)
        return ", ".join(names) == article.author
    if key == "tags":  # each file may list some of the tags: together they are the article's
        every_file = [
            name
            for source in article.sources.all()
            for written_key, written in as_written(source).items()
            if canonical_key(written_key) == "tags"
            for name in text_list(written)
        ]
        return same_tags(text_list(value), every_file, list(article.tags.all()))
    if key == "draft":
        return (value in (True, "true", "yes")) == (article.status == Article.Status.DRAFT)
    if key == "category":
        return CATEGORY_FOLDERS.get(text.lower(), text.lower()) == article.category.slug or text.casefold() in {
            (getattr(article.category, name) or "").casefold() for name in languages.fields("name")
        }
    # The banner is written beside the file under another name; slug and translation_key stay as written.
    return key != "banner"


def same_tags(written: list[str], every_file: list[str], tags: list) -> bool:
    """Whether a file's tags (names or labels, any case) are still tags of the article, and all files' are all."""
    by_key = {}
    for tag in tags:
        for value in (tag.name, *(getattr(tag, name) for name in languages.fields("label"))):
            if value:
                by_key.setdefault(value.casefold(), tag.pk)
    found = [by_key.get(name.casefold()) for name in written]
    together = {by_key.get(name.casefold()) for name in [*written, *every_file]}
    return None not in found and together == {tag.pk for tag in tags}


def banner_name(article: Article) -> str:
    return "banner" + Path(article.banner.name).suffix.lower()


def render_file(article: Article, language: str) -> str:
    header = yaml.safe_dump(front_matter(article, language), allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{header}---\n{getattr(article, languages.field('body', language)) or ''}"


def export_articles(outdir: Path, articles) -> ExportReport:
    """Write the articles under ``outdir``; returns what was written."""
    report = ExportReport()
    outdir = Path(outdir)
    for article in articles:
        report.articles += 1
        for language in article.written_languages:
            folder = outdir / languages.get(language).prefix / article.category.slug / article.slug
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{article.slug}.md"
            path.write_text(render_file(article, language), encoding="utf-8")
            report.files += 1
            report.images += _write_images(
                article, language, folder=folder, outdir=outdir, report=report, shown=str(path)
            )
    return report


def _write_images(
    article: Article, language: str, *, folder: Path, outdir: Path, report: ExportReport, shown: str
) -> int:
    """The images one language's body shows (shared ones overlaid by its own), beside its file."""
    written = 0
    files = [(image.image, reference) for reference, image in images_shown(article.images.all(), language).items()]
    if article.banner:
        files.append((article.banner, banner_name(article)))
    for stored, reference in files:
        target = (folder / reference).resolve()
        if not reference or not target.is_relative_to(outdir.resolve()):
            report.warnings.append(
                Problem(shown, 0, f"image “{reference}” left out: its name leads outside the export")
            )
            continue
        try:
            with stored.open("rb") as source:
                data = source.read()
        except OSError:
            report.warnings.append(Problem(shown, 0, f"image file missing from storage: {stored.name}"))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written
