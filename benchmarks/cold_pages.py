"""Cold pages (page cache off) at 2,000 and 20,000 articles, measured in-process with Django's test client.

    python benchmarks/cold_pages.py [--sizes 2000 20000] [--db sqlite postgresql] [--repeat 15] [--rounds 3]
                                    [--keep DIR]

For each database and size: a fresh database (``generate_news --seed 1``);
then, the sizes measured in turn for ``--rounds`` rounds, for each page the
middle round's median milliseconds of ``--repeat`` uncached requests
(DEBUG off, ``PAGE_CACHE=0``), the number of SQL queries and the slowest
query. Prints a Markdown table per database with the 20k/2k cost ratio.
``--keep DIR`` keeps the SQLite files (and reuses them on the next run).
No server and no network: the figures are the cost of Django and the database.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages

MEASURE = r"""
import json, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

paths, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
client, results = Client(HTTP_HOST="127.0.0.1"), {}
for name, path in paths.items():
    assert client.get(path).status_code == 200, path  # templates compiled, connections open
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
    results[name] = {
        "ms": statistics.median(times),
        "queries": len(captured),
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest_sql": slowest["sql"][:120],
    }
print(json.dumps(results))
"""


def build(kind: str, size: int, temp: Path, keep: Path | None):
    """A generated site's environment; with ``keep``, an SQLite file already there is reused."""
    name = f"cold_{kind[:2]}_{size}"
    if kind == "sqlite" and keep:
        keep.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{keep / (name + '.sqlite3')}"
        env = pages.environment(keep, url, PAGE_CACHE="0")
        if not (keep / (name + ".sqlite3")).exists():
            populate(env, size)
        return env, None
    context = pages.database(kind, name, temp)
    url = context.__enter__()
    env = pages.environment(temp, url, PAGE_CACHE="0")
    populate(env, size)
    return env, context


def populate(env: dict, size: int) -> None:
    pages.manage("migrate", "--no-input", "-v0", env=env)
    pages.manage("collectstatic", "--no-input", "-v0", env=env)
    pages.manage("generate_news", "--count", str(size), "--seed", "1", env=env)
    # The planner's statistics, as a live database has them (autovacuum has not run yet on a fresh one).
    pages._python(
        "import django; django.setup()\nfrom django.db import connection\n"
        "connection.cursor().execute('ANALYZE')\nprint('analysed')",
        env,
    )


def measure(env: dict, repeat: int) -> dict:
    paths = pages.pages(env)
    # The far list page is named by its number, which differs with the size: one name for both.
    paths = {("list far" if name.startswith("list p") and name != "list p1" else name): p for name, p in paths.items()}
    return json.loads(pages._python(MEASURE, env, json.dumps(paths), str(repeat)))


def middle_round(rounds: list[dict]) -> dict:
    """Per page, the round whose median is the middle one of the rounds."""
    return {
        page: sorted((found[page] for found in rounds), key=lambda r: r["ms"])[len(rounds) // 2] for page in rounds[0]
    }


def table(kind: str, sizes: list[int], results: dict[int, dict]) -> str:
    small, large = sizes[0], sizes[-1]
    head = ["page"]
    for size in sizes:
        head += [f"{size:,} ms", f"{size:,} queries", f"{size:,} slowest query ms"]
    head.append(f"{large:,} / {small:,}")
    lines = [f"### {kind}", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for page in results[small]:
        row = [page]
        for size in sizes:
            r = results[size][page]
            row += [f"{r['ms']:.1f}", str(r["queries"]), f"{r['slowest_ms']:.1f}"]
        row.append(f"{results[large][page]['ms'] / results[small][page]['ms']:.2f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="measure the sizes in turn this many times")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the SQLite sites in this folder")
    args = parser.parse_args()
    info = pages.machine()
    print(f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['date']}, load {info['load']}")
    for kind in args.db:
        if kind == "postgresql" and not pages.pg_available():
            print(f"\nPostgreSQL at {pages.PG_URL} does not answer: skipped.")
            continue
        results = {}
        with tempfile.TemporaryDirectory() as temp:
            built = {}
            try:
                for size in args.sizes:
                    built[size] = build(kind, size, Path(temp), args.keep)
                # The sizes measured in turn, several rounds: work elsewhere on a shared machine, which
                # comes and goes, then weighs on every size alike; each page's figure is its middle round.
                rounds = {size: [] for size in args.sizes}
                for _ in range(args.rounds):
                    for size in args.sizes:
                        rounds[size].append(measure(built[size][0], args.repeat))
                results = {size: middle_round(rounds[size]) for size in args.sizes}
            finally:
                for _env, context in built.values():
                    if context is not None:
                        context.__exit__(None, None, None)
        print()
        print(table(kind, args.sizes, results))
        slowest = {page: r["slowest_sql"] for page, r in results[args.sizes[-1]].items()}
        print("\nSlowest query per page at the largest size:")
        for page, sql in slowest.items():
            print(f"- {page}: {sql}")
    print(f"\nLoad average at the end: {pages.machine()['load']} (shared machine: compare runs side by side)")


if __name__ == "__main__":
    main()
