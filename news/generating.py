"""Synthetic bilingual articles for benchmarks and load tests, written here (no real content), fast.

``generate(count=N, seed=S)`` writes N published articles over six years: a
title, a summary and a body of about 3,000 characters with headings, a list,
a table and a code block, three of 50 tags (labelled in both languages) and
one of four categories. One in ten exists only in Chinese, one in twenty only
in English. The same seed and end date give the same articles.

Rendering Markdown is the costly part, so a few body skeletons per language
are rendered once, with numbered markers where the varying words go; each
article fills the markers in the Markdown and in the HTML alike. The markers
sit between punctuation or spaces, so a body's search terms are the skeleton's
terms plus those of its words, also computed once. Rows are written with
``bulk_create``; the article saves' side effects that a bulk write skips are
done here in bulk (tags, search documents) or left to their commands
(translation segments are made when a PO file is exported). On PostgreSQL
rows go in with ``COPY`` (``news.bulk``), the search documents with their
vectors computed here from the lexemes of their few distinct terms
(``news.search_vectors``) rather than by the database parsing every text, long
texts compressed with lz4, and a second thread sends each batch while the
next is made; a large write builds the search index once at the end instead
of adding to it row by row.
"""

import copy
import html
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from news import generating_writes as writes
from news import markdown, markdown_html, search
from news.models import Article, Category
from portal import cache as page_cache
from tags.models import Tag
from translations import languages

# The generator writes Chinese and English text: the registry says which enabled languages those are.
ZH, EN = languages.of_text("中文"), languages.of_text("English")
BATCH = 500
YEARS = 6
ZH_ONLY, EN_ONLY = 0.10, 0.05
REBUILD_INDEX_FROM = 1000  # articles written at once from which the search index is built again rather than added to

CATEGORIES = [
    ("news", "新闻", "News"),
    ("blog", "博客", "Blog"),
    ("events", "活动", "Events"),
    ("releases", "版本发布", "Releases"),
]
# (name, Chinese label, English label)
TAGS = [
    (en.lower().replace(" ", "-"), zh, en)
    for zh, en in [
        ("内核", "Kernel"), ("安全", "Security"), ("云原生", "Cloud Native"), ("容器", "Containers"),
        ("虚拟化", "Virtualization"), ("编译器", "Compilers"), ("性能", "Performance"), ("存储", "Storage"),
        ("网络", "Networking"), ("嵌入式", "Embedded"), ("边缘计算", "Edge Computing"), ("人工智能", "AI"),
        ("数据库", "Databases"), ("社区治理", "Governance"), ("开发者大会", "Developer Summit"),
        ("版本发布", "Release Notes"), ("文档", "Documentation"), ("测试", "Testing"), ("构建系统", "Build System"),
        ("包管理", "Package Management"), ("桌面", "Desktop"), ("服务器", "Servers"), ("高性能计算", "HPC"),
        ("调度器", "Scheduler"), ("文件系统", "File Systems"), ("驱动", "Drivers"), ("固件", "Firmware"),
        ("可观测性", "Observability"), ("运维", "Operations"), ("迁移", "Migration"), ("兼容性", "Compatibility"),
        ("国际化", "Internationalization"), ("无障碍", "Accessibility"), ("教程", "Tutorials"), ("实习", "Internships"),
        ("导师计划", "Mentorship"), ("开源许可", "Licensing"), ("供应链", "Supply Chain"), ("签名", "Signing"),
        ("漏洞修复", "Vulnerability Fixes"), ("热补丁", "Live Patching"), ("机密计算", "Confidential Computing"),
        ("异构计算", "Heterogeneous Computing"), ("RISC-V", "RISC-V"), ("ARM", "ARM"), ("x86", "x86"),
        ("用户故事", "User Stories"), ("合作伙伴", "Partners"), ("培训", "Training"), ("路线图", "Roadmap"),
    ]
]  # fmt: skip

ZH_WORDS = (  # noqa: SIM905
    "社区 开源 操作系统 版本 开发者 生态 内核 性能 安全 工具链 贡献者 维护者 技术委员会 镜像 软件包 补丁 "
    "调度 内存 存储 网络 容器 虚拟机 编译器 测试用例 文档 路线图 兼容性 迁移工具 发行版 合作伙伴 用户 "
    "基准测试 热补丁 驱动 固件 集群 节点 流水线 仓库"
).split()
EN_WORDS = (  # noqa: SIM905
    "community open-source kernel release developer ecosystem performance security toolchain contributor "
    "maintainer committee image package patch scheduler memory storage network container compiler testsuite "
    "documentation roadmap compatibility migration distribution partner user benchmark driver firmware "
    "cluster node pipeline repository mirror upgrade workload architecture"
).split()
AUTHORS = ["Lantern OS", "李明", "王芳", "Alex Chen", "Maria Rossi", "张伟", "Sam Taylor", "刘洋"]
_MARKER = re.compile(r"QZ(\d+)QZ")


