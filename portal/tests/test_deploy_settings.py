"""Production settings, read in a fresh interpreter from the environment the README documents."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jv-production-secret-that-is-long-and-random-enough-9f8e7d6c5b4a3",
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def run(tmp_path, args, **env):
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    env = {key: PRODUCTION[key] for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    result = run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


PRINT = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SECURE_HSTS_PRELOAD, s.DATABASES['default'].get('OPTIONS'))"
)


def test_every_hsts_option_comes_from_the_environment(tmp_path):
    result = run(tmp_path, ["-c", f"import django; django.setup(); {PRINT}"], **PRODUCTION)
    assert result.stdout.split()[:3] == ["31536000", "True", "True"], result.stderr
    off = {**PRODUCTION, "SECURE_HSTS_SECONDS": "60", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "no"}
    off.pop("SECURE_HSTS_PRELOAD")
    result = run(tmp_path, ["-c", f"import django; django.setup(); {PRINT}"], **off)
    assert result.stdout.split()[:3] == ["60", "False", "False"], result.stderr


def test_a_bad_hsts_value_stops_the_start(tmp_path):
    result = run(tmp_path, ["-c", "import django; django.setup()"], **{**PRODUCTION, "SECURE_HSTS_PRELOAD": "maybe"})
    assert result.returncode != 0
    assert "SECURE_HSTS_PRELOAD='maybe' is not a boolean" in result.stderr


def test_postgresql_connections_are_bounded_in_time(tmp_path):
    env = {**PRODUCTION, "DATABASE_URL": "postgres://portal@db:5432/portal", "DB_STATEMENT_TIMEOUT_MS": "3000"}
    result = run(tmp_path, ["-c", f"import django; django.setup(); {PRINT}"], **env)
    assert "'connect_timeout': 2" in result.stdout, result.stderr
    assert "statement_timeout=3000" in result.stdout
