"""The portal measured side by side with a Wagtail news site of the same articles (``make bench-peer``).

    python benchmarks/peer.py [--seconds 5] [--articles 2000] [--output BENCHMARKS.md] [--check]

The portal's performance target is stated against a peer: a Wagtail 8 news site
of 2,000 articles per language, served and measured as the portal is. This builds
that peer on the same machine: Wagtail and its dependencies, pinned, in a
virtualenv of its own (var/bench-wagtail/, kept while the pins stay the same);
the site of wagtail_site/ copied to a temporary folder, its migrations made and
applied; the articles of the portal's ``generate_news --seed 1`` loaded into it,
each in both languages (where the portal's article has one language, the other's
text is made by the same generator). Both are served by gunicorn with 2 sync
workers, DEBUG off, on SQLite, the portal with its page cache off; every page is
checked (200, gzip, a whole page), then measured with wrk as pages.py does, on
one site and right after on the other, in ``ROUNDS`` rounds whose medians are
reported, so that other work on the machine, and its speed, which changes
within minutes here, weigh on both alike. Home and search, whose target is the
portal's list page 1, are measured in turns with that page in the same way.
``--check`` builds both with 50 articles and only checks the pages.
``--output FILE`` puts the table in FILE as its "## Against a peer" section,
replacing the one there or appended.
"""

import argparse
import gzip
import html
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from peer_report import (
    AT_LEAST_THE_LIST,
    PORTAL_ONLY,
    ROUNDS,
    WAGTAIL,
    requirement,
    section,
    unavailable_section,
    write_section,
)

ROOT = pages.ROOT
SITE = Path(__file__).resolve().parent / "wagtail_site"
VENV = ROOT / "var" / "bench-wagtail"
# Wagtail and what it installs, as resolved for it; Django and gunicorn are taken from requirements.txt.
PINS = [
    f"wagtail=={WAGTAIL}",
    *"""annotated-types==0.8.0 anyascii==0.3.3 asgiref==3.13.0 beautifulsoup4==4.15.0 certifi==2026.10.19.post1
    charset-normalizer==3.5.3 defusedxml==0.7.1 django-filter==26.2 django-modelcluster==6.5 django-ninja==1.7.1
    django-permissionedforms==0.1 django-stubs-ext==6.1.2 django-taggit==6.1.0 django-tasks==0.12.0
    django-treebeard==5.3.1 djangorestframework==3.18.3 draftjs_exporter==7.3.1 et_xmlfile==2.0.0 filetype==1.2.0
    idna==3.20 laces==0.1.2 modelsearch==1.3.2 openpyxl==3.1.5 pillow==13.0.0 pillow_heif==1.8.1 pydantic==2.14.4
    pydantic_core==2.50.5 requests==2.34.2 soupsieve==4.1.3 sqlparse==0.6.1 swapper==1.5.0 telepath==0.3.1
    typing-inspection==0.4.5 typing_extensions==4.16.0 urllib3==2.8.0 Willow==1.12.0""".split(),  # noqa: SIM905
]
CHECK_ARTICLES = 50
# Run with the portal's python and settings: the generated articles as JSON for the Wagtail site's loader.
EXPORT = r"""
import django, json, random, re, sys; django.setup()
from news import generating as g
from news.models import Article, Category
from translations import languages
seed = int(sys.argv[2])
rng, bodies = random.Random(seed + 1), g.skeletons(seed)
words = {g.ZH: g.ZH_WORDS, g.EN: g.EN_WORDS}

def text(article, language):
    if getattr(article, languages.field("title", language)):
        return {key: getattr(article, languages.field(name, language))
                for key, name in (("title", "title"), ("summary", "summary"), ("body", "body_html"))}
    number = int(re.search(r"update-(\d+)", article.slug).group(1))
    skeleton = rng.choice(bodies[language])
    body = g._fill(skeleton, rng.choices(words[language], k=skeleton.markers))[1]
    return {"title": g._title(rng, language, number), "summary": g._summary(rng, language), "body": body}

articles = [
    {"slug": a.slug, "date": a.publish_at.isoformat(), "category": a.category.slug,
     "tags": [[tag.label_zh_hans, tag.label_en] for tag in a.tags.all()],
     "zh-hans": text(a, g.ZH), "en": text(a, g.EN)}
    for a in Article.objects.published().select_related("category").prefetch_related("tags").order_by("publish_at")
]
categories = [[c.slug, c.name_zh_hans, c.name_en] for c in Category.objects.order_by("position")]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"categories": categories, "articles": articles}, out, ensure_ascii=False)
print(len(articles))
"""

