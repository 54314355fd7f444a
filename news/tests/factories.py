"""Small builders for test data: real model saves, so the render pipeline runs."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news.models import Article, Category

_counter = itertools.count(1)


def png_file(name: str = "image.png", size: tuple[int, int] = (40, 20), color: str = "#3366cc") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def category(slug: str = "news") -> Category:
    found = Category.objects.filter(slug=slug).first()
    if found:
        return found
    return Category.objects.create(slug=slug, name_zh_hans=slug, name_en=slug.title())


def article(
    *,
    zh: str | None = None,
    en: str | None = None,
    body_zh: str = "",
    body_en: str = "",
    source_language: str | None = None,
    status: str = Article.Status.PUBLISHED,
    days_ago: float = 1,
    category_slug: str = "news",
    tags: tuple[str, ...] = (),
    **fields,
) -> Article:
    """An article with a Chinese and/or English text, published a few days ago by default."""
    n = next(_counter)
    if zh is None and en is None:
        zh, en = f"文章{n}", f"Article {n}"
    obj = Article(
        title_zh_hans=zh or "",
        title_en=en or "",
        body_zh_hans=body_zh or (f"{zh}的正文。" if zh else ""),
        body_en=body_en or (f"Body of {en}." if en else ""),
        source_language=source_language or ("zh-hans" if zh else "en"),
        status=status,
        publish_at=timezone.now() - timedelta(days=days_ago),
        category=category(category_slug),
        **fields,
    )
    obj.full_clean()
    obj.save()
    if tags:
        obj.tags.add(*tags)
    return obj
