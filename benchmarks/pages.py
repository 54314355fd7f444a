"""Serve generated sites with gunicorn and measure them with wrk; write BENCHMARKS.md (``make bench``).

    python benchmarks/pages.py [--quick] [--output BENCHMARKS.md] [--seconds 5]

For 2,000 and 20,000 generated articles, on SQLite and on PostgreSQL (when
``BENCH_PG_URL``, default postgres://postgres@127.0.0.1:5432/postgres, answers):
requests per second, p50 and p99 of each page with the page cache off (cold)
and on (cached), and SQL queries per request; then what gunicorn serves at
most (a static file, a trivial WSGI app), worker memory, the weight of an
article page, generate_news's rate and the import of 10,000 files (run.py).
gunicorn runs 2 sync workers with DEBUG off on the loopback interface; wrk
uses 2 threads and 8 connections and asks for gzip, as browsers do.
"""

import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
WORKERS = 2
CONNECTIONS = 8
# Two pages compared with each other are measured in turns, so many rounds, and their medians compared.
ROUNDS = 3


# The machine -----------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
        kib = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M).group(1))
        ram = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        ram = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": f"{os.getloadavg()[0]:.1f}",
    }


# Databases and sites ------------------------------------------------------------


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


@contextmanager
def database(kind: str, name: str, temp: Path):
    """A fresh database URL, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{temp / (name + '.sqlite3')}"
        return
    import psycopg

    base = PG_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(temp: Path, database_url: str, **extra) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(temp / "static"),
        "MEDIA_ROOT": str(temp / "media"),
        "VAR_DIR": str(temp / "var"),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


# Serving and measuring ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict, *, python: str = sys.executable, chdir: Path = ROOT):
    """``app`` served on a free port; ``python`` and ``chdir`` serve another project (peer.py)."""
    port = free_port()
    process = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(chdir),
            "--timeout",
            "300",
        ],
        env=env,
        cwd=chdir,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)


def worker_rss_mb(process: subprocess.Popen) -> float:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    sizes = []
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s*(\d+)", status).group(1)) / 1024)
    return max(sizes, default=0.0)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: float) -> dict[str, float]:
    """Requests per second, p50 and p99 in milliseconds, and the share of errors."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(bad.group(1)) / max(requests, 1) if bad else 0.0,
    }


def fetch(url: str, *, gzip: bool = True) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.read(), dict(response.headers)


