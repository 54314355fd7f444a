"""Settings read from the environment, checked in a fresh interpreter with a clean environment."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.settings import envbool, envint, envlist

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "CACHE": settings.CACHES["default"],
    "DB": {k: settings.DATABASES["default"][k] for k in ("ENGINE", "NAME", "USER", "HOST", "PORT")},
    "DB_CLIENT": {k: settings.DATABASES["default"].get(k) for k in ("CLIENT_TIMEOUT", "OPTIONS")},
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def run_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(tmp_path, **env) -> dict:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = run_settings(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_an_empty_secret_key_counts_as_none(tmp_path):
    result = run_settings(tmp_path, SECRET_KEY="  ", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_starts_with_a_secret_key_and_debug_off(tmp_path):
    values = settings_with(tmp_path, SECRET_KEY="a-real-secret-from-the-environment")
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "a-real-secret-from-the-environment"
    assert values["ALLOWED_HOSTS"] == []


def test_development_generates_and_keeps_a_key(tmp_path):
    first = settings_with(tmp_path, DEBUG="1")
    key_file = tmp_path / "var" / "secret_key"
    assert first["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert settings_with(tmp_path, DEBUG="1")["SECRET_KEY"] == first["SECRET_KEY"]


def test_a_bad_debug_value_stops_the_start(tmp_path):
    result = run_settings(tmp_path, DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_default_cache_is_local_memory(tmp_path):
    cache = settings_with(tmp_path, SECRET_KEY="x")["CACHE"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_selects_the_redis_cache(tmp_path):
    cache = settings_with(tmp_path, SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/3")["CACHE"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_database_url_is_honoured(tmp_path):
    db = settings_with(tmp_path, SECRET_KEY="x", DATABASE_URL="postgres://editor:pw@db.internal:6543/portal_prod")["DB"]
    assert db == {
        "ENGINE": "portal.postgresql",  # Django's, with a client-side deadline (portal.postgresql)
        "NAME": "portal_prod",
        "USER": "editor",
        "HOST": "db.internal",
        "PORT": 6543,
    }


@pytest.mark.parametrize(
    ("env", "deadline"),
    [
        ({}, 6),
        ({"DB_STATEMENT_TIMEOUT_MS": "8000"}, 9),
        ({"DB_CLIENT_TIMEOUT": "3"}, 3),
        ({"DB_STATEMENT_TIMEOUT_MS": "0"}, 0),
    ],
)
def test_the_client_timeout_is_a_little_above_the_statement_timeout(tmp_path, env, deadline):
    found = settings_with(tmp_path, SECRET_KEY="x", DATABASE_URL="postgres://editor:pw@db.internal/portal", **env)
    assert found["DB_CLIENT"]["CLIENT_TIMEOUT"] == deadline
    assert found["DB_CLIENT"]["OPTIONS"]["tcp_user_timeout"] == deadline * 1000
    assert found["DB_CLIENT"]["OPTIONS"]["keepalives"] == 1


def test_without_database_url_sqlite_in_var(tmp_path):
    db = settings_with(tmp_path, SECRET_KEY="x")["DB"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "var" / "portal.sqlite3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False), ("FALSE", False), ("no", False)],
)
def test_envbool_accepts(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_FLAG", value)
    assert envbool("PORTAL_FLAG", not expected) is expected


def test_envbool_default_when_unset(monkeypatch):
    monkeypatch.delenv("PORTAL_FLAG", raising=False)
    assert envbool("PORTAL_FLAG", True) is True
    assert envbool("PORTAL_FLAG", False) is False


@pytest.mark.parametrize("value", ["2", "yep", "enabled", "tru", "-1"])
def test_envbool_rejects_bad_values(monkeypatch, value):
    monkeypatch.setenv("PORTAL_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"PORTAL_FLAG={value!r} is not a boolean")):
        envbool("PORTAL_FLAG", False)


def test_envint(monkeypatch):
    monkeypatch.setenv("PORTAL_NUMBER", "42")
    assert envint("PORTAL_NUMBER", 0) == 42
    monkeypatch.setenv("PORTAL_NUMBER", "")
    assert envint("PORTAL_NUMBER", 7) == 7
    monkeypatch.setenv("PORTAL_NUMBER", "4.2")
    with pytest.raises(ImproperlyConfigured, match=re.escape("PORTAL_NUMBER='4.2' is not a whole number")):
        envint("PORTAL_NUMBER", 0)


def test_envlist(monkeypatch):
    monkeypatch.setenv("PORTAL_HOSTS", " a.example, b.example ,,")
    assert envlist("PORTAL_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.delenv("PORTAL_HOSTS")
    assert envlist("PORTAL_HOSTS", ["default"]) == ["default"]
