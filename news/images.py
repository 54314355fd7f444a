"""Responsive renditions of uploaded images, made once when an image is saved.

Each banner and body image gets WebP copies at a few widths, stored next to
nothing else under ``renditions/`` and described in a small JSON value on
its model (``Article.banner_renditions``, ``ArticleImage.renditions``)::

    {"source": "banners/2024/05/a.png", "width": 2400, "height": 1200,
     "items": [{"width": 480, "height": 240, "name": "renditions/…-480w.webp"}, …]}

Pages read that value only: no file system or image work per request. The
original file stays where it was uploaded, for download.
"""

import hashlib
import io
import json
import logging
import posixpath
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from PIL import Image, ImageOps

from news import markdown
from news.models import Article, ArticleImage
from translations.models import first_filled

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
WEBP_QUALITY = 80
# How wide images are drawn, for the browser to pick a width before layout.
BANNER_SIZES = "(min-width: 50rem) 46rem, 100vw"
CARD_SIZES = "(min-width: 75rem) 17rem, (min-width: 40rem) 45vw, 100vw"
BODY_SIZES = "(min-width: 50rem) 46rem, 100vw"


def rendition_name(source: str, width: int) -> str:
    """Where the rendition of ``source`` at ``width`` is stored."""
    stem = posixpath.splitext(posixpath.basename(source))[0][:60]
    digest = hashlib.sha1(source.encode()).hexdigest()[:10]
    return f"renditions/{digest[:2]}/{stem}-{digest}-{width}w.webp"


def make_renditions(field_file, *, storage=default_storage) -> dict:
    """WebP copies of an image file at the widths in ``WIDTHS`` (never upscaled).

    Returns the JSON value described in this module's docstring; ``{}`` when
    the file cannot be read as an image (the page then uses the original).
    """
    if not field_file:
        return {}
    try:
        image = _open_upright(field_file)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        logger.warning("No renditions for %s: %s", field_file.name, error)
        return {}
    widths = [width for width in WIDTHS if width < image.width] + [min(image.width, WIDTHS[-1])]
    items = []
    for width in sorted(set(widths)):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
        name = rendition_name(field_file.name, width)
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(buffer.getvalue()))
        items.append({"width": width, "height": height, "name": saved})
    return {"source": field_file.name, "width": image.width, "height": image.height, "items": items}


def _open_upright(field_file) -> Image.Image:
    """The image decoded, turned as its EXIF says, in a mode WebP can store."""
    with field_file.open("rb") as handle, Image.open(handle) as opened:
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode not in ("RGB", "RGBA"):
        transparent = "transparency" in image.info or image.mode in ("LA", "PA", "RGBa")
        image = image.convert("RGBA" if transparent else "RGB")
    return image


def delete_renditions(value: dict, *, storage=default_storage) -> None:
    for item in (value or {}).get("items", []):
        storage.delete(item["name"])


def in_use(name: str) -> bool:
    """Whether a banner or body image still uses the stored file (imports share files by content)."""
    return Article.objects.filter(banner=name).exists() or ArticleImage.objects.filter(image=name).exists()


def _drop_stale_after_commit(old: dict) -> None:
    """Renditions of a file the row no longer uses (its own file's go with it in ``discard_after_commit``)."""
    source = (old or {}).get("source")
    if source:
        transaction.on_commit(lambda: None if in_use(source) else delete_renditions(old))


def history_banners(article_pk: int) -> set[str]:
    """The banner files the article's recorded versions name (a restore brings them back)."""
    from reversion.models import Version

    names = set()
    for data in Version.objects.get_for_object_reference(Article, article_pk).values_list("serialized_data", flat=True):
        try:
            names.add(json.loads(data)[0]["fields"].get("banner") or "")
        except (ValueError, LookupError, TypeError, AttributeError):
            continue
    return names - {""}


def history_images(article_pk: int, *, while_it_exists: bool = True) -> set[str]:
    """The body image files the article's recorded versions name (a restore brings them back).

    ``while_it_exists``: none once the article is deleted, when no version can be restored.
    """
    from reversion.models import Version

    if while_it_exists and not Article.objects.filter(pk=article_pk).exists():
        return set()
    revisions = Version.objects.get_for_object_reference(Article, article_pk).values("revision_id")
    names = set()
    for data in (
        Version.objects.get_for_model(ArticleImage)
        .filter(revision_id__in=revisions)
        .values_list("serialized_data", flat=True)
    ):
        try:
            names.add(json.loads(data)[0]["fields"].get("image") or "")
        except (ValueError, LookupError, TypeError, AttributeError):
            continue
    return names - {""}


def discard_after_commit(
    name: str, renditions: dict, *, keep: Callable[[], set[str]] = set, also: Callable[[], set[str]] = set
) -> None:
    """Once the transaction commits, delete a file no row uses any more and its renditions.

    A rolled-back save or delete deletes nothing; a file another article still
    uses (an import stores each content once) is kept with its renditions, and
    so is a file in ``keep()`` (a version of the article names it) without them.
    ``also()`` names more files to delete alike (a deleted article's old banners).
    """
    source = (renditions or {}).get("source") or ""

    def discard():
        kept = keep()
        for stale in sorted({name, source, *also()} - {""}):
            if in_use(stale):
                continue
            if stale not in kept and default_storage.exists(stale):
                default_storage.delete(stale)
            if stale == source:
                delete_renditions(renditions)
            else:
                delete_renditions({"items": [{"name": rendition_name(stale, width)} for width in WIDTHS]})

    transaction.on_commit(discard)


def _stored_name(value) -> str:
    return getattr(value, "name", value) or ""


