"""Everything ``make bench`` measures, written to BENCHMARKS.md.

    python benchmarks/bench.py [--quick] [--no-peer] [--seconds 5] [--output BENCHMARKS.md]

``--quick`` (``make bench QUICK=1``) is a smoke run: a small site on SQLite,
short runs, a short soak, a small import. The load and soak run is soak.py. See pages.py for what is measured and how.
Last comes the comparison with a Wagtail site (peer.py), unless ``--quick`` or ``--no-peer``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402
import peer  # noqa: E402
import run as import_bench  # noqa: E402
import soak  # noqa: E402

# Targets the report checks.
HIT_SHARE_OF_TRIVIAL = 0.70
RSS_LIMIT_MB = 120
WEIGHT_LIMIT_KB = 60


def main():
    parser = argparse.ArgumentParser(description="Benchmark the portal and write BENCHMARKS.md.")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--seconds", type=float, default=None, help="wrk duration per page")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-peer", action="store_true", help="skip the comparison with Wagtail (peer.py)")
    args = parser.parse_args()
    seconds = args.seconds or (2 if args.quick else 5)
    sizes = [300] if args.quick else [2_000, 20_000]
    databases = ["sqlite"] + ([] if args.quick or not pages.pg_available() else ["postgresql"])
    import_files = 300 if args.quick else 10_000
    modes = {"cold": {"PAGE_CACHE": "0"}, "cached": {"PAGE_CACHE": "1"}}

    machine = pages.machine()
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']}; load {machine['load']}", flush=True)
    sites, generation, extra = [], [], {}
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temp:
        temp = Path(temp)
        for kind in databases:
            for size in sizes:
                name = f"portal_bench_{size}"
                with pages.database(kind, name, temp) as url:
                    env = pages.environment(temp, url)
                    pages.manage("migrate", "--no-input", "-v0", env=env)
                    if not (temp / "static" / "staticfiles.json").exists():
                        pages.manage("collectstatic", "--no-input", "-v0", env=env)
                    rate = pages.manage("generate_news", "--count", str(size), "--seed", "1", env=env).strip()
                    generation.append((kind, size, rate))
                    print(f"{kind}, {size:,} articles: {rate}", flush=True)
                    paths = pages.pages(env)
                    counts = pages.queries(env, paths)
                    site_modes = dict(modes)
                    if kind == "sqlite" and size == sizes[0] and pages.redis_available():
                        site_modes["cached, Redis"] = {"PAGE_CACHE": "1", "REDIS_URL": "redis://127.0.0.1:6379/0",
                                                       "CACHE_KEY_PREFIX": f"bench-{size}"}  # fmt: skip
                    results = pages.measure_site(env, paths, seconds=seconds, modes=site_modes)
                    sites.append({"db": kind, "size": size, "queries": counts, "results": results})
                    print_site(sites[-1])
                    # What is measured so far, in case a long run is cut short.
                    args.output.write_text(
                        render(machine, sites, generation, extra, None, seconds=seconds, quick=args.quick, partial=True)
                    )
                    if kind == "sqlite" and size == sizes[0]:
                        extra["ceilings"] = pages.ceilings(env, seconds=seconds, page=paths["article en"])
                        extra["weight"] = pages.page_weight(env, paths["article en"])
                        extra["weight_zh"] = pages.page_weight(env, paths["article zh"])
                        print(f"ceilings: {extra['ceilings']}\nweight: {extra['weight']}", flush=True)
    print("load and soak…", flush=True)
    extra["soak"] = soak.measure(
        seconds=5 if args.quick else 60, connections=200, articles=300 if args.quick else 2_000
    )
    args.output.write_text(
        render(machine, sites, generation, extra, None, seconds=seconds, quick=args.quick, partial=True)
    )
    print(f"import_news of {import_files:,} generated files…", flush=True)
    imported = import_bench.measure(import_files)
    machine["load_end"] = f"{os.getloadavg()[0]:.1f}"
    report = render(machine, sites, generation, extra, imported, seconds=seconds, quick=args.quick)
    if not (args.quick or args.no_peer):
        args.output.write_text(report)
        print("against a peer (Wagtail)…", flush=True)
        report += "\n" + peer.report_section(seconds=seconds)
    args.output.write_text(report)
    print(f"Wrote {args.output}")


def print_site(site: dict) -> None:
    print(f"{site['db']}, {site['size']:,} articles; SQL queries per page: {site['queries']}", flush=True)
    for mode, result in site["results"].items():
        cells = ", ".join(
            f"{name} {row['rps']:.0f} ({row['p50']:.0f}/{row['p99']:.0f} ms)" for name, row in result["pages"].items()
        )
        print(f"  {mode} (req/s): {cells}; worker RSS {result['rss']:.0f} MB", flush=True)


def render(machine, sites, generation, extra, imported, *, seconds, quick, partial=False) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`"
        + (" (QUICK=1: a smoke run, not figures to quote)" if quick else "")
        + (" (incomplete: written while the run went on)" if partial else "")
        + ".",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; Python {machine['python']}",
        f"- Date: {machine['date']}; load average at the start {machine['load']}, at the end "
        f"{machine.get('load_end', '?')} (other work on the machine makes every figure lower)",
        f"- gunicorn with {pages.WORKERS} sync workers, DEBUG off; wrk with 2 threads and {pages.CONNECTIONS} "
        f"connections for {seconds:g} s per page, on the loopback interface, asking for gzip",
        "- Site: `generate_news --seed 1` (10 % Chinese only, 5 % English only, 3 tags each, 6 years)",
        "- *cold*: page cache off, every request rendered; *cached*: page cache on (local memory in each worker, "
        "the version in a file); *cached, Redis*: the page cache in Redis",
        "",
    ]
    names = list(sites[0]["queries"]) if sites else []
    for site in sites:
        lines += [f"## {site['db']}, {site['size']:,} articles", ""]
        header = "| page | SQL queries | " + " | ".join(f"{mode} req/s | p50 ms | p99 ms" for mode in site["results"])
        lines += [header + " |", "|" + " --- |" * (2 + 3 * len(site["results"]))]
        for name in names:
            cells = [name, str(site["queries"][name])]
            for result in site["results"].values():
                row = result["pages"][name]
                flag = " (errors)" if row["errors"] else ""
                cells += [f"{row['rps']:.0f}{flag}", f"{row['p50']:.1f}", f"{row['p99']:.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
        rss = ", ".join(f"{mode} {result['rss']:.0f} MB" for mode, result in site["results"].items())
        lines += ["", f"Largest worker RSS after the runs: {rss} (target < {RSS_LIMIT_MB} MB).", ""]
    if "ceilings" in extra:
        ceiling = extra["ceilings"]
        # Compared, as the target says, with the same bytes served by a trivial app under the same gunicorn.
        trivial = ceiling.get("trivial WSGI app, the article's bytes", ceiling["trivial WSGI app"])["rps"]
        lines += ["## Ceilings (SQLite site, same gunicorn)", ""]
        lines += ["| what | req/s | p50 ms | p99 ms |", "| --- | --- | --- | --- |"]
        for name, row in ceiling.items():
            if name != "beside":
                lines.append(f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} |")
        cached = [result["pages"] for site in sites for mode, result in site["results"].items() if mode == "cached"]
        if cached:
            hits = [row["rps"] for rows in cached for row in rows.values()]
            lines += [
                "",
                f"Cache hits (local memory), every page of the tables above: {min(hits):.0f} to {max(hits):.0f} "
                f"req/s, {min(hits) / trivial:.0%} to {max(hits) / trivial:.0%} of the trivial app sending the "
                "article page's bytes measured once (each figure at another moment).",
            ]
        if "beside" in ceiling:
            beside = ceiling["beside"]
            share = beside["hit"] / beside["trivial"]
            verdict = "met" if share >= HIT_SHARE_OF_TRIVIAL else "NOT met"
            lines += [
                f"The English article's hit and that trivial app measured in turns ({pages.ROUNDS} rounds, both "
                f"served, medians): {beside['hit']:.0f} against {beside['trivial']:.0f} req/s, {share:.0%} "
                f"(target at least {HIT_SHARE_OF_TRIVIAL:.0%}: {verdict}).",
            ]
        lines.append("")
    for key, label in (("weight", "English"), ("weight_zh", "Chinese")):
        if key in extra:
            weight = extra[key]
            total = sum(weight.values()) / 1024
            parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in weight.items())
            verdict = "met" if total < WEIGHT_LIMIT_KB else "NOT met"
            lines.append(
                f"Article page weight ({label}, gzip): {total:.1f} KB ({parts}); "
                f"target < {WEIGHT_LIMIT_KB} KB: {verdict}."
            )
    if "soak" in extra:
        lines += ["", *soak.render(extra["soak"])]
    lines += ["", "## Writing content", "", "| what | result |", "| --- | --- |"]
    for kind, size, rate in generation:
        lines.append(f"| generate_news --count {size:,} ({kind}) | {rate} |")
    if imported:
        first, again = imported.first, imported.again
        lines.append(
            f"| import_news of {imported.files:,} generated files (SQLite) | first {first.wall:.1f} s wall, "
            f"{first.cpu:.1f} s CPU ({first.summary}); unchanged re-run {again.wall:.1f} s |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"{error.cmd[0]} failed: {error.stderr or error}")
