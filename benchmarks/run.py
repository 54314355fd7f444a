"""Time ``import_news`` on generated files, as ``make bench`` runs it.

    python benchmarks/run.py [--files 10000]

Generates the files (no images) in a temporary folder, migrates a fresh
SQLite database there (or uses BENCH_DATABASE_URL), then times the command
twice: the first import, and a re-run that must find everything unchanged.
The target: the first import of 10,000 files in under 60 s.
"""

import argparse
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import generate  # noqa: E402

TARGET_SECONDS = 60


@dataclass
class Timing:
    wall: float  # seconds
    cpu: float  # user + system seconds of the command and its worker processes
    summary: str


def manage(*args: str, env: dict) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed with status {result.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(elapsed, cpu, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "")


@dataclass
class ImportResult:
    files: int
    first: Timing
    again: Timing


def measure(files: int) -> ImportResult:
    """Generate the files, import them into a fresh database, then import them again."""
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temp:
        temp = Path(temp)
        count = generate(temp / "site", files=files)
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{temp / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(temp / "media"),
            "VAR_DIR": str(temp / "var"),
        }
        manage("migrate", "--no-input", "-v0", env=env)
        first = manage("import_news", str(temp / "site"), env=env)
        again = manage("import_news", str(temp / "site"), env=env)
    return ImportResult(count, first, again)


def main():
    parser = argparse.ArgumentParser(description="Time import_news on generated files.")
    parser.add_argument("--files", type=int, default=int(os.environ.get("BENCH_FILES", 10_000)))
    args = parser.parse_args()
    result = measure(args.files)
    count, first, again = result.files, result.first, result.again
    load = os.getloadavg()[0]
    verdict = "OK" if first.wall < TARGET_SECONDS else f"SLOWER than the {TARGET_SECONDS} s target"
    print(f"import_news of {count} generated files ({os.cpu_count()} CPUs, load average {load:.1f} at the end):")
    print(f"  first import: {first.wall:.1f} s ({count / first.wall:.0f} files/s), {first.cpu:.1f} s CPU  {verdict}")
    print(f"    {first.summary}")
    print(f"  same files again, all unchanged: {again.wall:.1f} s, {again.cpu:.1f} s CPU")
    print(f"    {again.summary}")
    if load > (os.cpu_count() or 1):
        print("  The machine was busy with other work: wall-clock times are longer than on an idle machine.")


if __name__ == "__main__":
    main()
