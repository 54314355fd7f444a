import pytest

from news import blocks
from news.blocks import first_heading, image_references, normalize_target, parse, split_code

BODY = """# 介绍 #

欢迎阅读[安装指南](https://example.com/install)、运行
`dnf install portal` 即可。

- 下载镜像 ![截图](./media/shot.png)
  - 嵌套两格
    继续一行
- 启动系统

1) 一
2) 二

| 名称 | 说明 |
| --- | --- |
| 内核 | 稳定 \\| 版本 |

> 社区的力量。
> - 引用里的列表

```bash
![不是图片](media/code.png)
```

~~~
# 不是标题
~~~

    indented code ![no](media/indented.png)

<div class="note">原始 HTML</div>

[^1]: 脚注
[logo]: media/logo.png
"""


def kinds(body):
    lines = blocks.split_lines(body)
    return [
        (
            block.kind,
            block.start,
            block.end,
            block.depth,
            block.quote,
            [lines[s.line][s.begin : s.end] for s in block.spans],
        )
        for block in parse(body)
        if block.kind != blocks.BLANK
    ]


def test_blocks_have_kinds_line_ranges_depths_and_text():
    assert kinds(BODY) == [
        ("heading", 0, 1, 0, 0, ["介绍"]),
        (
            "paragraph",
            2,
            4,
            0,
            0,
            ["欢迎阅读[安装指南](https://example.com/install)、运行", "`dnf install portal` 即可。"],
        ),
        ("list-item", 5, 6, 1, 0, ["下载镜像 ![截图](./media/shot.png)"]),
        ("list-item", 6, 8, 2, 0, ["嵌套两格", "继续一行"]),
        ("list-item", 8, 9, 1, 0, ["启动系统"]),
        ("list-item", 10, 11, 1, 0, ["一"]),
        ("list-item", 11, 12, 1, 0, ["二"]),
        ("table-row", 13, 14, 0, 0, ["名称", "说明"]),
        ("table-delimiter", 14, 15, 0, 0, []),
        ("table-row", 15, 16, 0, 0, ["内核", "稳定 \\| 版本"]),
        ("paragraph", 17, 18, 0, 1, ["社区的力量。"]),
        ("list-item", 18, 19, 1, 1, ["引用里的列表"]),
        ("code", 20, 23, 0, 0, []),
        ("code", 24, 27, 0, 0, []),
        ("code", 28, 29, 0, 0, []),
        ("html", 30, 31, 0, 0, []),
        ("footnote", 32, 33, 0, 0, ["脚注"]),
        ("reference", 33, 34, 0, 0, []),
    ]


def test_every_line_belongs_to_exactly_one_block():
    covered = [line for block in parse(BODY) for line in range(block.start, block.end)]
    assert covered == list(range(len(blocks.split_lines(BODY))))


def test_an_unclosed_fence_runs_to_the_end_and_a_longer_fence_is_not_closed_by_a_shorter_one():
    body = "````\ncode\n```\nstill code\n````\nafter\n\n```\nopen"
    assert [(block.kind, block.start, block.end) for block in parse(body) if block.kind != blocks.BLANK] == [
        ("code", 0, 5),
        ("paragraph", 5, 6),
        ("code", 7, 9),
    ]


def test_indented_text_after_a_list_item_continues_it_and_is_not_code():
    body = "- item\n\n    more of the item\n"
    assert [block.kind for block in parse(body) if block.kind != blocks.BLANK] == ["list-item", "paragraph"]
    assert parse(body)[-1].depth == 1


def test_setext_headings():
    assert kinds("Title\n=====\n\nSub\n---\n")[:1] == [("heading", 0, 1, 0, 0, ["Title"])]
    assert [block.level for block in parse("Title\n=====\n\nSub\n---\n") if block.kind == "heading"] == [1, 2]


def test_image_references_skip_code_and_keep_lines():
    assert image_references(BODY, line_offset=10) == [("./media/shot.png", 16), ("media/logo.png", 44)]


def test_image_references_find_html_images_and_angle_brackets():
    body = 'Text <img src="media/a.png"> and ![x](<media/b c.png> "t") and `![no](media/n.png)`'
    assert image_references(body) == [("media/a.png", 1), ("media/b c.png", 1)]


def test_first_heading_skips_code():
    assert first_heading("```\n# not this\n```\n\n## 安装 ##\n") == ("安装", 5)
    assert first_heading("Setext title\n===\n") == ("Setext title", 1)
    assert first_heading("no heading") == ("", 0)


@pytest.mark.parametrize(
    "target",
    ["media/a.png", "./media/a.png", 'media/a.png "title"', "<media/a.png>", "media/x/../a.png", ".\\media\\a.png"],
)
def test_normalize_target_gives_one_form(target):
    assert normalize_target(target) == "media/a.png"


def test_normalize_target_keeps_urls_and_absolute_paths_apart():
    assert normalize_target("https://example.com//a.png") == "https://example.com//a.png"
    assert normalize_target("/img/a.png") == "/img/a.png"
    assert normalize_target("media/a%20b.png") == "media/a b.png"


def test_split_code_alternates_text_and_code_and_joins_back():
    parts = split_code(BODY)
    assert "".join(parts) == BODY
    code = parts[1::2]
    assert "`dnf install portal`" in code
    assert any("# 不是标题" in part for part in code)
    assert all("# 不是标题" not in part for part in parts[::2])