# SQL queries per request of each page (the second request: templates compiled), as pages.queries counts them.
QUERIES = r"""
import django, json, sys; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(HTTP_HOST="127.0.0.1"), {}
for name, path in json.loads(sys.argv[1]).items():
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    counts[name] = len(captured)
print(json.dumps(counts))
"""


class Unavailable(Exception):
    """Wagtail could not be installed."""


def wagtail_python() -> Path:
    """The Python of var/bench-wagtail/, made (again) when missing or installed with other pins."""
    pins = [*PINS, requirement("Django"), requirement("gunicorn")]
    python, stamp = VENV / "bin" / "python", VENV / "pins.txt"
    if python.exists() and stamp.exists() and stamp.read_text().split() == pins:
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    print(f"Installing Wagtail {WAGTAIL} into {VENV}…", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, text=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pins],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        shutil.rmtree(VENV, ignore_errors=True)
        detail = (getattr(error, "stderr", None) or str(error)).strip().splitlines() or ["?"]
        raise Unavailable(f"installing Wagtail {WAGTAIL} failed: {detail[-1][-300:]}") from error
    stamp.write_text("\n".join(pins) + "\n")
    return python


# The two sites ---------------------------------------------------------------------


def build_portal(temp: Path, url: str, articles: int) -> tuple[dict, dict[str, str]]:
    env = pages.environment(temp, url, PAGE_CACHE="0")
    pages.manage("migrate", "--no-input", "-v0", env=env)
    pages.manage("collectstatic", "--no-input", "-v0", env=env)
    print(pages.manage("generate_news", "--count", str(articles), "--seed", "1", env=env).strip(), flush=True)
    every = pages.pages(env)
    names = [name for name in every if name.startswith("list")] + ["article zh", "article en", "home", *PORTAL_ONLY]
    return env, {name: every[name] for name in names}