@dataclass(frozen=True)
class Skeleton:
    """A body rendered once, with markers ``QZ<n>QZ`` where an article's words go."""

    markdown: str  # a format string: "{0}" … where the markers were
    html: str
    toc_html: str
    text: str  # the plain text by blocks, as ``Article.render`` stores it
    terms: str  # search terms of the body without its markers' words
    markers: int


def _zh_skeleton(rng: random.Random, variant: int) -> str:
    n = iter(range(1000))

    def w() -> str:  # a marker, set off by punctuation so search terms never cross it
        return f"「QZ{next(n)}QZ」"

    def sentence() -> str:
        return _sentence(
            rng,
            w,
            ZH_WORDS,
            [
                "本次{w}围绕{w}展开，{v}与{w}的改进得到了广泛验证。",
                "在{w}方面，社区成员提交了多项补丁，{v}的稳定性明显提升。",
                "我们与{w}团队合作，完成了{w}在多种硬件上的适配和回归测试。",
                "欢迎对{w}感兴趣的开发者加入讨论，一起推动{v}的演进。",
            ],
        )

    def para(sentences: int) -> str:
        return "".join(sentence() for _ in range(sentences * 2))

    parts = [para(3), f"## 背景与目标 {variant}", para(4), "## 主要改进", para(2)]
    parts.append("\n".join(f"- {w()}：{rng.choice(ZH_WORDS)}方面的{w()}已经合入主线。" for _ in range(5)))
    parts += ["### 测试结果", "| 项目 | 之前 | 之后 |\n| --- | --- | --- |"]
    parts[-1] += "".join(f"\n| {w()} | {rng.randint(10, 99)} | {rng.randint(100, 999)} |" for _ in range(4))
    parts += [
        para(3),
        "### 快速上手",
        "```bash\nsudo dnf install lantern-tools\nlantern-bench --workload web --threads 8\n```",
    ]
    parts += [
        "## 下一步计划",
        para(4),
        "1. 完善" + w() + "的文档。\n2. 扩展" + w() + "的测试。\n3. 邀请更多开发者参与。",
        para(3),
    ]
    return "\n\n".join(parts)


def _en_skeleton(rng: random.Random, variant: int) -> str:
    n = iter(range(1000))

    def w() -> str:
        return f"QZ{next(n)}QZ"

    def sentence() -> str:
        return _sentence(
            rng,
            w,
            EN_WORDS,
            [
                "This {w} work builds on the {w} effort, and the {v} results show the {w} changes hold up in practice.",
                "Contributors sent patches for {w}, and {v} is now noticeably more stable.",
                "Together with the {w} team we ported {w} to more hardware and ran the regression tests.",
                "Developers interested in {w} are welcome to join the discussion on {v}.",
            ],
        )

    def para(sentences: int) -> str:
        return " ".join(sentence() for _ in range(sentences + 2))

    parts = [para(2), f"## Background and goals {variant}", para(3), "## What changed", para(2)]
    parts.append("\n".join(f"- The {w()} {rng.choice(EN_WORDS)} work for {w()} has landed." for _ in range(5)))
    parts += ["### Test results", "| Item | Before | After |\n| --- | --- | --- |"]
    parts[-1] += "".join(f"\n| {w()} | {rng.randint(10, 99)} | {rng.randint(100, 999)} |" for _ in range(4))
    parts += [
        para(2),
        "### Getting started",
        "```bash\nsudo dnf install lantern-tools\nlantern-bench --workload web --threads 8\n```",
    ]
    parts += [
        "## Next steps",
        para(3),
        f"1. Document {w()} better.\n2. Test {w()} on more machines.\n3. Welcome more developers.",
        para(2),
    ]
    return "\n\n".join(parts)


def _sentence(rng: random.Random, marker, vocabulary: list[str], patterns: list[str]) -> str:
    """One of the patterns: ``{w}`` becomes a marker, ``{v}`` a word fixed in the skeleton."""
    pattern = rng.choice(patterns)
    return re.sub(r"\{([wv])\}", lambda m: marker() if m.group(1) == "w" else rng.choice(vocabulary), pattern)


def _skeleton(text: str) -> Skeleton:
    rendered = markdown.render(text)
    plain = _MARKER.sub(" ", html.unescape(strip_tags(rendered.html)))
    markers = len(_MARKER.findall(text))
    html_parts = _MARKER.split(rendered.html)
    if html_parts[1::2] != [str(n) for n in range(markers)]:
        raise ValueError("a marker was lost or moved in rendering")
    blocks = markdown_html.block_text(rendered.html)
    if _MARKER.findall(blocks) != html_parts[1::2]:
        raise ValueError("a marker was lost or moved in the plain text")
    return Skeleton(
        _template(text),
        _template(rendered.html),
        rendered.toc_html,
        _template(blocks),
        search.document_text(plain),
        markers,
    )


def _template(text: str) -> str:
    escaped = text.replace("{", "{{").replace("}", "}}")
    return _MARKER.sub(lambda match: "{" + match.group(1) + "}", escaped)