def pages(env: dict) -> dict[str, str]:
    """The measured pages of the generated site: name → path."""
    script = (
        "import django, json; django.setup()\n"
        "from news.models import Article\n"
        "both = Article.objects.published().exclude(title_en='').exclude(title_zh_hans='')\n"
        "slug = both.order_by('-publish_at').values_list('slug', flat=True)[both.count() // 2]\n"
        "print(json.dumps([slug, Article.objects.published().exclude(title_en='').count()]))\n"
    )
    slug, count = json.loads(_python(script, env))
    far = min(50, max(1, count // 20))  # page 50 of the English list, or the last one of a small site
    return {
        "home": "/en/",
        "list p1": "/en/news/",
        f"list p{far}": f"/en/news/?page={far}",
        "tag": "/en/news/tag/kernel/",
        "article zh": f"/zh/news/{slug}/",
        "article en": f"/en/news/{slug}/",
        "search zh": "/zh/search/?q=%E5%86%85%E6%A0%B8",  # 内核
        "search en": "/en/search/?q=kernel",
        "rss": "/en/news/rss/",
    }


def queries(env: dict, paths: dict[str, str]) -> dict[str, int]:
    """SQL queries per request of each page, uncached (the second request: templates compiled)."""
    script = (
        "import django, json, sys; django.setup()\n"
        "from django.db import connection\nfrom django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client, counts = Client(HTTP_HOST='127.0.0.1'), {}\n"
        "for name, path in json.loads(sys.argv[1]).items():\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as captured:\n"
        "        assert client.get(path).status_code == 200, path\n"
        "    counts[name] = len(captured)\n"
        "print(json.dumps(counts))\n"
    )
    return json.loads(_python(script, {**env, "PAGE_CACHE": "0"}, json.dumps(paths)))


def _python(script: str, env: dict, *args: str) -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def measure_site(env: dict, paths: dict[str, str], *, seconds: float, modes: dict[str, dict]) -> dict:
    results = {}
    for mode, extra in modes.items():
        with gunicorn("portal.wsgi", {**env, **extra}) as (base, process):
            rows = {}
            for name, path in paths.items():
                for _ in range(2 if extra.get("PAGE_CACHE") == "1" else 1):
                    fetch(base + path)  # templates compiled, the page stored when caching
                wrk(base + path, 1)  # both workers warmed: their first requests fill the process's caches
                rows[name] = wrk(base + path, seconds)
                if extra.get("PAGE_CACHE") == "1":
                    rows[name]["state"] = fetch(base + path)[1].get("X-Page-Cache", "?")
            results[mode] = {"pages": rows, "rss": worker_rss_mb(process)}
    return results


def ceilings(env: dict, *, seconds: float, page: str) -> dict:
    """What the same gunicorn serves at most: a static file, an app that does nothing, and the same app
    sending the bytes and headers of ``page`` as a cache hit answers it (what a hit is compared with)."""
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())["paths"]
    with gunicorn("portal.wsgi", env) as (base, _process):
        static = wrk(f"{base}/static/{manifest['css/site.css']}", seconds)
    with gunicorn("benchmarks.trivial_wsgi:application", env) as (base, _process):
        trivial = wrk(base + "/", seconds)
    with gunicorn("portal.wsgi", {**env, "PAGE_CACHE": "1"}) as (base, _process):
        # Each worker has its own local-memory cache: ask until one answers from it.
        for _ in range(20):
            body, headers = fetch(base + page)
            if headers.get("X-Page-Cache") == "hit":
                break
    if headers.get("X-Page-Cache") != "hit":
        raise SystemExit(f"{page} was not answered from the cache: {headers.get('X-Page-Cache')}")
    stored = Path(env["VAR_DIR"]) / "trivial-page.json"
    stored.parent.mkdir(parents=True, exist_ok=True)
    kept = [[name, value] for name, value in headers.items() if name.lower() not in ("date", "server", "connection")]
    stored.write_text(json.dumps({"headers": kept, "body": body.hex()}))
    same = {**env, "TRIVIAL_PAGE": str(stored)}
    with (
        gunicorn("benchmarks.trivial_wsgi:application", same) as (trivial_base, _trivial),
        gunicorn("portal.wsgi", {**env, "PAGE_CACHE": "1"}) as (portal_base, _portal),
    ):
        same_bytes = wrk(trivial_base + "/", seconds)
        beside = hit_beside_trivial(portal_base + page, trivial_base + "/", seconds=seconds)
    return {
        "static file": static,
        "trivial WSGI app": trivial,
        "trivial WSGI app, the article's bytes": same_bytes,
        "beside": beside,
    }


def hit_beside_trivial(hit: str, trivial: str, *, seconds: float, rounds: int = ROUNDS) -> dict[str, float]:
    """A cache hit and the trivial app sending its bytes, measured in turns (``rounds`` rounds, both served):
    the median rate of each, so that a change of the machine's speed between measurements weighs on both."""
    for url in (hit, trivial):
        fetch(url)
        wrk(url, 1)  # both workers of each warmed (the hit in each worker's own cache)
    rates = {"hit": [], "trivial": []}
    for _round in range(rounds):
        rates["hit"].append(wrk(hit, seconds)["rps"])
        rates["trivial"].append(wrk(trivial, seconds)["rps"])
    return {key: statistics.median(values) for key, values in rates.items()}


def page_weight(env: dict, path: str) -> dict[str, int]:
    """Bytes on the wire (gzip) of an article page and the CSS and JS it loads."""
    with gunicorn("portal.wsgi", env) as (base, _process):
        html, _headers = fetch(base + path)
        text, _ = fetch(base + path, gzip=False)
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', text)
        weight = {"html": len(html)}
        for asset in dict.fromkeys(asset for asset in assets if b"nojs" not in asset):  # nojs.css: without JS only
            weight[asset.decode().rsplit("/", 1)[1]] = len(fetch(base + asset.decode())[0])
    return weight