def build_wagtail(temp: Path, python: Path, exported: Path) -> dict:
    project = temp / "wagtail"
    shutil.copytree(SITE, project / "wagtail_site", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "SECRET_KEY": secrets.token_urlsafe(40),
        "WAGTAIL_DB": str(temp / "wagtail.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "wagtail_site.settings",
        "PYTHONPATH": str(project),
        "STATIC_ROOT": str(project / "static"),
        "MEDIA_ROOT": str(project / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    django(python, env, "makemigrations", "news", "-v0")
    django(python, env, "migrate", "--no-input", "-v0")
    print(django(python, env, "load_articles", str(exported)).strip(), flush=True)
    return env


def django(python: Path, env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(python), "-m", "django", *args], env=env, cwd=env["PYTHONPATH"], capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"Wagtail site: django-admin {' '.join(args)} failed")
    return result.stdout


def wagtail_paths(paths: dict[str, str]) -> dict[str, str]:
    """The same pages on the Wagtail site (but search): its Chinese pages are under /zh-hans/, the portal's /zh/."""
    return {name: re.sub(r"^/zh/", "/zh-hans/", path) for name, path in paths.items() if name not in PORTAL_ONLY}


# Checking and measuring ------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is answered as an error: each page must answer itself


def check(base: str, paths: dict[str, str], titles: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each page answers 200, gzip-compressed, with a whole page that links articles or shows its own title;
    fails loudly otherwise. The bytes of each page, compressed and not."""
    opener = urllib.request.build_opener(_NoRedirect)
    sizes = {}
    for name, path in paths.items():
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        try:
            with opener.open(request, timeout=300) as response:
                status, encoding, raw = response.status, response.headers.get("Content-Encoding"), response.read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{base}{path} ({name}) answered {error.code}") from error
        if status != 200 or encoding != "gzip":
            raise SystemExit(f"{base}{path} ({name}) answered {status}, Content-Encoding {encoding}")
        text = gzip.decompress(raw).decode()
        linked = set(re.findall(r'href="/(?:zh|zh-hans|en)/news/([\w-]+)/"', text))
        if not text.rstrip().endswith("</html>"):
            raise SystemExit(f"{base}{path} ({name}): not a whole page")
        if name in titles and html.escape(titles[name], quote=False) not in text:
            raise SystemExit(f"{base}{path} ({name}): the article's title {titles[name]!r} is missing")
        if name not in titles and len(linked) < 4:
            raise SystemExit(f"{base}{path} ({name}): links {len(linked)} articles")
        sizes[name] = {"gzip": len(raw), "html": len(text.encode())}
    return sizes


def measure(serve: dict, paths: dict[str, dict[str, str]], titles: dict[str, str], seconds: int | None) -> dict:
    """Each site's pages checked; then, unless ``seconds`` is None, each page measured in ``ROUNDS`` rounds, on
    one site and at once on the other (both served, one measured at a time), and the median round of each
    reported; a page whose target is the portal's list page 1 has that page measured before it in each round
    (``beside_list``: the medians of both)."""
    sides = {}
    for side, serving in serve.items():
        print(f"{side}: checking {', '.join(paths[side])}…", flush=True)
        with serving() as (base, _process):
            sides[side] = {"sizes": check(base, paths[side], titles), "rows": {}, "rss": 0.0}
    if not seconds:
        return sides
    with ExitStack() as stack:
        servers = {side: stack.enter_context(serving()) for side, serving in serve.items()}
        portal = servers["portal"][0] + paths["portal"]["list p1"]
        for name in paths["portal"]:
            print(f"measuring {name}…", flush=True)
            urls = {side: base + paths[side][name] for side, (base, _process) in servers.items() if name in paths[side]}
            beside = name in AT_LEAST_THE_LIST
            for url in [*urls.values(), *([portal] if beside else [])]:
                _warm(url)
            runs, lists = {side: [] for side in urls}, []
            for _round in range(ROUNDS):
                for side, url in urls.items():
                    if side == "portal" and beside:
                        lists.append(pages.wrk(portal, seconds)["rps"])
                    runs[side].append(pages.wrk(url, seconds))
            for side, rows in runs.items():
                sides[side]["rows"][name] = median_row(rows)
            if beside:
                sides["portal"].setdefault("beside_list", {})[name] = {
                    "page": sides["portal"]["rows"][name]["rps"],
                    "list": statistics.median(lists),
                }
        for side, (_base, process) in servers.items():
            sides[side]["rss"] = pages.worker_rss_mb(process)
    return sides


def _warm(url: str) -> None:
    pages.fetch(url)
    pages.wrk(url, 1)  # both workers warmed (templates compiled, caches of the process filled)


def median_row(rows: list[dict]) -> dict:
    """The round of median rate (its latencies with it)."""
    return sorted(rows, key=lambda row: row["rps"])[len(rows) // 2]


def run(*, articles: int = 2_000, seconds: float = 5, check_only: bool = False) -> dict:
    """Build both sites, check their pages and, unless ``check_only``, measure them."""
    seconds, timings = max(1, round(seconds)), {}  # wrk takes whole seconds
    with ExitStack() as stack:
        temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="peer-bench-")))
        started = time.perf_counter()
        python = wagtail_python()
        timings["Wagtail virtualenv"] = time.perf_counter() - started
        started = time.perf_counter()
        url = stack.enter_context(pages.database("sqlite", "portal_peer", temp))
        portal_env, paths = build_portal(temp, url, articles)
        exported = temp / "articles.json"
        count = int(pages._python(EXPORT, portal_env, str(exported), "1"))
        timings["portal site"] = time.perf_counter() - started
        started = time.perf_counter()
        wagtail_env = build_wagtail(temp, python, exported)
        timings["Wagtail site"] = time.perf_counter() - started
        titles = article_titles(exported, paths)
        paths = {"Wagtail": wagtail_paths(paths), "portal": paths}
        queries = {
            "Wagtail": json.loads(run_python(python, QUERIES, wagtail_env, json.dumps(paths["Wagtail"]))),
            "portal": pages.queries(portal_env, paths["portal"]),
        }
        project = Path(wagtail_env["PYTHONPATH"])
        serve = {
            "Wagtail": lambda: pages.gunicorn("wagtail_site.wsgi", wagtail_env, python=str(python), chdir=project),
            "portal": lambda: pages.gunicorn("portal.wsgi", portal_env),
        }
        machine = pages.machine()
        sides = measure(serve, paths, titles, None if check_only else seconds)
    return {
        "articles": articles,
        "wagtail_articles": count,
        "seconds": seconds,
        "paths": paths,
        "queries": queries,
        "sides": sides,
        "timings": timings,
        "machine": machine,
        "load_end": os.getloadavg()[0],
    }


def article_titles(exported: Path, paths: dict[str, str]) -> dict[str, str]:
    """The title each article page must show, from the exported articles."""
    by_slug = {article["slug"]: article for article in json.loads(exported.read_text())["articles"]}
    titles = {}
    for name, language in (("article zh", "zh-hans"), ("article en", "en")):
        slug = paths[name].rstrip("/").rsplit("/", 1)[1]
        titles[name] = by_slug[slug][language]["title"]
    return titles


def run_python(python: Path, script: str, env: dict, *args: str) -> str:
    result = subprocess.run([str(python), "-c", script, *args], env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def report_section(*, articles: int = 2_000, seconds: float = 5) -> str:
    """The section for bench.py: measured, or saying why not (the rest of its report is kept)."""
    try:
        return section(run(articles=articles, seconds=seconds))
    except (Unavailable, SystemExit, subprocess.CalledProcessError) as error:
        reason = str(error).strip() or type(error).__name__
        print(f"Against a peer: not measured: {reason}", file=sys.stderr)
        return unavailable_section(reason)


def main():
    parser = argparse.ArgumentParser(description="Measure the portal side by side with a Wagtail site.")
    parser.add_argument(
        "--articles",
        type=int,
        default=2_000,
        help="articles generated (default 2000); Wagtail has each in both languages",
    )
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--output", type=Path, help="put the table into this Markdown file")
    parser.add_argument("--check", action="store_true", help=f"{CHECK_ARTICLES} articles, pages checked, no wrk")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        result = run(
            articles=CHECK_ARTICLES if args.check else args.articles, seconds=args.seconds, check_only=args.check
        )
    except Unavailable as error:
        sys.exit(str(error))
    build = ", ".join(f"{name} {value:.1f} s" for name, value in result["timings"].items())
    print(f"Build: {build}; everything {time.perf_counter() - started:.0f} s")
    if args.check:
        for name in result["paths"]["portal"]:
            sizes = {
                side: sizes[name]["gzip"]
                for side in result["sides"]
                if name in (sizes := result["sides"][side]["sizes"])
            }
            queries = {
                side: result["queries"][side][name] for side in result["queries"] if name in result["queries"][side]
            }
            print(f"{name}: 200 on {' and '.join(sizes)}; SQL queries {queries}; bytes gzip {sizes}")
        print("Check passed: every page answers 200 with a whole page on both sites.")
        return
    text = section(result)
    print(text)
    if args.output:
        write_section(args.output, text)
        print(f"Wrote the section into {args.output}")


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"{error.cmd[0]} failed: {error.stderr or error}")
