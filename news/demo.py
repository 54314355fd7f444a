"""Demo content: a small living site for a fictional open-source OS community.

``load_demo`` calls :func:`load`. Articles are identified by slug and tags by
name: whatever already exists is left exactly as it is, so loading twice
changes nothing. Banners and body images are drawn with Pillow at load time.
"""

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from news.demo_articles import ARTICLES, TAGS, DemoArticle, DemoImage
from news.models import Article, ArticleImage, Category
from tags.models import Tag
from translations import languages

BANNER_SIZE = (1200, 600)
DIAGRAM_SIZE = (960, 480)


@dataclass
class Report:
    """What a load did (or, in a dry run, would do)."""

    created_articles: list[str] = field(default_factory=list)
    existing_articles: list[str] = field(default_factory=list)
    created_tags: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created_articles or self.created_tags)


def load(*, dry_run: bool = False, now=None) -> Report:
    """Create the demo tags and articles that do not exist yet."""
    now = now or timezone.now()
    report = Report()
    categories = {category.slug: category for category in Category.objects.all()}
    missing = sorted({spec.category for spec in ARTICLES} - categories.keys())
    if missing:
        raise LookupError(f"Demo content needs the categories {', '.join(missing)}; run migrate first.")

    tag_names = [name for name, _zh, _en in TAGS]
    existing_tags = set(Tag.objects.filter(name__in=tag_names).values_list("name", flat=True))
    existing_slugs = set(Article.objects.filter(slug__in=[a.slug for a in ARTICLES]).values_list("slug", flat=True))
    report.created_tags = [name for name, _zh, _en in TAGS if name not in existing_tags]
    report.existing_articles = [spec.slug for spec in ARTICLES if spec.slug in existing_slugs]
    report.created_articles = [spec.slug for spec in ARTICLES if spec.slug not in existing_slugs]
    if dry_run or not report.changed:
        return report

    with transaction.atomic():
        for name, zh, en in TAGS:
            if name in report.created_tags:
                Tag.objects.create(name=name, label_zh_hans=zh, label_en=en)
        tags = {tag.name: tag for tag in Tag.objects.filter(name__in=tag_names)}
        for spec in ARTICLES:
            if spec.slug in report.created_articles:
                create_article(spec, category=categories[spec.category], tags=tags, now=now)
    return report


def create_article(spec: DemoArticle, *, category: Category, tags: dict[str, Tag], now) -> Article:
    """One demo article with its banner, body images and tags."""
    article = Article(
        slug=spec.slug,
        category=category,
        source_language=spec.source_language,
        author=spec.author,
        status=Article.Status.DRAFT if spec.draft else Article.Status.PUBLISHED,
        publish_at=now.replace(minute=0, second=0, microsecond=0) - timedelta(days=spec.days_ago),
    )
    for language, text in spec.texts.items():
        setattr(article, languages.field("title", language), text.title)
        setattr(article, languages.field("summary", language), text.summary)
        setattr(article, languages.field("body", language), text.body)
        setattr(article, languages.field("banner_alt", language), text.banner_alt)
    article.banner.save(f"{spec.slug}.jpg", ContentFile(draw_banner(spec)), save=False)
    article.full_clean()
    article.save()
    for image in spec.images:
        create_image(article, image)
    article.tags.set([tags[name] for name in spec.tags])
    return article


def create_image(article: Article, image: DemoImage) -> ArticleImage:
    row = ArticleImage(article=article, reference=image.reference)
    for language, alt in image.alt.items():
        setattr(row, languages.field("alt", language), alt)
    row.image.save(image.reference.rsplit("/", 1)[-1], ContentFile(DRAWINGS[image.drawing](image)), save=False)
    row.save()
    return row


