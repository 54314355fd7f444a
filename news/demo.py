"""Demo content: a small living site for a fictional open-source OS community.

The articles are Markdown files in ``demo/content/<language>/<category>/``,
loaded by the importer like any community site; ``demo/tags.yml`` gives each
tag its label per language and ``demo/images.yml`` describes the banners and
diagrams, drawn here with Pillow into ``var/`` the first time (the repository
stays small). Loading twice changes nothing: the importer finds each article
by its file, and leaves articles edited since alone.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from news.importing import Report as ImportReport
from news.importing import import_paths
from news.importing.sources import CATEGORY_FOLDERS
from news.models import Category
from tags.models import Tag
from translations import languages

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
BANNER_SIZE = (1200, 600)
DIAGRAM_SIZE = (960, 480)


@dataclass
class Report:
    """What a load did (or, in a dry run, would do)."""

    imported: ImportReport
    created_tags: list[str] = field(default_factory=list)

    @property
    def created_articles(self) -> int:
        return self.imported.counts[ImportReport.CREATED]

    @property
    def existing_articles(self) -> int:
        counts = self.imported.counts
        return counts[ImportReport.UNCHANGED] + counts[ImportReport.SKIPPED] + counts[ImportReport.UPDATED]

    @property
    def changed(self) -> bool:
        return bool(self.imported.changed or self.created_tags)


def load(*, dry_run: bool = False, directory: Path = DEMO_DIR) -> Report:
    """Import the demo content, creating its tags and drawing its images first when missing."""
    content = directory / "content"
    needed = {
        CATEGORY_FOLDERS.get(folder.name, folder.name)
        for language_folder in content.iterdir()
        for folder in language_folder.iterdir()
        if folder.is_dir()
    }
    missing = sorted(needed - set(Category.objects.filter(slug__in=needed).values_list("slug", flat=True)))
    if missing:
        raise LookupError(f"Demo content needs the categories {', '.join(missing)}; run migrate first.")
    images = draw_images(yaml.safe_load((directory / "images.yml").read_text(encoding="utf-8")))
    with transaction.atomic():
        created_tags = ensure_tags(yaml.safe_load((directory / "tags.yml").read_text(encoding="utf-8")))
        imported = import_paths([content], static_roots=[images], dry_run=dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return Report(imported=imported, created_tags=created_tags)


def ensure_tags(specs: list[dict]) -> list[str]:
    """Create the tags that do not exist yet, labelled per language (``labels`` keyed by folder name)."""
    existing = set(Tag.objects.filter(name__in=[spec["name"] for spec in specs]).values_list("name", flat=True))
    created = []
    for spec in specs:
        if spec["name"] in existing:
            continue
        tag = Tag(name=spec["name"])
        for folder, label in spec["labels"].items():
            code = languages.from_folder(folder)
            if code is not None:
                setattr(tag, languages.field("label", code), label)
        tag.save()
        created.append(spec["name"])
    return created


def draw_images(specs: dict) -> Path:
    """The folder holding every banner and diagram of ``specs``, drawn into it when missing.

    The folder is named after the description, so a changed description draws anew.
    """
    version = hashlib.sha256(yaml.safe_dump(specs, sort_keys=True).encode()).hexdigest()[:12]
    folder = Path(settings.VAR_DIR) / "demo-images" / version
    for slug, banner in specs["banners"].items():
        _write(folder / "banners" / f"{slug}.jpg", lambda slug=slug, banner=banner: draw_banner(slug, **banner))
    for reference, diagram in specs["diagrams"].items():
        _write(folder / reference, lambda diagram=diagram: DRAWINGS[diagram["drawing"]](Diagram.from_spec(diagram)))
    return folder


def _write(path: Path, draw: Callable[[], bytes]) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(draw())
    partial.replace(path)  # another process loading at the same time never reads half a file


@dataclass(frozen=True)
class Diagram:
    caption: str  # drawn into the image (ASCII: the bundled font has no Chinese)
    data: list
    unit: str = ""

    @classmethod
    def from_spec(cls, spec: dict) -> Diagram:
        return cls(caption=spec["caption"], data=spec["data"], unit=spec.get("unit", ""))


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


def draw_banner(slug: str, *, colours: list[str], shape: str) -> bytes:
    """A 1200 by 600 banner: the article's gradient with soft shapes in its accent colour."""
    start, end, accent = colours
    rng = random.Random(slug)
    base = _gradient(BANNER_SIZE, start, end, angle=rng.uniform(-60, 60)).convert("RGBA")
    layer = Image.new("RGBA", BANNER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    r, g, b = _rgb(accent)
    width, height = BANNER_SIZE
    if shape == "circles":
        for _ in range(14):
            x, y, radius = rng.randint(0, width), rng.randint(0, height), rng.randint(30, 190)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(r, g, b, rng.randint(40, 110)))
    elif shape == "waves":
        for band in range(7):
            offset, phase = height * (0.35 + band * 0.1), rng.uniform(0, math.tau)
            points = [(x, offset + 38 * math.sin(x / 140 + band * 0.8 + phase)) for x in range(0, width + 20, 20)]
            draw.polygon([*points, (width, height), (0, height)], fill=(r, g, b, 30))
            draw.line(points, fill=(r, g, b, 120), width=3)
    elif shape == "stripes":
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


def _canvas(image: Diagram) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    canvas = Image.new("RGB", DIAGRAM_SIZE, "#fbfbfd")
    draw = ImageDraw.Draw(canvas)
    draw.text((32, 24), image.caption, fill="#1f2933", font=_font(30))
    return canvas, draw


def draw_bar_chart(image: Diagram) -> bytes:
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


def draw_boxes(image: Diagram) -> bytes:
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


def draw_timeline(image: Diagram) -> bytes:
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


DRAWINGS: dict[str, Callable[[Diagram], bytes]] = {
    "bars": draw_bar_chart,
    "boxes": draw_boxes,
    "timeline": draw_timeline,
}
