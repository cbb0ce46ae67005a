"""Production settings refuse to start without their secrets; env parsing is strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _import_production(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_refuses_the_development_secret_key():
    result = _import_production(ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _example_secret_key() -> str:
    line = next(line for line in (ROOT / ".env.example").read_text().splitlines() if line.startswith("SECRET_KEY="))
    return line.split("=", 1)[1]


@pytest.mark.parametrize(
    "key",
    [
        _example_secret_key(),  # the placeholder people copy
        "change-me-to-a-long-random-string-of-at-least-32-characters",  # the older placeholder
        "insecure-dev-key-only-for-local-use-never-in-production",  # the development default
        "Zq8" * 16,  # 48 characters: too short
        "ab" * 40,  # long but only two different characters
        "django-insecure-" + "q7v" * 20,  # what startproject generates for development
    ],
)
def test_production_refuses_placeholder_short_and_weak_secret_keys(key):
    result = _import_production(SECRET_KEY=key, ALLOWED_HOSTS="vetted.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random string of at least 50 characters" in result.stderr


def test_production_defaults_to_https_only():
    code = (
        "from config.settings import production as p;"
        "print(p.SECURE_SSL_REDIRECT, p.SECURE_HSTS_SECONDS, p.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "PROXY_"))}
    env.update(SECRET_KEY="s3cr3t-" * 8, ALLOWED_HOSTS="vetted.example.com", DJANGO_SETTINGS_MODULE="")
    on = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert on.stdout.split()[:3] == ["True", "31536000", "True"], on.stderr
    off = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "PROXY_ENFORCES_HTTPS": "1"}, capture_output=True, text=True
    )
    assert off.stdout.split()[:2] == ["False", "0"], off.stderr


def test_production_refuses_missing_allowed_hosts():
    result = _import_production(SECRET_KEY="s3cr3t-" * 8)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_real_secrets():
    result = _import_production(SECRET_KEY="s3cr3t-" * 8, ALLOWED_HOSTS="vetted.example.com")
    assert result.returncode == 0, result.stderr


def test_env_helpers_parse_and_reject(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 0) == 12
    assert env_list("X_LIST") == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 0)


def _database_options(**env: str) -> str:
    code = "from config.settings import base; print(base.DATABASES['default'].get('OPTIONS', {}))"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "POSTGRES_JIT"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_postgresql_connections_run_without_jit_unless_asked():
    # JIT compiled queries for 0.2-1 s each before running them (docs/deploy.md, "JIT").
    url = "postgres://vetted@db.example.com:5432/vetted"
    assert "-c jit=off" in _database_options(DATABASE_URL=url)
    assert "-c jit=off" in _database_options(DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000")
    assert "statement_timeout" in _database_options(DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000")
    assert "jit" not in _database_options(DATABASE_URL=url, POSTGRES_JIT="true")
    assert "jit" not in _database_options()  # SQLite


@pytest.mark.django_db
def test_the_test_database_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