# Drawing -------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _gradient(size: tuple[int, int], start: str, end: str, *, angle: float) -> Image.Image:
    """A linear gradient from ``start`` to ``end`` along ``angle`` degrees."""
    side = int(math.hypot(*size)) + 2
    mask = Image.linear_gradient("L").resize((side, side)).rotate(angle, resample=Image.Resampling.BILINEAR)
    left, top = (side - size[0]) // 2, (side - size[1]) // 2
    mask = mask.crop((left, top, left + size[0], top + size[1]))
    return Image.composite(Image.new("RGB", size, _rgb(end)), Image.new("RGB", size, _rgb(start)), mask)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_banner(spec: DemoArticle) -> bytes:
    """A 1200 by 600 banner: the article's gradient with soft shapes in its accent colour."""
    start, end, accent = spec.colours
    rng = random.Random(spec.slug)
    base = _gradient(BANNER_SIZE, start, end, angle=rng.uniform(-60, 60)).convert("RGBA")
    layer = Image.new("RGBA", BANNER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    r, g, b = _rgb(accent)
    width, height = BANNER_SIZE
    if spec.shape == "circles":
        for _ in range(14):
            x, y, radius = rng.randint(0, width), rng.randint(0, height), rng.randint(30, 190)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(r, g, b, rng.randint(40, 110)))
    elif spec.shape == "waves":
        for band in range(7):
            offset, phase = height * (0.35 + band * 0.1), rng.uniform(0, math.tau)
            points = [(x, offset + 38 * math.sin(x / 140 + band * 0.8 + phase)) for x in range(0, width + 20, 20)]
            draw.polygon([*points, (width, height), (0, height)], fill=(r, g, b, 30))
            draw.line(points, fill=(r, g, b, 120), width=3)
    elif spec.shape == "stripes":
        for index in range(-6, 16):
            x = index * 110
            draw.polygon(
                [(x, 0), (x + 55, 0), (x + 55 - height // 2, height), (x - height // 2, height)],
                fill=(r, g, b, 40 + (index % 3) * 25),
            )
    else:  # hexagons
        radius = 54
        for row in range(8):
            for col in range(14):
                if rng.random() < 0.45:
                    continue
                cx = col * radius * 1.75 + (row % 2) * radius * 0.87
                cy = row * radius * 1.5
                angles = [math.radians(60 * k + 30) for k in range(6)]
                hexagon = [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles]
                draw.polygon(hexagon, outline=(r, g, b, 150), fill=(r, g, b, rng.randint(15, 70)), width=3)
    # A bright "lantern" mark, the community's logo, bottom right.
    cx, cy = width - 150, height - 140
    draw.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), fill=(255, 255, 255, 70))
    draw.ellipse((cx - 38, cy - 38, cx + 38, cy + 38), fill=(255, 244, 214, 210))
    return _encode(Image.alpha_composite(base, layer), "JPEG")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _canvas(image: DemoImage) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    canvas = Image.new("RGB", DIAGRAM_SIZE, "#fbfbfd")
    draw = ImageDraw.Draw(canvas)
    draw.text((32, 24), image.caption, fill="#1f2933", font=_font(30))
    return canvas, draw


def draw_bar_chart(image: DemoImage) -> bytes:
    """Horizontal bars: ``image.data`` is a list of (label, value)."""
    canvas, draw = _canvas(image)
    top, left, bar_height, gap = 100, 230, 44, 22
    largest = max(value for _label, value in image.data)
    span = DIAGRAM_SIZE[0] - left - 120
    colours = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#14b8a6"]
    for index, (label, value) in enumerate(image.data):
        y = top + index * (bar_height + gap)
        draw.text((32, y + 8), label, fill="#334155", font=_font(22))
        length = max(4, int(span * value / largest))
        draw.rounded_rectangle((left, y, left + length, y + bar_height), radius=8, fill=colours[index % len(colours)])
        draw.text((left + length + 12, y + 8), f"{value:g}{image.unit}", fill="#334155", font=_font(22))
    used_height = top + len(image.data) * (bar_height + gap) + 30
    return _encode(canvas.crop((0, 0, DIAGRAM_SIZE[0], min(used_height, DIAGRAM_SIZE[1]))), "PNG")


def draw_boxes(image: DemoImage) -> bytes:
    """Boxes left to right joined by arrows: ``image.data`` is a list of labels."""
    canvas, draw = _canvas(image)
    labels = list(image.data)
    box_width, box_height, y = 160, 110, 200
    step = (DIAGRAM_SIZE[0] - 64 - box_width) / max(1, len(labels) - 1)
    colours = ["#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe"]
    for index, label in enumerate(labels):
        x = 32 + index * step
        fill = colours[index % len(colours)]
        draw.rounded_rectangle((x, y, x + box_width, y + box_height), radius=14, fill=fill, outline="#475569", width=3)
        text_width = draw.textlength(label, font=_font(24))
        draw.text((x + (box_width - text_width) / 2, y + box_height / 2 - 14), label, fill="#1f2933", font=_font(24))
        if index < len(labels) - 1:
            start, end = x + box_width + 6, x + step - 6
            draw.line((start, y + box_height / 2, end, y + box_height / 2), fill="#475569", width=4)
            draw.polygon(
                [(end, y + box_height / 2), (end - 14, y + box_height / 2 - 9), (end - 14, y + box_height / 2 + 9)],
                fill="#475569",
            )
    return _encode(canvas, "PNG")


def draw_timeline(image: DemoImage) -> bytes:
    """Milestones on a line: ``image.data`` is a list of (date, label)."""
    canvas, draw = _canvas(image)
    y, left, right = 270, 70, DIAGRAM_SIZE[0] - 70
    draw.line((left, y, right, y), fill="#64748b", width=6)
    step = (right - left) / max(1, len(image.data) - 1)
    for index, (when, label) in enumerate(image.data):
        x = left + index * step
        draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill="#0ea5e9", outline="white", width=4)
        above = index % 2 == 0
        draw.text((x - 50, y - 90 if above else y + 40), when, fill="#0f172a", font=_font(24))
        draw.text((x - 50, y - 58 if above else y + 72), label, fill="#475569", font=_font(20))
    return _encode(canvas, "PNG")


DRAWINGS: dict[str, Callable[[DemoImage], bytes]] = {
    "bars": draw_bar_chart,
    "boxes": draw_boxes,
    "timeline": draw_timeline,
}