def is_current(value: dict, field_file) -> bool:
    return bool(field_file) and (value or {}).get("source") == field_file.name


def srcset(value: dict, *, storage=default_storage) -> str:
    return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in (value or {}).get("items", []))


def fallback_url(value: dict, *, storage=default_storage) -> str:
    """A mid-sized rendition for browsers that ignore ``srcset``."""
    items = (value or {}).get("items", [])
    if not items:
        return ""
    return storage.url(items[min(1, len(items) - 1)]["name"])


def image_ref(image: ArticleImage) -> markdown.ImageRef:
    """The body image as the Markdown pipeline draws it: renditions when there are."""
    value = image.renditions if is_current(image.renditions, image.image) else {}
    return markdown.ImageRef(
        url=fallback_url(value) or image.image.url,
        width=image.width,
        height=image.height,
        alt=first_filled(image, "alt"),
        srcset=srcset(value),
        sizes=BODY_SIZES if value else "",
    )


def banner(article: Article, *, sizes: str = BANNER_SIZES) -> dict | None:
    """What an ``<img>`` of the article's banner needs, or None without a banner."""
    if not article.banner:
        return None
    value = article.banner_renditions if is_current(article.banner_renditions, article.banner) else {}
    if not value:
        return {"src": article.banner.url, "srcset": "", "sizes": "", "width": None, "height": None}
    return {
        "src": fallback_url(value),
        "srcset": srcset(value),
        "sizes": sizes,
        "width": value["width"],
        "height": value["height"],
    }


def refresh_banner(article: Article) -> None:
    """Make the banner's renditions unless they are current; drop the old ones."""
    if is_current(article.banner_renditions, article.banner):
        return
    if not article.banner and not article.banner_renditions:
        return
    old = article.banner_renditions
    article.banner_renditions = make_renditions(article.banner) if article.banner else {}
    Article.objects.filter(pk=article.pk).update(banner_renditions=article.banner_renditions)
    _drop_stale_after_commit(old)


def refresh_image(image: ArticleImage) -> None:
    """Make a body image's renditions unless they are current; drop the old ones."""
    if is_current(image.renditions, image.image):
        return
    old = image.renditions
    image.renditions = make_renditions(image.image)
    ArticleImage.objects.filter(pk=image.pk).update(renditions=image.renditions)
    _drop_stale_after_commit(old)


@receiver(post_init, sender=Article, dispatch_uid="news.images.article_loaded")
def _article_loaded(sender, instance: Article, **kwargs):
    # The file as stored, to find the one a save replaces (its renditions may be missing).
    instance._stored_banner = _stored_name(instance.__dict__.get("banner"))
    instance._stored_banner_renditions = instance.__dict__.get("banner_renditions") or {}


@receiver(post_init, sender=ArticleImage, dispatch_uid="news.images.body_image_loaded")
def _image_loaded(sender, instance: ArticleImage, **kwargs):
    instance._stored_image = _stored_name(instance.__dict__.get("image"))
    instance._stored_renditions = instance.__dict__.get("renditions") or {}


def article_saved(instance: Article, created: bool, languages_written: frozenset[str]) -> None:
    """The save hook (``news.saving``): the banner's renditions, and the replaced banner's files go."""
    old_name, old_renditions = instance._stored_banner, instance._stored_banner_renditions
    refresh_banner(instance)
    if old_name and old_name != instance.banner.name:
        # The old file stays while a version names it: restoring that version shows it again.
        discard_after_commit(old_name, old_renditions, keep=lambda: history_banners(instance.pk))
    instance._stored_banner, instance._stored_banner_renditions = instance.banner.name, instance.banner_renditions


@receiver(post_save, sender=ArticleImage, dispatch_uid="news.images.body_image")
def _image_saved(sender, instance: ArticleImage, raw=False, **kwargs):
    # Runs before ArticleImage.save re-renders the article, so the body uses the new renditions.
    if raw:
        return
    old_name, old_renditions = instance._stored_image, instance._stored_renditions
    refresh_image(instance)
    if old_name and old_name != instance.image.name:
        article_pk = instance.article_id
        discard_after_commit(old_name, old_renditions, keep=lambda: history_images(article_pk))
    instance._stored_image, instance._stored_renditions = instance.image.name, instance.renditions


@receiver(post_delete, sender=ArticleImage, dispatch_uid="news.images.body_image_deleted")
def _image_deleted(sender, instance: ArticleImage, **kwargs):
    # The file stays while a version of its article names it: restoring that version shows it again.
    article_pk = instance.article_id
    discard_after_commit(instance.image.name, instance.renditions, keep=lambda: history_images(article_pk))


@receiver(post_delete, sender=Article, dispatch_uid="news.images.article_deleted")
def _article_deleted(sender, instance: Article, **kwargs):
    pk = instance.pk
    # No version of a deleted article can be restored: the banners its history kept go too.
    discard_after_commit(
        instance.banner.name,
        instance.banner_renditions,
        also=lambda: history_banners(pk) | history_images(pk, while_it_exists=False),
    )


def ensure_renditions(*, dry_run: bool = False) -> tuple[int, int]:
    """Make missing or stale renditions (rows written without save(), e.g. by loaddata).

    Returns how many banners and body images needed them.
    """
    banners = [a for a in Article.objects.exclude(banner="") if not is_current(a.banner_renditions, a.banner)]
    bodies = [i for i in ArticleImage.objects.select_related("article") if not is_current(i.renditions, i.image)]
    if not dry_run:
        for article in banners:
            refresh_banner(article)
        for image in bodies:
            refresh_image(image)
        for article in {image.article_id: image.article for image in bodies}.values():
            article.rerender()
    return len(banners), len(bodies)
