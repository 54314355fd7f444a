"""Playwright driving Debian's Chromium against the live test server.

Never downloads a browser: /usr/bin/chromium is used as installed (see
`make browser-deps`). Pages are checked for console errors as they are
visited, and screenshots go to artifacts/ (git-ignored).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from news.models import ArticleImage, Category
from news.tests import factories

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed (make browser-deps installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, transactional_db):
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return live_server.url


class Pages:
    """Opens pages and remembers every console error and uncaught exception they raise."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.errors, self.contexts = browser, base_url, [], []

    def open(self, path="/", *, viewport=DESKTOP, color_scheme="light", javascript=True, status=200):
        context = self.browser.new_context(
            viewport=viewport, color_scheme=color_scheme, java_script_enabled=javascript, base_url=self.base_url
        )
        self.contexts.append(context)
        page = context.new_page()

        def console(message):
            # An error page's own status is reported as a failed load; that one is expected.
            expected = status != 200 and message.location.get("url") == page.url
            if message.type == "error" and not expected:
                self.errors.append((page.url, message.text))

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append((page.url, str(error))))
        response = page.goto(path)
        assert response.status == status, f"{path} answered {response.status}"
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, site):
    opened = Pages(browser, site)
    yield opened
    opened.close()
    assert opened.errors == [], "console errors on pages"


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    # Scroll through once so lazy images below the fold are in the picture too.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_violations(page):
    # Evaluated through the debugging protocol: the page's Content-Security-Policy forbids an inline <script>.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:5]) for violation in result["violations"]
    ]


LONG_BODY_ZH = """## 准备工作

开始之前，请确认系统已经更新到最新版本，并准备好安装介质。本指南适用于服务器与虚拟机两种环境。

## 安装步骤

1. 下载镜像文件并校验。
2. 启动安装程序，选择语言与时区。
3. 按提示完成磁盘分区。

```bash
sudo dnf install -y kernel-devel gcc make
uname -r
```

## 版本对照

| 版本 | 发布日期 | 内核 | 维护周期 | 说明 |
|------|----------|------|----------|------|
| 22.03 LTS | 2022-03-30 | 5.10 | 四年 | 长期支持版本，适合生产环境部署使用 |
| 24.03 LTS | 2024-06-06 | 6.6 | 四年 | 新一代长期支持版本，带来更多硬件支持 |

![安装界面](media/installer.png)

## 常见问题

如果遇到问题，请在社区论坛提问，或者加入兴趣小组的邮件列表。
"""

LONG_BODY_EN = """## Before you start

Make sure the system is up to date and that the installation media is ready. This guide covers both servers
and virtual machines.

## Installation steps

1. Download the image and verify it.
2. Start the installer and choose a language and time zone.
3. Partition the disks as prompted.

```bash
sudo dnf install -y kernel-devel gcc make
uname -r
```

## Versions

| Version | Released | Kernel | Support | Notes |
|---------|----------|--------|---------|-------|
| 22.03 LTS | 2022-03-30 | 5.10 | four years | Long-term support release for production deployments |
| 24.03 LTS | 2024-06-06 | 6.6 | four years | Next long-term support release with more hardware support |

![The installer](media/installer.png)

## Questions

If something goes wrong, ask in the community forum or join the mailing list of a special interest group.
"""


@pytest.fixture
def content(site):
    """A small bilingual site, written for these tests."""
    for position, (slug, zh, en) in enumerate([("news", "新闻", "News"), ("blog", "博客", "Blog")]):
        Category.objects.update_or_create(slug=slug, defaults={"name_zh_hans": zh, "name_en": en, "position": position})
    guide = factories.article(
        zh="社区发布全新安装指南",
        en="Community publishes a new installation guide",
        summary_zh_hans="从准备工作到常见问题，一步一步完成安装。",
        summary_en="From preparation to troubleshooting, the installation step by step.",
        body_zh=LONG_BODY_ZH,
        body_en=LONG_BODY_EN,
        tags=("installation", "kernel"),
        banner=factories.png_file("guide.png", (1600, 800), "#2f6fd0"),
        banner_alt_zh_hans="蓝色的横幅",
        banner_alt_en="A blue banner",
        author="李雷, Han Meimei",
        days_ago=1,
    )
    ArticleImage.objects.create(
        article=guide,
        image=factories.png_file("installer.png", (1000, 600), "#e0e8f0"),
        reference="media/installer.png",
        alt_zh_hans="安装界面",
        alt_en="The installer",
    )
    english_only = factories.article(
        en="Kernel 6.6 release notes",
        summary_en="What changed in the kernel this cycle, and how to upgrade.",
        tags=("kernel",),
        banner=factories.png_file("kernel.png", (1200, 675), "#1f8a70"),
        days_ago=3,
    )
    chinese_only = factories.article(
        zh="开发者大会精彩回顾",
        summary_zh_hans="两天的议程、三十多场分享，一文看尽大会亮点。",
        category_slug="blog",
        tags=("events",),
        days_ago=5,
    )
    more = [
        factories.article(
            zh=f"社区周报第{n}期",
            en=f"Community weekly, issue {n}",
            summary_zh_hans="本周社区动态与版本进展。",
            summary_en="News and release progress from this week.",
            category_slug="blog" if n % 2 else "news",
            tags=("weekly",),
            days_ago=6 + n,
        )
        for n in range(1, 5)
    ]
    return {"guide": guide, "english_only": english_only, "chinese_only": chinese_only, "more": more}
