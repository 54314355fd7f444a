"""The report of ``peer.py``: the peer's version, each page's target, and the section of BENCHMARKS.md."""

import re
from pathlib import Path

import pages

WAGTAIL = "8.0.1"
HEADING = "## Against a peer"
# The target of each page: the portal's rate as a multiple of Wagtail's; home and search at least the portal's list
# page 1, measured in turns with it.
ARTICLE_TIMES, LIST_TIMES = 3, 5
# Pages the Wagtail site does not have (it is built without search): measured on the portal alone.
PORTAL_ONLY = ("search zh", "search en")
AT_LEAST_THE_LIST = ("home", *PORTAL_ONLY)
ROUNDS = pages.ROUNDS
TIMES = "\N{MULTIPLICATION SIGN}"
NONE = "\N{EN DASH}"  # a figure the Wagtail site has not


def requirement(name: str) -> str:
    """The pinned ``name==version`` line of the portal's requirements.txt."""
    for line in (pages.ROOT / "requirements.txt").read_text().splitlines():
        if line.split("==")[0].strip().lower() == name.lower():
            return line.strip()
    raise SystemExit(f"requirements.txt pins no {name}")


def targets(result: dict) -> dict[str, tuple[str, bool]]:
    """Per page, the target as words and whether the portal meets it."""
    wagtail, portal = result["sides"]["Wagtail"]["rows"], result["sides"]["portal"]["rows"]
    verdicts = {}
    beside = result["sides"]["portal"].get("beside_list", {})
    for name in portal:
        if name in beside:  # measured in turns with the list
            rates = beside[name]
            verdicts[name] = (
                f"≥ the list p1 in turns with it: {rates['page']:.0f} against {rates['list']:.0f} "
                f"({rates['page'] / rates['list']:.2f})",
                rates["page"] >= rates["list"],
            )
        elif name in AT_LEAST_THE_LIST:
            verdicts[name] = (
                f"≥ the portal's list p1 ({portal['list p1']['rps']:.0f})",
                portal[name]["rps"] >= portal["list p1"]["rps"],
            )
        else:
            times = ARTICLE_TIMES if name.startswith("article") else LIST_TIMES
            verdicts[name] = (f"≥ {times}{TIMES} Wagtail", portal[name]["rps"] / wagtail[name]["rps"] >= times)
    return verdicts


def section(result: dict) -> str:
    """The Markdown section of BENCHMARKS.md."""
    machine, seconds, sides = result["machine"], result["seconds"], result["sides"]
    build = ", ".join(f"{name} {value:.0f} s" for name, value in result["timings"].items())
    lines = [
        f"{HEADING}: Wagtail {WAGTAIL}, {result['articles']:,} articles per language",
        "",
        "Written by `make bench-peer` (`benchmarks/peer.py`).",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; Python {machine['python']}; "
        f"{machine['date']}; load average at the start {machine['load']}, at the end {result['load_end']:.1f} "
        "(other work on the machine makes every figure lower)",
        f"- Both on SQLite, each page measured on one site then at once on the other, {ROUNDS} rounds, the median "
        "round of each reported; both served by "
        f"{requirement('gunicorn').replace('==', ' ')} with {pages.WORKERS} sync workers, DEBUG off; wrk with 2 "
        f"threads and {pages.CONNECTIONS} connections for {seconds:g} s per page on the loopback interface, "
        "asking for gzip",
        f"- Portal: `generate_news --count {result['articles']} --seed 1` (one article in ten in Chinese only, one "
        "in twenty in English only), page cache off (`PAGE_CACHE=0`)",
        f"- Wagtail {WAGTAIL} on {requirement('Django').replace('==', ' ')} (`benchmarks/wagtail_site/`): the same "
        f"{result['wagtail_articles']:,} articles, each in both languages, no cache, GZipMiddleware; "
        "article pages show tags, previous/next and 5 related articles as the portal's do",
        f"- Build: {build}",
        "- Home and search, whose target is the portal's list page 1: that page measured before them in each "
        "round, the medians compared (the machine's speed changes between measurements minutes apart)",
        "",
        "| page | Wagtail req/s (p50 / p99 ms) | portal req/s (p50 / p99 ms) | portal / Wagtail | target | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    wagtail, portal = sides["Wagtail"]["rows"], sides["portal"]["rows"]
    for name, (target, met) in targets(result).items():
        cells = [name]
        for row in (wagtail.get(name), portal[name]):
            flag = " (errors)" if row and row["errors"] else ""
            cells.append(f"{row['rps']:.0f}{flag} ({row['p50']:.1f} / {row['p99']:.1f})" if row else "(not built)")
        ratio = f"{portal[name]['rps'] / wagtail[name]['rps']:.1f}{TIMES}" if name in wagtail else NONE
        cells += [ratio, target, "met" if met else "NOT met"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| page | SQL queries, Wagtail / portal | HTML KB gzip, Wagtail / portal | HTML KB, Wagtail / portal |",
        "| --- | --- | --- | --- |",
    ]
    queries = result["queries"]
    for name in portal:
        size = {side: sides[side]["sizes"].get(name) for side in sides}
        wagtail_size = size["Wagtail"] or {"gzip": None, "html": None}
        lines.append(
            f"| {name} | {queries['Wagtail'].get(name, NONE)} / {queries['portal'][name]} | "
            f"{_kb(wagtail_size['gzip'])} / {_kb(size['portal']['gzip'])} | "
            f"{_kb(wagtail_size['html'])} / {_kb(size['portal']['html'])} |"
        )
    rss = ", ".join(f"{side} {sides[side]['rss']:.0f} MB" for side in sides)
    lines += ["", f"Largest worker RSS after the runs: {rss}.", ""]
    return "\n".join(lines)


def _kb(size: int | None) -> str:
    return NONE if size is None else f"{size / 1024:.1f}"


def unavailable_section(reason: str) -> str:
    return f"{HEADING}: Wagtail {WAGTAIL}\n\nNot measured: {' '.join(reason.split())}\n"


def write_section(path: Path, text: str) -> None:
    """``text`` in place of ``path``'s section of the same heading, or appended."""
    old = path.read_text() if path.exists() else ""
    found = re.compile(rf"^{re.escape(HEADING)}\b.*?(?=^## |\Z)", re.M | re.S)
    if found.search(old):
        new = found.sub(lambda _match: text.rstrip("\n") + "\n\n", old, count=1).rstrip("\n") + "\n"
    else:
        new = (old.rstrip("\n") + "\n\n" if old else "") + text
    path.write_text(new)
