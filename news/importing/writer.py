"""Creating and updating articles from the parsed files of one article, each in its own savepoint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, router, transaction
from django.db.models.signals import m2m_changed

from news import history
from news.importing.files import STORAGE_FOLDER, ImageStore, StoredImage
from news.importing.markdown_scan import comparable, normalize_target
from news.importing.parsing import ParsedFile, Settings
from news.importing.report import Report
from news.importing.sources import CATEGORY_FOLDERS
from news.importing.tagging import TagIndex
from news.models import AUTHORS_KEY, Article, ArticleImage, ArticleSource, Category, TaggedArticle
from tags.models import Tag, ascii_slug, hashed_slug
from translations import languages

DEFAULT_CATEGORY = "news"

ImageKey = tuple[str, str]  # (normalised reference, language or "" for every language)


def image_mark(key: ImageKey, name: str) -> tuple[str, str]:
    """How an image counts in a fingerprint; shared images as before languages had their own."""
    reference, language = key
    return (f"{reference}@{language}" if language else reference, name)


def fingerprint(article: Article, *, tags: Iterable[str], images: Iterable[tuple[str, str]]) -> str:
    """A hash of everything an import sets on an article, to notice edits made since."""
    fields = {
        languages.field(name, code): getattr(article, languages.field(name, code)) or ""
        for name in ("title", "summary", "body", "banner_alt")
        for code in languages.codes()
    }
    fields.update(
        slug=article.slug,
        source_language=article.source_language,
        author=article.author,
        category=article.category_id,
        status=article.status,
        publish_at=article.publish_at.astimezone(UTC).isoformat(),
        banner=article.banner.name or "",
        metadata=article.metadata,
        tags=sorted(name.casefold() for name in tags),
        images=sorted(images),
    )
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def current_fingerprint(article: Article) -> str:
    """The fingerprint of an article as stored (tags and images prefetched)."""
    return fingerprint(
        article,
        tags=[tag.name for tag in article.tags.all()],
        images=[image_mark((image.reference, image.language), image.image.name) for image in article.images.all()],
    )


def text_key(language: str, title: str, publish_at: datetime) -> tuple:
    return (language, comparable(title), publish_at.astimezone(UTC))


class Writer:
    """Creates and updates articles from grouped files, with lookups loaded once per run."""

    def __init__(self, *, settings: Settings, images: ImageStore, report: Report):
        self.settings = settings
        self.images = images
        self.report = report
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.tags = TagIndex(report=report)
        self.slugs = set(Article.objects.values_list("slug", flat=True))
        self.sources: dict[str, ArticleSource] = {}
        self._slugs_by_id: dict[int, str] | None = None
        self._texts: dict[tuple, str] | None = None  # see ``duplicate_of``
        # Rows of new articles, inserted together at the end of each batch (see ``flush``).
        self.deferred_sources: list[ArticleSource] = []
        self.deferred_tags: list[TaggedArticle] = []
        # Articles this batch created or changed: one history version each, in one revision per batch.
        self.written: list[Article] = []

    def load(self, groups: list[dict[str, ParsedFile]]) -> None:
        """The sources the files were imported from before, in a query per 500 files."""
        paths = [item.identity for group in groups for item in group.values()]
        for start in range(0, len(paths), 500):
            for source in ArticleSource.objects.filter(path__in=paths[start : start + 500]):
                self.sources[source.path] = source

    def article(self, pk: int) -> Article:
        """An article to compare or update, with what its fingerprint reads (only for files that changed)."""
        return Article.objects.prefetch_related("tags", "images", "sources").get(pk=pk)

    def category(self, value: str, *, shown: str) -> Category:
        value = value or DEFAULT_CATEGORY
        slug = CATEGORY_FOLDERS.get(value.lower(), ascii_slug(value, max_length=50) or hashed_slug("category", value))
        if slug in self.categories:
            return self.categories[slug]
        for category in self.categories.values():
            names = {(getattr(category, languages.field("name", code)) or "").casefold() for code in languages.codes()}
            if value.casefold() in names:
                return category
        name_field = languages.field("name", languages.of_text(value))
        category = Category.objects.create(slug=slug, name=value, **{name_field: value})
        self.categories[slug] = category
        self.report.warn(shown, 0, f"new category “{value}” created")
        return category

    def new_slug(self, item: ParsedFile, *, shown: str) -> str:
        base = item.given_slug or ascii_slug(item.slug_name, max_length=80) or hashed_slug("article", item.identity)
        slug, number = base, 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        if slug != base:
            self.report.warn(shown, 0, f"slug “{base}” is taken; using “{slug}”")
        self.slugs.add(slug)
        return slug

    def write(self, files: dict[str, ParsedFile], *, rendered: dict[str, str] | None = None) -> None:
        """Create, update or leave one article; ``rendered``: its HTML fields, rendered in advance."""
        source_language = source_language_of(files)
        primary = files[source_language]
        shown = primary.source.shown + "".join(
            f" + {item.source.shown}" for code, item in files.items() if code != source_language
        )
        known = self._known_sources(files)
        found = {source.article_id for source in known}
        codes = tuple(sorted(files))
        same = len(known) == len(files) and len(found) == 1
        same = same and all(self.sources[item.identity].content_hash == item.content_hash for item in files.values())
        if same and not self.settings.force:
            self.report.add(Report.UNCHANGED, shown, slug=self.slug_of(known[0].article_id), languages=codes)
            return
        if not found and (duplicate := self.duplicate_of(files)):
            if not self.settings.force:
                message = f"same language, title and date as {duplicate}; not imported twice (--force: update it)"
                self.report.add(Report.SKIPPED, shown, message=message, languages=codes)
                return
            found = set(Article.objects.filter(slug=duplicate).values_list("pk", flat=True))
        article = self.article(min(found)) if found else None
        if len(found) > 1:
            self.report.warn(shown, 0, "these files were imported into different articles; updating the first")
        if article is not None and not self.settings.force:
            current = current_fingerprint(article)
            edited = any(source.fingerprint != current for source in article.sources.all())
            if same and not edited:
                self.report.add(Report.UNCHANGED, shown, slug=article.slug, languages=codes)
                return
            if edited:
                message = "edited since import; --force overwrites"
                self.report.add(Report.SKIPPED, shown, slug=article.slug, message=message, languages=codes)
                return
        try:
            with transaction.atomic():
                status, article = self._save(files, article=article, primary=primary, shown=shown, rendered=rendered)
        except (DatabaseError, ValidationError, OSError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.report.reject(shown, 1, f"not saved: {message}")
            return
        self.report.add(status, shown, slug=article.slug, languages=codes)
        self.remember(files, shown=article.slug)
        self.written.append(article)

    def _save(
        self,
        files: dict[str, ParsedFile],
        *,
        article: Article | None,
        primary: ParsedFile,
        shown: str,
        rendered: dict[str, str] | None,
    ) -> tuple[str, Article]:
        created = article is None
        if created:
            article = Article(slug=self.new_slug(primary, shown=shown))
        others = [item for item in files.values() if item is not primary]
        for code, item in files.items():
            setattr(article, languages.field("title", code), item.title)
            setattr(article, languages.field("summary", code), item.summary)
            setattr(article, languages.field("body", code), item.body)
            setattr(article, languages.field("banner_alt", code), item.banner_alt)
        article.source_language = next(code for code in languages.codes() if article.has_text(code))
        author_file = primary if primary.authors else next((item for item in others if item.authors), primary)
        article.author = author_file.author
        category_name = primary.category or next((item.category for item in others if item.category), "")
        article.category = self.category(category_name, shown=primary.source.shown)
        article.publish_at = primary.publish_at
        article.status = Article.Status.DRAFT if primary.draft else Article.Status.PUBLISHED
        article.metadata = article_metadata(files, primary=primary)
        if author_file.authors:
            article.metadata[AUTHORS_KEY] = author_file.authors
        banner_use = primary.banner or next((item.banner for item in others if item.banner), None)
        banner = self.images.get(banner_use.file) if banner_use and banner_use.file else None
        article.banner.name = banner.name if banner else ""
        article.full_clean(exclude=["category", "banner"], validate_unique=False, validate_constraints=False)

        wanted, alts = self._wanted_images(files)
        tags = self.tags.for_files(files, source_language=primary.language, shown=shown)
        kept: list[tuple[str, str]] = []
        if created:
            prerendered = rendered if rendered and not wanted else {}  # images change the HTML: render on save
            for name, value in prerendered.items():
                setattr(article, name, value)
            article.save(render=not prerendered)
            save_images(article, wanted.items(), alts=alts)  # each save re-renders the article with the images so far
            self.deferred_tags += [TaggedArticle(content_object=article, tag=tag) for tag in tags]
        else:
            kept = self._sync_images(article, wanted, alts=alts)
            article.save()
            if {tag.pk for tag in article.tags.all()} != {tag.pk for tag in tags}:
                article.tags.set(tags)
        mark = fingerprint(
            article,
            tags=[tag.name for tag in tags],
            images=[image_mark(key, stored.name) for key, stored in wanted.items()] + kept,
        )
        self._record_sources(article, files, mark=mark, created=created)
        return (Report.CREATED if created else Report.UPDATED), article

    def _wanted_images(self, files: dict[str, ParsedFile]) -> tuple[dict[ImageKey, StoredImage], dict[str, dict]]:
        """Images by (reference, language), and their alt text per language.

        Shared ("") unless the languages name different files alike: bilingual
        folders often hold a Chinese and an English screenshot under one name.
        """
        used: dict[str, dict[str, StoredImage]] = {}
        alts: dict[str, dict[str, str]] = {}
        for code, item in sorted(files.items()):
            for use in item.images:
                stored = self.images.get(use.file) if use.file else None
                reference = normalize_target(use.reference)
                if stored is not None and reference:
                    used.setdefault(reference, {}).setdefault(code, stored)
                    if use.alt:
                        alts.setdefault(reference, {}).setdefault(code, use.alt[:300])
        wanted: dict[ImageKey, StoredImage] = {}
        for reference, by_language in used.items():
            if len({stored.digest for stored in by_language.values()}) == 1:
                wanted[(reference, "")] = next(iter(by_language.values()))
            else:
                wanted.update(((reference, code), stored) for code, stored in by_language.items())
        return wanted, alts

    def slug_of(self, pk: int) -> str:
        if self._slugs_by_id is None:
            ids = sorted({source.article_id for source in self.sources.values()})
            self._slugs_by_id = {}
            for start in range(0, len(ids), 500):
                self._slugs_by_id.update(
                    Article.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "slug")
                )
        return self._slugs_by_id.get(pk, "")

    def duplicate_of(self, files: dict[str, ParsedFile]) -> str:
        """The article a new one repeats (same language, title and date, another file), else ""."""
        if self._texts is None:
            self._texts = {}
            rows = Article.objects.values_list(
                "slug", "publish_at", *(languages.field("title", code) for code in languages.codes())
            )
            for slug, publish_at, *titles in rows:
                for code, title in zip(languages.codes(), titles, strict=True):
                    if title:
                        self._texts[text_key(code, title, publish_at)] = slug
        for item in files.values():
            found = self._texts.get(text_key(item.language, item.title, item.publish_at))
            if found:
                return found
        return ""

    def remember(self, files: dict[str, ParsedFile], *, shown: str) -> None:
        if self._texts is not None:
            for item in files.values():
                self._texts.setdefault(text_key(item.language, item.title, item.publish_at), shown)

    def texts_to_render(self, files: dict[str, ParsedFile]) -> tuple | None:
        """What a new article without images needs rendered; ``None`` for the rest (rendered on save)."""
        if self._known_sources(files) or any(item.images for item in files.values()):
            return None
        return tuple((code, item.title, item.body) for code, item in sorted(files.items()))

    def _known_sources(self, files: dict[str, ParsedFile]) -> list[ArticleSource]:
        return [self.sources[item.identity] for item in files.values() if item.identity in self.sources]

    def _sync_images(self, article: Article, wanted: dict[ImageKey, StoredImage], *, alts) -> list[tuple[str, str]]:
        """Make the article's imported images the wanted ones; returns the images editors added.

        Through ``save()`` and ``delete()``, so that whatever follows an image
        (its renditions, the article's HTML) follows here too.
        """
        current = {(image.reference, image.language): image for image in article.images.all()}
        getattr(article, "_prefetched_objects_cache", {}).pop("images", None)  # renders read the new ones
        kept, changed = [], []
        for key, image in current.items():
            if key in wanted:
                if image.image.name != wanted[key].name:
                    image.delete()
                    changed.append(key)
                elif set_alts(image, alts.get(key[0], {})):
                    image.save()
            elif image.image.name.startswith(f"{STORAGE_FOLDER}/"):
                image.delete()
            else:
                kept.append(image_mark(key, image.image.name))  # added in the admin, not by an import
        new = ((key, stored) for key, stored in wanted.items() if key not in current or key in changed)
        save_images(article, new, alts=alts)
        return kept

    def _record_sources(self, article: Article, files: dict[str, ParsedFile], *, mark: str, created: bool) -> None:
        if not created:
            paths = [item.identity for item in files.values()]
            ArticleSource.objects.filter(article=article, language__in=list(files)).exclude(path__in=paths).delete()
            ArticleSource.objects.filter(article=article).exclude(path__in=paths).update(fingerprint=mark)
        new = []
        for code, item in files.items():
            known = self.sources.get(item.identity)
            values = {
                "article": article,
                "language": code,
                "content_hash": item.content_hash,
                "fingerprint": mark,
                "front_matter": [[key, value] for key, value in item.front_matter.items()],
            }
            if known is not None:
                for name, value in values.items():
                    setattr(known, name, value)
                known.save()
            else:
                new.append(ArticleSource(path=item.identity, **values))
        if created:
            self.deferred_sources += new
        else:
            ArticleSource.objects.bulk_create(new)

    def flush(self) -> None:
        """Write the rows of new articles kept for one insert per batch (their sources and tags).

        Receivers that follow tags (``m2m_changed``) hear ``post_add`` as if
        each article's tags had been added through its tag manager.
        """
        ArticleSource.objects.bulk_create(self.deferred_sources)
        TaggedArticle.objects.bulk_create(self.deferred_tags)
        added: dict[int, tuple[Article, set[int]]] = {}
        for row in self.deferred_tags:
            added.setdefault(row.content_object.pk, (row.content_object, set()))[1].add(row.tag_id)
        for article, tag_ids in added.values():
            m2m_changed.send(
                sender=TaggedArticle,
                instance=article,
                action="post_add",
                reverse=False,
                model=Tag,
                pk_set=tag_ids,
                using=router.db_for_write(TaggedArticle),
            )
        self.deferred_sources, self.deferred_tags = [], []
        history.record_many(self.written, comment="Imported from Markdown files")
        self.written = []

    def forget(self) -> None:
        """After a batch was rolled back: drop what the caches learnt from it."""
        self.deferred_sources, self.deferred_tags, self.written = [], [], []
        self.tags.reload()
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.slugs = set(Article.objects.values_list("slug", flat=True))


def source_language_of(files: dict[str, ParsedFile]) -> str:
    """The first enabled language (the default source language first) among the files."""
    return next(code for code in languages.codes() if code in files)


def article_metadata(files: dict[str, ParsedFile], *, primary: ParsedFile) -> dict:
    """The other front-matter keys of the files, the source language's winning."""
    metadata = {}
    for item in [*(item for item in files.values() if item is not primary), primary]:
        metadata.update(item.metadata)
    return metadata


def set_alts(image: ArticleImage, alts: dict[str, str]) -> bool:
    """Give the image the alt text each language's Markdown gives it; whether anything changed."""
    changed = False
    for code, alt in alts.items():
        name = languages.field("alt", code)
        if getattr(image, name) != alt:
            setattr(image, name, alt)
            changed = True
    return changed


def save_images(article: Article, images: Iterable[tuple[ImageKey, StoredImage]], *, alts: dict) -> None:
    for (reference, language), stored in images:
        image = ArticleImage(
            article=article, reference=reference, language=language, width=stored.width, height=stored.height
        )
        set_alts(image, {code: alt for code, alt in alts.get(reference, {}).items() if language in ("", code)})
        image.image.name = stored.name
        image.save()
