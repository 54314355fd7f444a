"""One Markdown file read into a ``ParsedFile``: its texts, dates, tags, authors and images."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from news.importing import frontmatter
from news.importing.files import ImageStore, external_host, resolve_image_file, within
from news.importing.markdown_scan import first_heading, framework_tags, image_references
from news.importing.report import Rejected, Report
from news.importing.sources import SourceFile, category_from_path, locate, slug_name
from news.models import Article
from translations import languages


@dataclass(frozen=True)
class Settings:
    """The options of one import run."""

    language: str | None = None
    static_roots: tuple[Path, ...] = ()
    force: bool = False
    dry_run: bool = False


@dataclass
class ImageUse:
    """An image a file refers to, and the file it resolved to (None: missing)."""

    reference: str
    line: int
    file: Path | None
    alt: str = ""


@dataclass
class ParsedFile:
    source: SourceFile
    language: str
    identity: str  # the file's path under its language folder, with the language's prefix
    group_key: tuple
    slug_name: str  # what a new article's slug is made from
    title: str
    body: str
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    authors_as_list: bool = False  # a YAML list in the file (else one string, or none)
    tags: list[str] = field(default_factory=list)
    category: str = ""
    publish_at: datetime | None = None
    draft: bool = False
    banner: ImageUse | None = None
    banner_alt: str = ""
    metadata: dict = field(default_factory=dict)
    front_matter: dict = field(default_factory=dict)  # as written, for an export to write back
    images: list[ImageUse] = field(default_factory=list)
    content_hash: str = ""
    given_slug: str = ""  # taken as it is for a new article

    @property
    def author(self) -> str:
        return ", ".join(self.authors)


def language_folders() -> str:
    """``zh/ or en/``: the folder names files are expected in."""
    names = [f"{language.prefix}/" for language in languages.languages()]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def parse_file(source: SourceFile, *, settings: Settings, images: ImageStore, report: Report) -> ParsedFile:
    """Read one Markdown file into a ``ParsedFile``; ``Rejected`` when it cannot be imported."""
    if source.path.is_symlink() and not within(source.path.resolve(), source.root):
        raise Rejected(1, "symbolic link leading outside the import root")
    raw = source.path.read_bytes()
    text = frontmatter.decode(raw)
    location = locate(source, language=settings.language)
    if location.language is None:
        raise Rejected(1, f"language unknown: put the file under a {language_folders()} folder, or pass --lang")
    front_text, body, offset = frontmatter.split_front_matter(text)
    data = frontmatter.load_front_matter(front_text) if front_text is not None else {}
    known, metadata = frontmatter.split_keys(data)
    front_text = front_text or ""

    title = known.get("title")
    title = "" if title is None else str(title).strip()
    if not title:
        title, _line = first_heading(body)
    if not title:
        raise Rejected(1, "no title: add “title:” to the front matter or start the text with a # heading")
    if len(title) > Article._meta.get_field("title").max_length:
        raise Rejected(frontmatter.key_line(front_text, "title"), "the title is longer than 300 characters")

    if "date" in known and known["date"] not in (None, ""):
        publish_at = frontmatter.parse_date(known["date"])
        if publish_at is None:
            raise Rejected(frontmatter.key_line(front_text, "date"), f"unparseable date: {known['date']!r}")
    else:
        publish_at = frontmatter.date_from_names([location.stem, *reversed(location.folders)])
        if publish_at is None:
            raise Rejected(1, "no date: add “date:” to the front matter or start the file name with one (20220715-…)")

    translation_key = str(known.get("translation_key") or "").strip()
    parsed = ParsedFile(
        source=source,
        language=location.language,
        identity=location.identity,
        group_key=("key", translation_key) if translation_key else location.group_key,
        slug_name=slug_name(location),
        given_slug=frontmatter.given_slug(known.get("slug")),
        title=title,
        body=body,
        summary=str(known.get("summary") or "").strip(),
        authors=frontmatter.author_list(known.get("author")),
        authors_as_list=isinstance(known.get("author"), list),
        tags=[tag[:100] for tag in frontmatter.text_list(known.get("tags"))],
        category=str(known.get("category") or "").strip() or category_from_path(location),
        publish_at=publish_at,
        draft=known.get("draft") in (True, "true", "yes"),
        banner_alt=str(known.get("banner_alt") or "").strip(),
        metadata=metadata,
        front_matter=frontmatter.json_safe(data),
    )
    if translation_key:
        parsed.metadata["translation_key"] = translation_key
    _find_images(parsed, known=known, front_text=front_text, offset=offset, settings=settings, report=report)
    parsed.content_hash = _content_hash(raw, parsed, images=images, report=report)
    dropped = framework_tags(body)
    if dropped:
        line = offset + body.count("\n", 0, body.find(dropped[0])) + 1
        names = ", ".join(dict.fromkeys(dropped))
        report.note(source.shown, line, f"framework components dropped, not shown on the page: {names}")
    return parsed


def _find_images(parsed: ParsedFile, *, known: dict, front_text: str, offset: int, settings: Settings, report: Report):
    source = parsed.source
    resolve = {"folder": source.path.parent, "root": source.root, "static_roots": settings.static_roots}
    for reference, line, alt in image_references(parsed.body, line_offset=offset):
        found = resolve_image_file(reference, line=line, **resolve)
        if found is not False:
            parsed.images.append(ImageUse(reference=reference, line=line, file=found, alt=alt))
        elif host := external_host(reference):
            report.warn(
                source.shown,
                line,
                f"external image kept as written: the page loads it from {host} (not stored here): {reference}",
            )
    banner = known.get("banner")
    if isinstance(banner, str) and banner.strip():
        banner_reference = banner.strip().split("?")[0]
        line = frontmatter.key_line(front_text, "banner")
        found = resolve_image_file(banner_reference, line=line, **resolve)
        if found is not False:
            parsed.banner = ImageUse(reference=banner_reference, line=line, file=found)
        elif host := external_host(banner_reference):
            parsed.metadata["banner"] = banner_reference  # written back by an export
            report.warn(source.shown, line, f"external banner from {host} not stored: the article shows no banner")


def _content_hash(raw: bytes, parsed: ParsedFile, *, images: ImageStore, report: Report) -> str:
    """A hash of the file and of every image it uses: any change means the article is updated."""
    digest = hashlib.sha256(raw)
    uses = [*parsed.images, *([parsed.banner] if parsed.banner else [])]
    for use in uses:
        is_banner = use is parsed.banner
        stored = images.get(use.file) if use.file else None
        if use.file and stored is None:
            shown = "the article shows no banner" if is_banner else "the page shows a placeholder with its alt text"
            reason = images.refusal(use.file) or "not an image file."
            report.warn(parsed.source.shown, use.line, f"{reason.rstrip('.')}; {shown}: {use.reference}")
            use.file = None
        elif use.file is None:
            shown = "the article shows no banner" if is_banner else "the page shows a placeholder with its alt text"
            report.warn(
                parsed.source.shown,
                use.line,
                f"{'banner' if is_banner else 'image'} not found, {shown}: {use.reference}",
            )
        digest.update(f"\0{use.reference}={stored.digest if stored else '-'}".encode())
    if parsed.banner and parsed.banner.file is None:
        parsed.metadata["banner"] = parsed.banner.reference
    return digest.hexdigest()
