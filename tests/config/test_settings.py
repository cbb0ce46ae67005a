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


def test_production_refuses_missing_allowed_hosts():
    result = _import_production(SECRET_KEY="x" * 50)
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
