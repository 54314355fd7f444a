# ruff: noqa: RUF001 -- Chinese text uses full-width punctuation on purpose.
"""The demo articles: texts written for this project about Lantern OS, a fictional community.

Every name, number and event here is invented. :mod:`news.demo` turns these
descriptions into articles, banners and body images.
"""

import textwrap
from dataclasses import dataclass

ZH = "zh-hans"
EN = "en"


def md(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


@dataclass(frozen=True)
class Text:
    title: str
    summary: str
    body: str
    banner_alt: str


@dataclass(frozen=True)
class DemoImage:
    reference: str  # as the Markdown writes it, e.g. media/boot-time.png
    drawing: str  # a key of news.demo.DRAWINGS
    caption: str  # drawn into the image (ASCII: the bundled font has no Chinese)
    data: tuple
    alt: dict[str, str]
    unit: str = ""


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    category: str
    days_ago: float  # negative: scheduled in the future
    source_language: str
    author: str
    colours: tuple[str, str, str]  # gradient start, end, accent
    shape: str  # circles, waves, stripes or hexagons
    texts: dict[str, Text]
    tags: tuple[str, ...] = ()
    images: tuple[DemoImage, ...] = ()
    draft: bool = False


# (name, Chinese label, English label)
TAGS = [
    ("release", "版本发布", "Release"),
    ("kernel", "内核", "Kernel"),
    ("security", "安全", "Security"),
    ("packaging", "软件包", "Packaging"),
    ("toolchain", "工具链", "Toolchain"),
    ("community", "社区", "Community"),
    ("meetup", "线下交流", "Meetup"),
    ("embedded", "嵌入式", "Embedded"),
    ("cloud-native", "云原生", "Cloud native"),
    ("ai", "人工智能", "AI"),
    ("risc-v", "RISC-V", "RISC-V"),
]

RELEASE_2409 = DemoArticle(
    slug="lantern-os-24-09-released",
    category="news",
    days_ago=430,
    source_language=ZH,
    author="Lantern OS 发布工作组",
    colours=("#1e3a8a", "#0ea5e9", "#fde68a"),
    shape="circles",
    tags=("release", "kernel"),
    images=(
        DemoImage(
            reference="media/boot-time.png",
            drawing="bars",
            caption="Cold boot to login (seconds, lower is better)",
            data=(("23.09", 14.2), ("24.03", 11.8), ("24.09", 8.9)),
            unit=" s",
            alt={ZH: "三个版本的冷启动时间对比柱状图", EN: "Bar chart comparing cold boot time across three releases"},
        ),
    ),
    texts={
        ZH: Text(
            title="Lantern OS 24.09 正式发布",
            summary="新版本带来 6.6 长期支持内核、更快的启动速度和全新的安装器，即日起可在各镜像站下载。",
            banner_alt="深蓝到天蓝的渐变背景上漂浮着半透明的圆形光斑",
            body=md(
                """
                # Lantern OS 24.09 正式发布

                经过六个月的开发和三轮公开测试，Lantern OS 24.09 今天正式发布。感谢 212 位贡献者提交的
                4,318 个合并请求，以及在测试阶段反馈问题的每一位用户。

                ## 主要变化

                - 默认内核升级到 **6.6 LTS**，并启用了 `zstd` 压缩的内核模块；
                - 全新的图形与文本双模式安装器，支持离线安装和自动分区方案；
                - 软件源中的软件包总数超过 **31,000** 个；
                - 引导流程精简之后，冷启动时间明显缩短。

                ![三个版本的冷启动时间](media/boot-time.png)

                ## 版本与支持周期

                | 版本 | 类型 | 内核 | 支持截止 |
                | --- | --- | --- | --- |
                | 23.09 | 创新版 | 6.1 | 2024 年 3 月 |
                | 24.03 | 长期支持版 | 6.6 | 2028 年 3 月 |
                | 24.09 | 创新版 | 6.6 | 2025 年 3 月 |

                创新版面向希望尽早试用新特性的用户，生产环境仍建议使用长期支持版[^lts]。

                ## 如何升级

                已在使用 24.03 的用户可以直接原地升级：

                ```bash
                sudo lpkg refresh
                sudo lpkg system-upgrade --release 24.09
                sudo reboot
                ```

                全新安装请从[下载页面](https://example.org/download)获取镜像，并用 `sha256sum` 校验文件。

                ## 已知问题

                部分旧款无线网卡需要手动安装固件包 `linux-firmware-extra`，详情见发行说明。

                [^lts]: 长期支持版提供四年的安全更新和缺陷修复。
                """
            ),
        ),
        EN: Text(
            title="Lantern OS 24.09 is out",
            summary="The new release brings the 6.6 LTS kernel, faster boots and a new installer. Download it "
            "from any mirror today.",
            banner_alt="Translucent circles of light floating over a gradient from deep blue to sky blue",
            body=md(
                """
                After six months of development and three public test rounds, Lantern OS 24.09 is released
                today. Thanks to the 212 contributors behind 4,318 merge requests, and to everyone who reported
                problems during testing.

                ## Highlights

                - The default kernel moves to **6.6 LTS**, with `zstd`-compressed kernel modules;
                - A new installer with graphical and text modes, offline installs and automatic partitioning;
                - More than **31,000** packages in the repositories;
                - A leaner boot sequence that cuts cold boot time noticeably.

                ![Cold boot time of three releases](./media/boot-time.png)

                ## Releases and support

                | Release | Kind | Kernel | Supported until |
                | --- | --- | --- | --- |
                | 23.09 | Innovation | 6.1 | March 2024 |
                | 24.03 | Long-term support | 6.6 | March 2028 |
                | 24.09 | Innovation | 6.6 | March 2025 |

                Innovation releases are for people who want new features early; for production we still
                recommend the long-term support release[^lts].

                ## Upgrading

                If you run 24.03 today, you can upgrade in place:

                ```bash
                sudo lpkg refresh
                sudo lpkg system-upgrade --release 24.09
                sudo reboot
                ```

                For a fresh install, get an image from the [download page](https://example.org/download) and
                check it with `sha256sum`.

                ## Known issues

                Some older wireless cards need the `linux-firmware-extra` package installed by hand; see the
                release notes.

                [^lts]: Long-term support releases receive four years of security updates and bug fixes.
                """
            ),
        ),
    },
)

REPRODUCIBLE = DemoArticle(
    slug="reproducible-packages-with-lpkg",
    category="blog",
    days_ago=395,
    source_language=EN,
    author="Mira Castellanos, 周一帆",
    colours=("#064e3b", "#34d399", "#ecfccb"),
    shape="hexagons",
    tags=("packaging", "toolchain"),
    images=(
        DemoImage(
            reference="media/build-pipeline.png",
            drawing="boxes",
            caption="From spec file to signed package",
            data=("spec", "sandbox", "build", "compare", "sign"),
            alt={
                ZH: "软件包构建流水线：规格文件、沙箱、构建、比对、签名",
                EN: "Build pipeline: spec, sandbox, build, compare, sign",
            },
        ),
    ),
    texts={
        EN: Text(
            title="Reproducible packages with lpkg",
            summary="Two independent builders, one checksum: how the packaging team made 94% of the "
            "repository reproducible, and how you can check a package yourself.",
            banner_alt="Green hexagon pattern over a dark-to-mint gradient",
            body=md(
                """
                A package is *reproducible* when anyone can rebuild it from the same source and get a
                bit-for-bit identical file. It is the best answer we know to the question "is this binary
                really built from that source?".

                ## How the pipeline works

                Every package goes through the same five steps:

                ![Build pipeline](media/build-pipeline.png)

                Two builders on different machines run steps 2 and 3 independently. The package is signed only
                when both produce the same checksum.

                ## Fixing the usual suspects

                Most differences come from a handful of causes:

                | Cause | Fix |
                | --- | --- |
                | Timestamps in archives | honour `SOURCE_DATE_EPOCH` |
                | File order in tarballs | sort entries by name |
                | Build paths in debug info | `-ffile-prefix-map` |
                | Random hash seeds | `PYTHONHASHSEED=0` |

                A spec file declares its build environment explicitly:

                ```yaml
                name: zstd
                version: 1.5.6
                build:
                  environment:
                    SOURCE_DATE_EPOCH: "1704067200"
                    LC_ALL: C.UTF-8
                  steps:
                    - make -j"$(nproc)"
                    - make install DESTDIR="$PKGROOT"
                ```

                ## Checking a package yourself

                The `lpkg verify` command rebuilds a package locally and compares it with the published one:

                ```python
                import subprocess

                result = subprocess.run(["lpkg", "verify", "--rebuild", "zstd"], capture_output=True, text=True)
                print("reproducible" if result.returncode == 0 else result.stdout)
                ```

                The current status of every package is on the
                [reproducibility dashboard](https://example.org/repro)[^numbers].

                [^numbers]: 94.1% of 31,204 source packages at the time of writing.
                """
            ),
        ),
        ZH: Text(
            title="用 lpkg 构建可重现的软件包",
            summary="两台独立构建机，同一个校验和：软件包团队如何让 94% 的软件包可重现，以及你如何亲自验证。",
            banner_alt="深绿到薄荷绿渐变背景上的绿色六边形图案",
            body=md(
                """
                如果任何人都能用同一份源码重新构建出与发布版本逐位相同的文件，这个软件包就是**可重现**的。
                对于"这个二进制文件真的是由那份源码构建的吗？"这个问题，这是我们所知最好的回答。

                ## 流水线如何工作

                每个软件包都要经过同样的五个步骤：

                ![构建流水线](media/build-pipeline.png)

                两台位于不同机器上的构建机分别独立执行第 2、3 步，只有两者得到相同的校验和时，软件包才会被签名。

                ## 常见问题的修复

                大多数差异来自少数几个原因：

                | 原因 | 修复方法 |
                | --- | --- |
                | 归档中的时间戳 | 遵循 `SOURCE_DATE_EPOCH` |
                | 压缩包中的文件顺序 | 按名称排序 |
                | 调试信息中的构建路径 | `-ffile-prefix-map` |
                | 随机哈希种子 | `PYTHONHASHSEED=0` |

                规格文件会显式声明构建环境：

                ```yaml
                name: zstd
                version: 1.5.6
                build:
                  environment:
                    SOURCE_DATE_EPOCH: "1704067200"
                    LC_ALL: C.UTF-8
                  steps:
                    - make -j"$(nproc)"
                    - make install DESTDIR="$PKGROOT"
                ```

                ## 亲自验证

                `lpkg verify` 命令会在本地重新构建软件包，并与已发布的版本比较：

                ```bash
                lpkg verify --rebuild zstd && echo 可重现
                ```

                每个软件包的当前状态可在[可重现性看板](https://example.org/repro)查看[^numbers]。

                [^numbers]: 撰写本文时，31,204 个源码包中有 94.1% 可重现。
                """
            ),
        ),
    },
)

SUMMIT_CFP = DemoArticle(
    slug="lantern-summit-call-for-talks",
    category="events",
    days_ago=300,
    source_language=ZH,
    author="Lantern OS 社区运营组",
    colours=("#7c2d12", "#fb923c", "#fff7ed"),
    shape="waves",
    tags=("community", "meetup"),
    texts={
        ZH: Text(
            title="Lantern 峰会议题征集开始",
            summary="今年的峰会将于 6 月在杭州举行，议题征集截至 4 月 15 日，欢迎分享你的实践经验。",
            banner_alt="橙色暖调渐变背景上起伏的波浪",
            body=md(
                """
                今年的 Lantern 峰会将于 6 月 14 日至 15 日在杭州举行。议题征集今天开始，
                我们期待听到来自用户、开发者和合作伙伴的真实故事。

                ## 议题方向

                - 内核与系统性能
                - 软件包与供应链安全
                - 云原生与边缘计算
                - 社区治理与新人成长

                ## 重要日期

                | 事项 | 日期 |
                | --- | --- |
                | 议题征集截止 | 4 月 15 日 |
                | 结果通知 | 5 月 6 日 |
                | 峰会举行 | 6 月 14–15 日 |

                ## 如何投稿

                请在[投稿系统](https://example.org/summit/cfp)中填写题目、摘要和讲者简介。
                每位讲者最多提交两个议题，演讲时长为 20 或 40 分钟。
                """
            ),
        ),
        EN: Text(
            title="Lantern Summit: call for talks",
            summary="This year's summit takes place in Hangzhou in June. Talk proposals are open until 15 April: "
            "tell us what you built.",
            banner_alt="Rolling waves over a warm orange gradient",
            body=md(
                """
                This year's Lantern Summit takes place in Hangzhou on 14–15 June. The call for talks opens today,
                and we want to hear real stories from users, developers and partners.

                ## Topics

                - Kernel and system performance
                - Packaging and supply-chain security
                - Cloud native and edge computing
                - Community governance and growing newcomers

                ## Key dates

                | What | When |
                | --- | --- |
                | Proposals close | 15 April |
                | Speakers notified | 6 May |
                | Summit | 14–15 June |

                ## How to submit

                Fill in a title, an abstract and a short bio in the
                [submission system](https://example.org/summit/cfp). Each speaker may submit up to two
                proposals, for 20 or 40 minute slots.
                """
            ),
        ),
    },
)

ADVISORY_CALENDAR = DemoArticle(
    slug="security-advisories-public-calendar",
    category="news",
    days_ago=250,
    source_language=EN,
    author="Lantern Security Team",
    colours=("#111827", "#4b5563", "#f87171"),
    shape="stripes",
    tags=("security",),
    texts={
        EN: Text(
            title="Security advisories now follow a public calendar",
            summary="Routine security updates ship on the second Tuesday of each month; critical fixes still go "
            "out as soon as they are ready.",
            banner_alt="Red diagonal stripes over a charcoal gradient",
            body=md(
                """
                Starting next month, routine security updates for all supported releases ship on the
                **second Tuesday** of each month. Administrators asked for a predictable rhythm, and a fixed
                day lets them plan maintenance windows.

                Critical vulnerabilities, those with a CVSS score of 9.0 or more or known to be exploited,
                are not held back: they are fixed and announced as soon as a tested update is ready.

                Subscribe to the advisories with:

                ```bash
                lpkg advisories --subscribe --severity important
                ```

                The full policy is in the [security handbook](https://example.org/security).
                """
            ),
        ),
        ZH: Text(
            title="安全公告改为按公开日历发布",
            summary="常规安全更新将在每月第二个星期二发布，严重漏洞的修复仍会在就绪后立即推送。",
            banner_alt="炭灰色渐变背景上的红色斜条纹",
            body=md(
                """
                从下个月起，所有受支持版本的常规安全更新将在每月**第二个星期二**发布。
                许多管理员希望更新节奏可以预期，固定的发布日便于他们安排维护窗口。

                严重漏洞（CVSS 评分不低于 9.0，或已知被利用）不受此限：测试通过的更新就绪后会立即修复并公告。

                订阅安全公告：

                ```bash
                lpkg advisories --subscribe --severity important
                ```

                完整政策见[安全手册](https://example.org/security)。
                """
            ),
        ),
    },
)

RASPBERRY = DemoArticle(
    slug="embedded-edition-on-a-single-board-computer",
    category="blog",
    days_ago=520,
    source_language=ZH,
    author="林晓雨",
    colours=("#4c1d95", "#c084fc", "#f5d0fe"),
    shape="circles",
    tags=("embedded",),
    texts={
        ZH: Text(
            title="在单板计算机上体验 Lantern OS 嵌入式版",
            summary="从烧录镜像到点亮第一个 LED，一个周末下午就能完成。",
            banner_alt="紫色渐变背景上的粉色圆点",
            body=md(
                """
                上个周末，我在一块四核 ARM 单板计算机上装好了 Lantern OS 嵌入式版。
                整个过程比想象中顺利，这里记下步骤，供第一次尝试的朋友参考。

                ## 准备工作

                - 一块 64 位 ARM 单板计算机和 5V 3A 电源；
                - 一张不小于 16 GB 的 microSD 卡；
                - 一台能读写 SD 卡的电脑。

                ## 烧录镜像

                下载镜像后，用 `dd` 写入 SD 卡（请确认设备名，写错会清空其他磁盘）：

                ```bash
                xz -d lantern-embedded-24.03-arm64.img.xz
                sudo dd if=lantern-embedded-24.03-arm64.img of=/dev/sdX bs=4M status=progress conv=fsync
                ```

                ## 点亮 LED

                系统启动后，用几行 Python 控制 GPIO：

                ```python
                from pathlib import Path
                import time

                led = Path("/sys/class/leds/user-led/brightness")
                for _ in range(5):
                    led.write_text("1")
                    time.sleep(0.5)
                    led.write_text("0")
                    time.sleep(0.5)
                ```

                看到小灯一闪一闪的那一刻，真的很有成就感。下一篇我会试试用它做一个温湿度监测站。
                """
            ),
        ),
    },
)

SCHEDULER_NOTES = DemoArticle(
    slug="scheduler-tuning-notes",
    category="blog",
    days_ago=610,
    source_language=ZH,
    author="陈思远",
    colours=("#0f172a", "#2563eb", "#93c5fd"),
    shape="stripes",
    tags=("kernel",),
    images=(
        DemoImage(
            reference="media/latency.png",
            drawing="bars",
            caption="p99 wakeup latency (microseconds)",
            data=(("default", 182), ("tuned", 97), ("isolated", 41)),
            unit=" us",
            alt={ZH: "三种配置下的 p99 唤醒延迟柱状图", EN: "Bar chart of p99 wakeup latency under three setups"},
        ),
    ),
    texts={
        ZH: Text(
            title="内核调度器调优笔记",
            summary="记录一次为低延迟服务调整调度参数的过程：测什么、改什么、效果如何。",
            banner_alt="深蓝色渐变背景上的浅蓝色斜条纹",
            body=md(
                """
                最近在为一个对延迟敏感的行情服务做优化，顺手把调度器相关的实验整理成笔记。

                ## 先测量

                没有数据就不要调参。我用 `cyclictest` 测量唤醒延迟，每种配置运行十分钟：

                ```bash
                sudo cyclictest --mlockall --priority=80 --interval=200 --distance=0 --duration=10m
                ```

                ## 调整了什么

                | 参数 | 默认值 | 调整后 |
                | --- | --- | --- |
                | `kernel.sched_migration_cost_ns` | 500000 | 5000000 |
                | `kernel.sched_autogroup_enabled` | 1 | 0 |
                | CPU 隔离 | 无 | `isolcpus=2,3` |

                ## 效果

                ![唤醒延迟对比](media/latency.png)

                隔离 CPU 的效果最明显[^caveat]，p99 延迟从 182 微秒降到了 41 微秒。

                ## 小结

                调度器的默认值对大多数负载都很合理，只有在测量之后确认瓶颈时才值得调整。

                [^caveat]: 隔离的 CPU 不再参与普通任务调度，整体吞吐量会下降。
                """
            ),
        ),
    },
)

ELECTION = DemoArticle(
    slug="governance-committee-election-results",
    category="news",
    days_ago=150,
    source_language=ZH,
    author="Lantern OS 选举委员会",
    colours=("#831843", "#f472b6", "#fdf2f8"),
    shape="hexagons",
    tags=("community",),
    texts={
        ZH: Text(
            title="社区治理委员会第三届选举结果公布",
            summary="本届共有 1,046 名贡献者参与投票，七位新委员将任职两年。",
            banner_alt="玫红色渐变背景上的六边形图案",
            body=md(
                """
                社区治理委员会第三届选举已于上周结束。本届共有 1,046 名符合条件的贡献者参与投票，
                投票率为 61%，创历届新高。

                当选的七位委员（按姓氏拼音排序）将从下月起任职两年：

                | 委员 | 所在领域 |
                | --- | --- |
                | 陈思远 | 内核 |
                | 韩 洁 | 文档与本地化 |
                | 林晓雨 | 嵌入式 |
                | Mira Castellanos | 软件包 |
                | 王 磊 | 基础设施 |
                | 吴佳宁 | 社区运营 |
                | 周一帆 | 安全 |

                感谢所有候选人和投票者。委员会会议纪要将继续在[治理仓库](https://example.org/governance)公开。
                """
            ),
        ),
    },
)

SYSTEMD_UNIT = DemoArticle(
    slug="your-first-service-unit",
    category="blog",
    days_ago=200,
    source_language=EN,
    author="Tomasz Wójcik",
    colours=("#134e4a", "#2dd4bf", "#fef9c3"),
    shape="waves",
    tags=("toolchain", "cloud-native"),
    texts={
        EN: Text(
            title="Writing your first service unit on Lantern OS",
            summary="Turn a script into a well-behaved service with restarts, logs and sandboxing, in about "
            "twenty lines.",
            banner_alt="Teal waves with a pale yellow glow",
            body=md(
                """
                You have a small program that should run all the time. Here is how to make it a proper
                service on Lantern OS.

                ## The unit file

                Save this as `/etc/systemd/system/weather.service`:

                ```ini
                [Unit]
                Description=Weather station collector
                After=network-online.target

                [Service]
                ExecStart=/usr/local/bin/weather-collector
                Restart=on-failure
                DynamicUser=yes
                ProtectSystem=strict
                StateDirectory=weather

                [Install]
                WantedBy=multi-user.target
                ```

                ## Start it and read its logs

                ```bash
                sudo systemctl daemon-reload
                sudo systemctl enable --now weather.service
                journalctl -u weather.service -f
                ```

                ## Why these options

                | Option | What it buys you |
                | --- | --- |
                | `Restart=on-failure` | the service comes back after a crash |
                | `DynamicUser=yes` | no permanent system user to manage |
                | `ProtectSystem=strict` | the file system is read-only for the service |
                | `StateDirectory=` | one writable place, created for you |

                The [systemd documentation](https://systemd.io/) lists many more sandboxing options.
                """
            ),
        ),
    },
)

BERLIN_RECAP = DemoArticle(
    slug="berlin-meetup-recap",
    category="events",
    days_ago=95,
    source_language=EN,
    author="Jonas Richter",
    colours=("#1f2937", "#f59e0b", "#fef3c7"),
    shape="circles",
    tags=("meetup", "community"),
    images=(
        DemoImage(
            reference="media/attendance.png",
            drawing="bars",
            caption="Attendance at our last five meetups",
            data=(("Feb", 18), ("May", 26), ("Sep", 34), ("Jan", 41), ("Jun", 57)),
            alt={ZH: "五次聚会到场人数的柱状图", EN: "Bar chart of attendance at five meetups"},
        ),
    ),
    texts={
        EN: Text(
            title="Recap: our Berlin meetup",
            summary="57 people, three talks and a lot of pretzels: notes from the largest Lantern meetup in Europe "
            "so far.",
            banner_alt="Amber circles on a dark gradient",
            body=md(
                """
                Last Thursday 57 people came to our Berlin meetup, hosted by a local co-working space. It was
                our largest European meetup so far, and the trend is encouraging:

                ![Attendance at our Berlin meetups](attendance.png)

                ## The talks

                1. **Porting a trading system to Lantern OS**: what broke, and what turned out easier than
                   expected.
                2. **Reproducible builds in practice**: the packaging team's progress, with live demos.
                3. **Your first patch**: a walk through the contribution process, from fork to merge.

                Slides are linked from the [meetup page](https://example.org/meetups/berlin).

                ## Next time

                The next meetup is planned for the autumn. If you would like to speak, open an issue in the
                events repository.
                """
            ),
        ),
    },
)

AI_INFERENCE = DemoArticle(
    slug="ai-inference-on-lantern-os",
    category="blog",
    days_ago=60,
    source_language=ZH,
    author="吴佳宁, Priya Raman",
    colours=("#312e81", "#ec4899", "#c7d2fe"),
    shape="hexagons",
    tags=("ai", "cloud-native"),
    images=(
        DemoImage(
            reference="media/throughput.png",
            drawing="bars",
            caption="Tokens per second, 7B model, batch 8",
            data=(("CPU only", 38), ("CPU + AMX", 112), ("1 GPU", 640)),
            alt={
                ZH: "三种硬件上的推理吞吐量柱状图",
                EN: "Bar chart of inference throughput on three machines",
            },
        ),
    ),
    texts={
        ZH: Text(
            title="在 Lantern OS 上运行 AI 推理服务",
            summary="从驱动安装到容器部署，再到吞吐量测试：一份面向运维同学的实践指南。",
            banner_alt="靛蓝到粉色的渐变背景上的六边形网格",
            body=md(
                """
                越来越多的用户在 Lantern OS 上部署大模型推理服务。本文整理了我们在测试集群上的实践。

                ## 安装运行环境

                Lantern OS 24.09 起，软件源提供了常用的推理运行时：

                ```bash
                sudo lpkg install inference-runtime python3-inference
                ```

                ## 启动一个服务

                ```python
                from inference import Server

                server = Server(model="/srv/models/chat-7b", max_batch_size=8)
                server.serve(host="0.0.0.0", port=8080)
                ```

                ## 吞吐量

                ![推理吞吐量对比](./media/throughput.png)

                | 硬件 | 每秒词元数 | 相对 CPU |
                | --- | --- | --- |
                | 仅 CPU | 38 | 1.0× |
                | CPU + AMX | 112 | 2.9× |
                | 单张 GPU | 640 | 16.8× |

                测试方法与脚本见[基准测试仓库](https://example.org/ai-bench)[^setup]。

                [^setup]: 测试使用 7B 参数模型，批大小为 8，输入与输出长度均为 256。
                """
            ),
        ),
        EN: Text(
            title="Running AI inference services on Lantern OS",
            summary="From drivers to containers to throughput numbers: a practical guide for operators.",
            banner_alt="Hexagon grid on an indigo-to-pink gradient",
            body=md(
                """
                More and more users deploy large-model inference on Lantern OS. These are our notes from
                the test cluster.

                ## Installing the runtime

                Since Lantern OS 24.09 the repositories ship the usual inference runtimes:

                ```bash
                sudo lpkg install inference-runtime python3-inference
                ```

                ## Starting a service

                ```python
                from inference import Server

                server = Server(model="/srv/models/chat-7b", max_batch_size=8)
                server.serve(host="0.0.0.0", port=8080)
                ```

                ## Throughput

                ![Inference throughput](media/throughput.png)

                | Hardware | Tokens per second | Relative to CPU |
                | --- | --- | --- |
                | CPU only | 38 | 1.0× |
                | CPU + AMX | 112 | 2.9× |
                | One GPU | 640 | 16.8× |

                The method and scripts are in the [benchmark repository](https://example.org/ai-bench)[^setup].

                [^setup]: A 7B-parameter model, batch size 8, 256 tokens in and out.
                """
            ),
        ),
    },
)

MIRRORS = DemoArticle(
    slug="mirror-network-passes-forty-sites",
    category="news",
    days_ago=330,
    source_language=EN,
    author="Lantern Infrastructure Team",
    colours=("#0c4a6e", "#22d3ee", "#e0f2fe"),
    shape="waves",
    tags=("community",),
    texts={
        EN: Text(
            title="Our mirror network passes forty sites",
            summary="Universities and companies on five continents now mirror Lantern OS. Thank you!",
            banner_alt="Light blue waves over an ocean-blue gradient",
            body=md(
                """
                With three new universities joining this month, Lantern OS is now mirrored at **41 sites**
                on five continents.

                | Region | Sites | New this year |
                | --- | --- | --- |
                | Asia | 19 | 6 |
                | Europe | 12 | 3 |
                | North America | 6 | 1 |
                | South America | 2 | 2 |
                | Africa | 2 | 1 |

                `lpkg` picks the fastest mirror automatically. To run a mirror yourself, read the
                [mirror guide](https://example.org/mirrors): 2 TB of disk and a stable connection are enough.
                """
            ),
        ),
        ZH: Text(
            title="镜像站网络突破四十个站点",
            summary="五大洲的高校和企业正在为 Lantern OS 提供镜像服务，感谢你们！",
            banner_alt="海蓝色渐变背景上的浅蓝色波浪",
            body=md(
                """
                本月又有三所高校加入，Lantern OS 的镜像站已达到 **41 个**，覆盖五大洲。

                | 地区 | 站点数 | 今年新增 |
                | --- | --- | --- |
                | 亚洲 | 19 | 6 |
                | 欧洲 | 12 | 3 |
                | 北美洲 | 6 | 1 |
                | 南美洲 | 2 | 2 |
                | 非洲 | 2 | 1 |

                `lpkg` 会自动选择最快的镜像站。想自己搭建镜像站，请阅读[镜像指南](https://example.org/mirrors)：
                2 TB 磁盘空间和稳定的网络连接就足够了。
                """
            ),
        ),
    },
)

PACKAGING_SPRINT = DemoArticle(
    slug="online-packaging-sprints",
    category="events",
    days_ago=40,
    source_language=ZH,
    author="Mira Castellanos",
    colours=("#365314", "#a3e635", "#fefce8"),
    shape="stripes",
    tags=("packaging", "meetup"),
    texts={
        ZH: Text(
            title="线上打包冲刺：每隔一周的周六见",
            summary="和软件包维护者一起，花一个下午把你常用的软件带进 Lantern OS。",
            banner_alt="橄榄绿到青柠色渐变背景上的斜条纹",
            body=md(
                """
                从本月起，软件包团队每隔一周的周六下午举办线上打包冲刺，时间为北京时间 14:00–18:00。

                每次冲刺会挑选一批用户呼声最高的软件，维护者现场讲解规格文件的写法，并帮助大家完成第一次提交。
                不需要任何经验，带上电脑和好奇心就行。

                参与前请先安装打包工具：

                ```bash
                sudo lpkg install lpkg-devtools
                lpkg-devtools doctor
                ```

                报名和议程见[冲刺页面](https://example.org/sprints)。
                """
            ),
        ),
        EN: Text(
            title="Online packaging sprints, every other Saturday",
            summary="Spend an afternoon with the package maintainers and bring the software you use into Lantern OS.",
            banner_alt="Diagonal stripes on an olive-to-lime gradient",
            body=md(
                """
                Starting this month, the packaging team runs an online sprint every other Saturday afternoon,
                14:00–18:00 Beijing time (06:00–10:00 UTC).

                Each sprint picks the most requested software. Maintainers explain how to write the spec file
                and help you make your first submission. No experience needed.

                Install the packaging tools before you join:

                ```bash
                sudo lpkg install lpkg-devtools
                lpkg-devtools doctor
                ```

                Sign-up and agenda are on the [sprint page](https://example.org/sprints).
                """
            ),
        ),
    },
)

CONTAINER_IMAGES = DemoArticle(
    slug="container-images-slim-minimal-full",
    category="blog",
    days_ago=700,
    source_language=EN,
    author="Priya Raman",
    colours=("#1e293b", "#6366f1", "#a5f3fc"),
    shape="circles",
    tags=("cloud-native",),
    images=(
        DemoImage(
            reference="media/image-sizes.png",
            drawing="bars",
            caption="Compressed image size (MB)",
            data=(("minimal", 14), ("slim", 38), ("full", 112)),
            unit=" MB",
            alt={ZH: "三种容器镜像大小的柱状图", EN: "Bar chart of the sizes of three container images"},
        ),
    ),
    texts={
        EN: Text(
            title="Container images: minimal, slim and full",
            summary="Three official base images, three trade-offs. Which one should your service start from?",
            banner_alt="Cyan circles on a slate-to-indigo gradient",
            body=md(
                """
                Lantern OS publishes three official container base images. They share the same packages and
                security updates; they differ in what is preinstalled.

                ## Sizes

                ![Image sizes](image-sizes.png)

                ## What is inside

                | Image | Package manager | Shell | Good for |
                | --- | --- | --- | --- |
                | `minimal` | no | no | static binaries |
                | `slim` | yes | yes | most services |
                | `full` | yes | yes | development and debugging |

                ## An example

                A multi-stage build compiles in `full` and ships in `minimal`:

                ```dockerfile
                FROM registry.example.org/lantern/full:24.03 AS build
                RUN lpkg install golang && go build -o /out/app ./cmd/app

                FROM registry.example.org/lantern/minimal:24.03
                COPY --from=build /out/app /app
                ENTRYPOINT ["/app"]
                ```

                And the matching deployment:

                ```yaml
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                        - name: app
                          image: registry.example.org/team/app:1.4.0
                ```

                When in doubt, start from `slim`.
                """
            ),
        ),
        ZH: Text(
            title="容器镜像怎么选：minimal、slim 与 full",
            summary="三个官方基础镜像，三种取舍。你的服务该从哪一个开始？",
            banner_alt="石板灰到靛蓝渐变背景上的青色圆形",
            body=md(
                """
                Lantern OS 发布三个官方容器基础镜像。它们的软件包和安全更新完全一致，区别在于预装了哪些内容。

                ## 镜像大小

                ![镜像大小对比](media/image-sizes.png)

                ## 镜像内容

                | 镜像 | 包管理器 | Shell | 适用场景 |
                | --- | --- | --- | --- |
                | `minimal` | 无 | 无 | 静态编译的程序 |
                | `slim` | 有 | 有 | 大多数服务 |
                | `full` | 有 | 有 | 开发与调试 |

                ## 示例

                多阶段构建：在 `full` 中编译，用 `minimal` 发布。

                ```dockerfile
                FROM registry.example.org/lantern/full:24.03 AS build
                RUN lpkg install golang && go build -o /out/app ./cmd/app

                FROM registry.example.org/lantern/minimal:24.03
                COPY --from=build /out/app /app
                ENTRYPOINT ["/app"]
                ```

                拿不准的时候，就从 `slim` 开始。
                """
            ),
        ),
    },
)

LTS_ROADMAP = DemoArticle(
    slug="lantern-os-25-03-lts-roadmap",
    category="news",
    days_ago=12,
    source_language=ZH,
    author="Lantern OS 发布工作组",
    colours=("#3f1d38", "#f43f5e", "#ffe4e6"),
    shape="stripes",
    tags=("release", "risc-v"),
    images=(
        DemoImage(
            reference="media/lts-timeline.png",
            drawing="timeline",
            caption="25.03 LTS milestones",
            data=(("Dec 1", "planning"), ("Jan 20", "freeze"), ("Feb 17", "beta"), ("Mar 28", "release")),
            alt={ZH: "25.03 长期支持版的里程碑时间线", EN: "Timeline of the 25.03 LTS milestones"},
        ),
    ),
    texts={
        ZH: Text(
            title="Lantern OS 25.03 LTS 路线图与冻结日期",
            summary="下一个长期支持版将首次正式支持 RISC-V，功能冻结定于 1 月 20 日。",
            banner_alt="酒红到玫瑰红渐变背景上的斜条纹",
            body=md(
                """
                下一个长期支持版 Lantern OS 25.03 LTS 的路线图已经确定，这也是第一个正式支持 RISC-V 架构的长期支持版。

                ## 时间线

                ![25.03 LTS 里程碑](media/lts-timeline.png)

                ## 计划中的变化

                | 领域 | 计划 |
                | --- | --- |
                | 架构 | x86_64、aarch64，新增 riscv64 |
                | 内核 | 6.12 LTS |
                | 工具链 | GCC 14、LLVM 19 |
                | 安装器 | 支持全盘加密 |

                ## 冻结期间的规则

                1 月 20 日功能冻结后，只接受缺陷修复和安全更新。例外申请请在发布仓库中提出，并说明影响范围。
                """
            ),
        ),
        EN: Text(
            title="Lantern OS 25.03 LTS: roadmap and freeze dates",
            summary="The next long-term support release is the first to support RISC-V officially. Feature "
            "freeze is on 20 January.",
            banner_alt="Diagonal stripes on a wine-to-rose gradient",
            body=md(
                """
                The roadmap for Lantern OS 25.03 LTS is settled. It will be the first long-term support release
                with official RISC-V support.

                ## Timeline

                ![25.03 LTS milestones](media/lts-timeline.png)

                ## Planned changes

                | Area | Plan |
                | --- | --- |
                | Architectures | x86_64, aarch64, and now riscv64 |
                | Kernel | 6.12 LTS |
                | Toolchain | GCC 14, LLVM 19 |
                | Installer | full-disk encryption |

                ## Rules during the freeze

                After the feature freeze on 20 January, only bug fixes and security updates are accepted.
                Ask for an exception in the release repository, and explain what it affects.
                """
            ),
        ),
    },
)

DOCS_SPRINT = DemoArticle(
    slug="documentation-translation-day",
    category="events",
    days_ago=170,
    source_language=EN,
    author="韩洁, Sofia Lindqvist",
    colours=("#164e63", "#84cc16", "#ecfeff"),
    shape="hexagons",
    tags=("community",),
    texts={
        EN: Text(
            title="Documentation translation day: 300 pages in one weekend",
            summary="Forty volunteers translated and reviewed the installation and administration guides "
            "into Chinese and English.",
            banner_alt="Lime hexagons on a deep cyan gradient",
            body=md(
                """
                Forty volunteers spent last weekend on the documentation, and the numbers speak for themselves:

                | Guide | Pages translated | Pages reviewed |
                | --- | --- | --- |
                | Installation | 84 | 84 |
                | Administration | 161 | 122 |
                | Packaging | 57 | 40 |

                Remaining reviews are tracked in the [documentation board](https://example.org/docs-board).
                Thank you to everyone who joined!
                """
            ),
        ),
        ZH: Text(
            title="文档翻译日：一个周末完成 300 页",
            summary="四十位志愿者把安装指南和管理指南翻译成中英文并完成审校。",
            banner_alt="深青色渐变背景上的青柠色六边形",
            body=md(
                """
                上周末，四十位志愿者投入到文档翻译中，成果如下：

                | 指南 | 已翻译页数 | 已审校页数 |
                | --- | --- | --- |
                | 安装指南 | 84 | 84 |
                | 管理指南 | 161 | 122 |
                | 打包指南 | 57 | 40 |

                剩余的审校工作在[文档看板](https://example.org/docs-board)上跟踪。感谢每一位参与者！
                """
            ),
        ),
    },
)

HACKATHON = DemoArticle(
    slug="winter-hackathon-registration",
    category="events",
    days_ago=-14,
    source_language=ZH,
    author="Lantern OS 社区运营组",
    colours=("#1e1b4b", "#38bdf8", "#f0f9ff"),
    shape="circles",
    tags=("community", "meetup"),
    texts={
        ZH: Text(
            title="冬季黑客松报名开启",
            summary="为期 48 小时的线上黑客松，主题是让 Lantern OS 更好上手。",
            banner_alt="午夜蓝到天蓝渐变背景上的雪花般圆点",
            body=md(
                """
                冬季黑客松将在线上举行，为期 48 小时，主题是**让 Lantern OS 更好上手**。

                个人或三人以内的小组均可报名，优秀作品将在峰会上展示。报名请访问[黑客松页面](https://example.org/hack)。
                """
            ),
        ),
        EN: Text(
            title="Winter hackathon: registration opens",
            summary="A 48-hour online hackathon about making Lantern OS easier to start with.",
            banner_alt="Snowflake-like dots on a midnight-to-sky-blue gradient",
            body=md(
                """
                The winter hackathon runs online for 48 hours, and the theme is **making Lantern OS easier to
                start with**.

                Join alone or in a team of up to three; the best projects are presented at the summit.
                Register on the [hackathon page](https://example.org/hack).
                """
            ),
        ),
    },
)

RISCV_DRAFT = DemoArticle(
    slug="notes-on-the-risc-v-port",
    category="blog",
    days_ago=2,
    source_language=EN,
    author="Anh Nguyen",
    colours=("#3b0764", "#facc15", "#fefce8"),
    shape="waves",
    tags=("risc-v", "kernel"),
    draft=True,
    texts={
        EN: Text(
            title="Notes on the RISC-V port",
            summary="Where the port stands, what still fails to build, and how to help.",
            banner_alt="Golden waves over a deep purple gradient",
            body=md(
                """
                *Draft: numbers to be checked before publication.*

                About 88% of source packages build for riscv64 today. The rest fail mostly on missing
                assembly optimisations and on tests that assume a faster machine.

                ```bash
                lpkg build --arch riscv64 --failed-only --report failures.txt
                ```
                """
            ),
        ),
        ZH: Text(
            title="RISC-V 移植笔记",
            summary="移植进展、仍无法构建的软件包，以及如何参与。",
            banner_alt="深紫色渐变背景上的金色波浪",
            body=md(
                """
                *草稿：发布前需要核对数据。*

                目前约 88% 的源码包可以为 riscv64 构建。其余失败主要是因为缺少汇编优化，或测试假定机器更快。
                """
            ),
        ),
    },
)

ARTICLES: list[DemoArticle] = [
    RELEASE_2409,
    REPRODUCIBLE,
    SUMMIT_CFP,
    ADVISORY_CALENDAR,
    RASPBERRY,
    SCHEDULER_NOTES,
    ELECTION,
    SYSTEMD_UNIT,
    BERLIN_RECAP,
    AI_INFERENCE,
    MIRRORS,
    PACKAGING_SPRINT,
    CONTAINER_IMAGES,
    LTS_ROADMAP,
    DOCS_SPRINT,
    HACKATHON,
    RISCV_DRAFT,
]
