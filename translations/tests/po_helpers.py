"""What the PO tests share: a Chinese article, its English translation, filling and importing files."""

import os
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from news.models import Article, Category
from news.tests import factories
from tags.models import Tag
from translations import po_export, po_import
from translations.models import SegmentTranslation


@pytest.fixture(autouse=True)
def _english():
    """Problems are translated; these tests read them in English, whatever a page before activated."""
    with translation.override("en"):
        yield


BODY_ZH = """# 介绍

欢迎阅读[安装指南](https://example.com/install "指南")、运行 `dnf install portal` 即可。

## 步骤

- 下载镜像 ![截图](media/shot.png)
- 启动系统

| 名称 | 说明 |
| --- | --- |
| 内核 | 稳定版本 |

> 社区的力量。

```bash
echo "代码不翻译"
```

<div class="note">原始 HTML 不翻译</div>
"""


def zh_article(**fields):
    return factories.article(zh="社区新闻", en="", body_zh=BODY_ZH, summary_zh_hans="一篇摘要。", **fields)


def outdated_article():
    """The Chinese article translated into English through a PO file, then its first paragraph edited."""
    article = zh_article()
    import_text(fill(po_export.export_po(language="en", articles=[article]), ENGLISH))
    article = Article.objects.get(pk=article.pk)
    article.body_zh_hans = article.body_zh_hans.replace("即可。", "就可以了。")
    article.save()
    return Article.objects.get(pk=article.pk)


def entries(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {entry.msgctxt: entry for entry in po}


def fill(po: polib.POFile, translations: dict[str, str]) -> str:
    """Translate entries by their msgid, as a translator would, and return the file text."""
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
    return str(po)


ENGLISH = {
    "社区新闻": "Community news",
    "一篇摘要。": "A summary.",
    "介绍": "Introduction",
    "欢迎阅读[安装指南]({1})、运行 `dnf install portal` 即可。": (
        "Read the [install guide]({1}), run `dnf install portal`."
    ),
    "步骤": "Steps",
    "下载镜像 ![截图]({1})": "Download the image ![screenshot]({1})",
    "启动系统": "Boot the system",
    "名称": "Name",
    "说明": "Notes",
    "内核": "Kernel",
    "稳定版本": "Stable release",
    "社区的力量。": "The strength of the community.",
}


def import_text(text: str, *, dry_run: bool = False, name: str = "en.po") -> po_import.ImportReport:
    return po_import.import_po(sources=[po_import.PoSource(name=name, text=text)], language="en", dry_run=dry_run)


def snapshot():
    """Everything an import may write, to compare before and after."""
    return (
        list(Article.objects.order_by("pk").values()),
        list(SegmentTranslation.objects.order_by("pk").values("segment_id", "language", "translated_from")),
        list(Category.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
    )


NESTED = """Setext 标题
===

> 引用里的列表
>
> - 第一项
> - 第二项
>
> > 嵌套引用

1. 第一步

    步骤的补充说明、缩进在列表里。

2. 第二步

        代码块、缩进八格

    缩进代码

<!-- 注释不翻译 -->

| 命令 | 说明 |
| --- | --- |
| `a \\| b` | 管道 \\| 符号 |

文字[^n]和<span class="x">内联 HTML</span>。

[^n]: 脚注内容

[ref]: https://example.com/ref

参见[引用链接][ref]。
"""


def keys(article):
    return {segment.text: segment.key for segment in article.source_segments.all()}


def name_entries(article) -> dict[str, polib.POEntry]:
    """The category and tag entries of an English export, read afresh from the database."""
    fresh = Article.objects.get(pk=article.pk)
    return {
        context: entry
        for context, entry in entries(po_export.export_po(language="en", articles=[fresh])).items()
        if not context.startswith("article:")
    }


BAD_INPUTS = {
    "syntax error": (lambda text: text.replace('msgstr "Community news"', 'msgstr "Community news'), "syntax error"),
    "wrong language": (lambda text: text.replace('"Language: en\\n"', '"Language: fr\\n"'), "Language “fr”"),
    "other language": (lambda text: text.replace('"Language: en\\n"', '"Language: zh_Hans\\n"'), "this import is for"),
    "wrong project": (
        lambda text: text.replace(f"Project-Id-Version: {po_export.PROJECT_ID}", "Project-Id-Version: other"),
        "not a file of this site",
    ),
    "unknown msgctxt": (lambda text: text.replace(":title", ":nonsense"), "unknown msgctxt"),
    "broken link target": (
        lambda text: text.replace(
            "Read the [install guide]({1})", "Read the [install guide](https://elsewhere.example)"
        ),
        "placeholder {1}",
    ),
}


def corpus_bodies():
    shared = Path(os.environ.get("PORTAL_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared")
    paths = sorted(path for path in (shared / "corpus").rglob("*.md") if path.name != "SOURCE.md")
    if not paths:
        pytest.skip("the shared corpus is not available")
    for path in paths:
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4 :] if end > 0 else text
        yield path, text


def same_html(html: str) -> str:
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()
