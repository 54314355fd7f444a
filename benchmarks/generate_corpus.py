"""Write N synthetic Markdown articles in the openEuler site layout (text generated here, no images).

    python benchmarks/generate_corpus.py OUTDIR [--files 10000] [--seed 1]

Layout: ``web-ui/docs/{zh,en}/news/YYYYMMDD-name.md`` and
``web-ui/docs/{zh,en}/blog/<author>/YYYY-MM-DD-name.md``; about half of the
articles exist in both languages under the same relative path.
"""

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

ZH_WORDS = [
    "社区",
    "开源",
    "操作系统",
    "版本",
    "发布",
    "开发者",
    "生态",
    "内核",
    "性能",
    "安全",
    "工具",
    "贡献",
    "会议",
    "技术",
    "创新",
    "合作",
    "用户",
    "文档",
    "测试",
    "构建",
]
EN_WORDS = [
    "community",
    "open",
    "source",
    "operating",
    "system",
    "release",
    "developer",
    "ecosystem",
    "kernel",
    "performance",
    "security",
    "tool",
    "contribution",
    "meeting",
    "technology",
    "innovation",
    "partner",
    "user",
    "documentation",
    "testing",
    "build",
]
AUTHORS = ["openEuler", "liuqi", "randy1568", "fuchangjie", "Fred Li", "leikeke"]
TAGS = ["openEuler", "release", "summit", "kernel", "SIG", "cloud", "AI", "RISC-V", "security", "meetup"]


def sentence(rng: random.Random, language: str) -> str:
    if language == "zh":
        return "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(8, 20))) + "。"
    words = [rng.choice(EN_WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, language: str) -> str:
    text = " ".join(sentence(rng, language) for _ in range(rng.randint(2, 5)))
    word = rng.choice(ZH_WORDS if language == "zh" else EN_WORDS)
    return text.replace(word, f"**{word}**", 1) + f" [{word}](https://example.org/{word})"


def body(rng: random.Random, language: str, title: str) -> str:
    parts = [f"# {title}", paragraph(rng, language)]
    for number in range(rng.randint(2, 4)):
        parts.append(f"## {'第' + str(number + 1) + '部分' if language == 'zh' else f'Part {number + 1}'}")
        parts += [paragraph(rng, language) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            parts.append("\n".join(f"- {sentence(rng, language)}" for _ in range(3)))
        if rng.random() < 0.15:
            parts.append("| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |")
        if rng.random() < 0.15:
            parts.append("```bash\ndnf install -y gcc make\nmake -j4\n```")
    return "\n\n".join(parts) + "\n"


def article_file(rng: random.Random, *, language: str, title: str, day: date, category: str, tags: list[str]) -> str:
    author = rng.choice(AUTHORS)
    tag_lines = "".join(f"    - {tag}\n" for tag in tags)
    return (
        "---\n"
        f'title: "{title}"\n'
        f'date: "{day.isoformat()}"\n'
        f"category: {category}\n"
        f"tags:\n{tag_lines}"
        f'author: "{author}"\n'
        f'summary: "{sentence(rng, language)}"\n'
        f"archives: {day:%Y-%m}\n"
        "---\n\n"
        f"{body(rng, language, title)}"
    )


def generate(outdir: Path, *, files: int = 10_000, seed: int = 1) -> int:
    """Write about ``files`` Markdown files; returns how many were written."""
    rng = random.Random(seed)
    docs = Path(outdir) / "web-ui" / "docs"
    written, number = 0, 0
    start = date(2019, 12, 1)
    while written < files:
        number += 1
        day = start + timedelta(days=number % 2500)
        category = "news" if rng.random() < 0.7 else "blog"
        name = f"{day:%Y%m%d}-article-{number}"
        relative = Path("news", f"{name}.md") if category == "news" else Path("blog", rng.choice(AUTHORS), f"{name}.md")
        languages = ["zh", "en"] if rng.random() < 0.5 and files - written >= 2 else [rng.choice(["zh", "en"])]
        tags = rng.sample(TAGS, rng.randint(1, 3))
        for language in languages:
            title = f"{'文章' if language == 'zh' else 'Article'} {number}: {sentence(rng, language)[:40]}"
            path = docs / language / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            text = article_file(rng, language=language, title=title, day=day, category=category, tags=tags)
            path.write_text(text, encoding="utf-8")
            written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.outdir, files=args.files, seed=args.seed)
    print(f"{count} files written under {args.outdir}")


if __name__ == "__main__":
    main()