def skeletons(seed: int, *, variants: int = 4) -> dict[str, list[Skeleton]]:
    rng = random.Random(seed)
    return {
        ZH: [_skeleton(_zh_skeleton(rng, v + 1)) for v in range(variants)],
        EN: [_skeleton(_en_skeleton(rng, v + 1)) for v in range(variants)],
    }


_TERMS = {word: search.document_text(word) for word in ZH_WORDS + EN_WORDS}


def _fill(skeleton: Skeleton, words: list[str]) -> tuple[str, str, str, list[str]]:
    """The Markdown, HTML, plain text and search terms of a body: the skeleton with the article's words.

    The terms come in pieces, the skeleton's then each word's, to be joined by spaces.
    """
    return (
        skeleton.markdown.format(*words),
        skeleton.html.format(*words),
        skeleton.text.format(*words),
        [skeleton.terms, *map(_TERMS.__getitem__, words)],
    )


def _title(rng: random.Random, language: str, n: int) -> str:
    if language == ZH:
        return f"{rng.choice(ZH_WORDS)}{rng.choice(ZH_WORDS)}：{rng.choice(ZH_WORDS)}的第{n}次更新"
    words = rng.sample(EN_WORDS, 3)
    return f"{words[0].title()} {words[1]} update {n}: notes on {words[2]}"


def _summary(rng: random.Random, language: str) -> str:
    if language == ZH:
        return f"介绍{rng.choice(ZH_WORDS)}与{rng.choice(ZH_WORDS)}的最新进展，以及社区下一步的计划。"
    return f"What is new in {rng.choice(EN_WORDS)} and {rng.choice(EN_WORDS)}, and what the community plans next."


def ensure_vocabulary() -> tuple[list[Category], list[Tag]]:
    """The four categories and 50 tags, created when missing (existing ones are left as they are)."""
    categories = []
    for position, (slug, zh, en) in enumerate(CATEGORIES):
        category = Category.objects.filter(slug=slug).first() or Category.objects.create(
            slug=slug, name_zh_hans=zh, name_en=en, position=position
        )
        categories.append(category)
    existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
    tags = []
    for name, zh, en in TAGS:
        tag = existing.get(name.lower()) or Tag.objects.create(name=name, label_zh_hans=zh, label_en=en)
        tags.append(tag)
    return categories, tags


def generate(*, count: int, seed: int = 1, end: datetime | None = None, progress=None) -> int:
    """Write ``count`` articles; returns how many. Deterministic for a seed and an end date."""
    end = end or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    bodies = skeletons(seed)
    rebuilt = writes.search_index_rebuilt(count, from_count=REBUILD_INDEX_FROM)
    with page_cache.changes_deferred(), transaction.atomic(), rebuilt, writes.compressed_fast():
        categories, tags = ensure_vocabulary()
        taken = set(Article.objects.values_list("slug", flat=True))
        # Copies of one instance: a translated model's __init__ costs more than the rest of an article.
        prototype = Article(status=Article.Status.PUBLISHED, category=categories[0])
        writer = writes.Writer(transaction.get_connection(), check_every=max(1, BATCH // 2))
        done = 0
        with writer.in_background() as write:
            while done < count:
                size = min(BATCH, count - done)
                articles = [_article(rng, done + i + 1, bodies, categories, end, taken, prototype) for i in range(size)]
                write(articles, [rng.sample(tags, 3) for _ in articles])
                done += size
                if progress:
                    progress(done, count)
        writer.check_vectors()
        page_cache.content_changed()
    writes.analyse(count, from_count=REBUILD_INDEX_FROM)
    return done


def _article(
    rng: random.Random, n: int, bodies, categories, end, taken: set[str], prototype
) -> tuple[Article, list[str]]:
    roll = rng.random()
    written = [ZH] if roll < ZH_ONLY else [EN] if roll < ZH_ONLY + EN_ONLY else [ZH, EN]
    fields = {
        "publish_at": end - timedelta(seconds=rng.randrange(YEARS * 365 * 86400)),
        "category_id": rng.choice(categories).pk,
        "source_language": written[0],
        "author": rng.choice(AUTHORS),
    }
    terms = []
    for language in (ZH, EN):
        values = dict.fromkeys(("title", "summary", "body", *Article.RENDERED_FIELDS), "")
        if language in written:
            skeleton = rng.choice(bodies[language])
            vocabulary = ZH_WORDS if language == ZH else EN_WORDS
            words = rng.choices(vocabulary, k=skeleton.markers)
            values["body"], values["body_html"], values["body_text"], body_terms = _fill(skeleton, words)
            values.update(title=_title(rng, language, n), summary=_summary(rng, language), toc_html=skeleton.toc_html)
            terms += body_terms
        fields.update({languages.field(name, language): value for name, value in values.items()})
    base = f"{fields['publish_at']:%Y%m%d}-update-{n}"
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    article = copy.copy(prototype)
    article.__dict__.update(fields, slug=slug)
    return article, terms


def timed_generate(**kwargs) -> tuple[int, float]:
    """``generate`` and the seconds it took."""
    started = time.perf_counter()
    written = generate(**kwargs)
    return written, time.perf_counter() - started
