"""Load and soak: many visitors on PostgreSQL and Redis while an editor saves and an attacker tries passwords.

    python benchmarks/soak.py [--quick] [--seconds 60] [--connections 200]

A generated site on PostgreSQL (``BENCH_PG_URL``) with the page cache in the
local Redis is served by gunicorn as in pages.py. wrk opens 200 connections
for 60 s with a mix of pages (``mix.lua``: cache hits, article pages, deep
list pages and searches that miss), twice: once with an editor only, once
with a login attacker too. The editor saves an article every second through
the model's save path, fetches its page at once from another thread (the
new title must be there: the cache is never stale) and at the end reads
every save back. The
attacker posts wrong passwords to /admin/login/ from four threads without
pause; django-axes locks it out. ``make bench`` runs this and writes the
figures into BENCHMARKS.md; ``--quick`` runs a few seconds.
"""

import argparse
import http.cookiejar
import json
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402

ATTACKER_THREADS = 4
LUA = Path(__file__).resolve().parent / "mix.lua"


def measure(*, seconds: int, connections: int, articles: int) -> dict | None:
    """Both runs' figures, or None when PostgreSQL or Redis is not there."""
    if not (pages.pg_available() and pages.redis_available()):
        return None
    with tempfile.TemporaryDirectory(prefix="portal-soak-") as temp:
        temp = Path(temp)
        with pages.database("postgresql", "portal_bench_soak", temp) as url:
            env = pages.environment(
                temp, url, PAGE_CACHE="1", REDIS_URL="redis://127.0.0.1:6379/0",
                CACHE_KEY_PREFIX=f"soak-{secrets.token_hex(4)}", SECURE_COOKIES="0",  # plain HTTP on the loopback
            )  # fmt: skip
            pages.manage("migrate", "--no-input", "-v0", env=env)
            pages.manage("collectstatic", "--no-input", "-v0", env=env)
            pages.manage("generate_news", "--count", str(articles), "--seed", "1", env=env)
            slugs = json.loads(pages._python(SLUGS, env))
            article_paths = ",".join(f"/{prefix}/news/{slug}/" for slug in slugs for prefix in ("en", "zh"))
            last_page = max(2, int(articles * 0.9) // 20 - 1)
            results = {}
            with pages.gunicorn("portal.wsgi", env) as (base, _process):
                for path in article_paths.split(","):  # templates compiled in both workers, pages stored
                    for _ in range(2):
                        pages.fetch(base + path)
                for phase, attacker in (("editor", False), ("editor and attacker", True)):
                    results[phase] = _run(base, env, seconds=seconds, connections=connections,
                                          wrk_args=[article_paths, str(last_page)], attacker=attacker)  # fmt: skip
                    print(f"soak, {phase}: {results[phase]}", flush=True)
    return {"seconds": seconds, "connections": connections, "articles": articles, "runs": results}


SLUGS = (
    "import django, json; django.setup()\n"
    "from news.models import Article\n"
    "both = Article.objects.published().exclude(title_en='').exclude(title_zh_hans='')\n"
    "print(json.dumps(list(both.order_by('-publish_at').values_list('slug', flat=True)[:40])))\n"
)


def _run(base: str, env: dict, *, seconds: int, connections: int, wrk_args: list[str], attacker: bool) -> dict:
    stop, tally = threading.Event(), Counter()
    attackers = [threading.Thread(target=_attack, args=(base, stop, tally)) for _ in range(ATTACKER_THREADS * attacker)]
    editor = subprocess.Popen(
        [sys.executable, __file__, "editor", "--base", base, "--seconds", str(seconds)],
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(ROOT)},
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    for thread in attackers:
        thread.start()
    try:
        visitors = _wrk(base, seconds=seconds, connections=connections, args=wrk_args)
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    output, _ = editor.communicate(timeout=seconds + 300)
    edits = json.loads(output.strip().splitlines()[-1]) if editor.returncode == 0 else {"crashed": editor.returncode}
    return {"visitors": visitors, "editor": edits, "attacker": dict(tally)}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(base: str, *, seconds: int, connections: int, args: list[str]) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", str(LUA)]
    out = subprocess.run([*command, base, "--", *args], capture_output=True, text=True, check=True).stdout

    def number(pattern: str) -> int:
        found = re.search(pattern, out)
        return int(found.group(1)) if found else 0

    value, unit = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": number(r"(\d+) requests in"),
        "rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
        "p99_ms": float(value) * _UNITS[unit],
        "non_2xx_3xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "server_errors": number(r"server_errors (\d+)"),
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
    }


