"""Time ``import_news`` on generated files, as ``make bench`` runs it.

    python benchmarks/run.py [--files 10000]

Generates the files (no images) in a temporary folder, migrates a fresh
SQLite database there (or uses BENCH_DATABASE_URL), then times the command
twice: the first import, and a re-run that must find everything unchanged.
The target: the first import of 10,000 files in under 60 s.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import generate  # noqa: E402

TARGET_SECONDS = 60


def manage(*args: str, env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed with status {result.returncode}")
    return elapsed, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def main():
    parser = argparse.ArgumentParser(description="Time import_news on generated files.")
    parser.add_argument("--files", type=int, default=int(os.environ.get("BENCH_FILES", 10_000)))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temp:
        temp = Path(temp)
        count = generate(temp / "site", files=args.files)
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{temp / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(temp / "media"),
            "VAR_DIR": str(temp / "var"),
        }
        manage("migrate", "--no-input", "-v0", env=env)
        first, summary = manage("import_news", str(temp / "site"), env=env)
        again, summary_again = manage("import_news", str(temp / "site"), env=env)
    verdict = "OK" if first < TARGET_SECONDS or count < 10_000 else f"SLOWER than the {TARGET_SECONDS} s target"
    print(f"import_news, {count} generated files, first import: {first:.1f} s ({count / first:.0f} files/s) {verdict}")
    print(f"  {summary}")
    print(f"import_news, same files again (all unchanged): {again:.1f} s")
    print(f"  {summary_again}")


if __name__ == "__main__":
    main()
