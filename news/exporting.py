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

from news.importing.report import Problem
from news.models import Article, images_shown
from translations import languages


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
    articles = Article.objects.select_related("category").prefetch_related("tags", "images").order_by("pk")
    if only_published:
        articles = articles.published()
    if category:
        articles = articles.filter(category__slug=category)
    if since:
        articles = articles.filter(publish_at__gte=since)
    return articles


def front_matter(article: Article, language: str) -> dict:
    """The front matter of one language of an article; metadata keys come back as they were."""
    local = timezone.localtime(article.publish_at)
    data = {
        "title": getattr(article, languages.field("title", language)),
        "slug": article.slug,
        "date": local.date() if local.time() == datetime.min.time() else local.isoformat(),
        "category": article.category.slug,
        "tags": [tag.name for tag in article.tags.all()],
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
        if key.lower() not in data:
            data[key] = value
    return {key: value for key, value in data.items() if value not in ("", [], None)}


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
        for language in article.languages:
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