def _attack(base: str, stop: threading.Event, tally: Counter) -> None:
    """Wrong passwords, one after another, as a browser would post them (CSRF token and cookie)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    attempt = 0
    while not stop.is_set():
        attempt += 1
        try:
            form = opener.open(base + "/admin/login/", timeout=60).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            data = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "username": "admin", "password": f"wrong-{attempt}"}
            ).encode()
            status = opener.open(base + "/admin/login/?next=/admin/", data=data, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, AttributeError) as error:
            status = type(error).__name__
        tally[str(status)] += 1


def editor(base: str, seconds: int) -> dict:
    """Save one article a second through ``Model.save``; check its page at once, and every save at the end.

    The pages are fetched by other threads, so that a page queued behind the visitors does not
    slow the saves down: each fetch starts after its save has committed, and no article is saved twice.
    """
    import django

    django.setup()
    from news.models import Article

    def shows(slug: str, title: str) -> bool:
        with urllib.request.urlopen(f"{base}/en/news/{slug}/", timeout=120) as response:
            return title in response.read().decode()

    token = secrets.token_hex(3)
    ids = list(Article.objects.published().exclude(title_en="").order_by("pk").values_list("pk", flat=True))
    saved, failures, checks = {}, [], []
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=16) as pool:
        for number, pk in enumerate(ids[::7]):
            started = time.monotonic()
            if started >= deadline:
                break
            title = f"Soak edit {number} {token}"
            try:
                article = Article.objects.get(pk=pk)
                article.title_en = title
                article.save()
                saved[pk] = title
                checks.append(pool.submit(shows, article.slug, title))
            except Exception as error:  # reported, not raised: the run counts failures
                failures.append(repr(error))
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    stale = 0
    for check in checks:
        try:
            stale += not check.result()
        except Exception as error:
            failures.append(repr(error))
    stored = dict(Article.objects.filter(pk__in=saved).values_list("pk", "title_en"))
    lost = [pk for pk, title in saved.items() if stored.get(pk) != title]
    return {"saves": len(saved), "failures": len(failures), "lost": len(lost), "stale": stale, "errors": failures[:3]}


def render(soaked: dict | None) -> list[str]:
    """The report's section."""
    lines = ["## Load and soak (PostgreSQL, Redis)", ""]
    if soaked is None:
        return [*lines, "Not run: PostgreSQL or Redis did not answer.", ""]
    lines += [
        f"{soaked['connections']} connections for {soaked['seconds']} s (wrk, `benchmarks/mix.lua`: half cache hits, "
        f"article pages, deep list pages and searches), {soaked['articles']:,} generated articles, gunicorn with "
        f"{pages.WORKERS} sync workers; an editor saves an article every second through `Model.save` and reads "
        "its page at once; the attacker posts wrong passwords to /admin/login/ from "
        f"{ATTACKER_THREADS} threads (django-axes on).",
        "",
        "| run | visitors req/s | p99 ms | 5xx | non-2xx/3xx | socket errors | saves | failed | lost | stale | "
        "attacker answers |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for phase, run in soaked["runs"].items():
        visitors, edits = run["visitors"], run["editor"]
        attacks = ", ".join(f"{status}: {count}" for status, count in sorted(run["attacker"].items())) or "none"
        lines.append(
            f"| {phase} | {visitors['rps']:.0f} | {visitors['p99_ms']:.0f} | {visitors['server_errors']} | "
            f"{visitors['non_2xx_3xx']} | {visitors['socket_errors']} | {edits.get('saves', '?')} | "
            f"{edits.get('failures', '?')} | {edits.get('lost', '?')} | {edits.get('stale', '?')} | {attacks} |"
        )
    return [*lines, ""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("editor", help="the editor process (started by a run)")
    run.add_argument("--base", required=True)
    run.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--connections", type=int, default=200)
    args = parser.parse_args()
    if args.command == "editor":
        print(json.dumps(editor(args.base, args.seconds)))
        return
    seconds = args.seconds or (5 if args.quick else 60)
    soaked = measure(seconds=seconds, connections=args.connections, articles=300 if args.quick else 2_000)
    print("\n".join(render(soaked)))


if __name__ == "__main__":
    main()
