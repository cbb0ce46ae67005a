"""The default run (scripts/run.sh) shows visitors the product's own error pages, never Django's
technical ones, and still serves its static files and catalogue images: a real runserver started
with the variables run.sh exports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def _run_sh_exports() -> dict[str, str]:
    """The variables scripts/run.sh exports, evaluated by bash in an environment without them."""
    exports = "\n".join(
        line for line in (ROOT / "scripts/run.sh").read_text().splitlines() if line.startswith("export ")
    )
    assert "DEBUG" in exports, "scripts/run.sh no longer decides DEBUG"
    script = f"set -eu\nroot={ROOT}\n{exports}\nenv -0"
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SERVE_MEDIA", "DJANGO_SETTINGS_MODULE")}
    out = subprocess.run(["bash", "-c", script], env=clean, capture_output=True, check=True).stdout.decode()
    env = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {k: v for k, v in env.items() if k in exports}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture
def default_run(tmp_path):
    """runserver on a fresh var/ folder, started as run.sh starts it (migrated, static collected)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL", "DEBUG"))}
    env.update(_run_sh_exports())
    env.update(VETTED_VAR_DIR=str(tmp_path), HF_HUB_OFFLINE="1")
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    media = tmp_path / "media" / "assets"
    media.mkdir(parents=True)
    (media / "probe.txt").write_text("catalogue image stand-in")
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_run_sh_turns_debug_off_unless_asked():
    assert _run_sh_exports()["DEBUG"] == "0"


def test_default_run_shows_the_products_404_and_serves_static_and_media(default_run):
    status, body = _get(default_run + "/no-such-page/")
    assert status == 404
    assert "This page does not exist" in body
    assert "URLconf" not in body and "Using the URLconf" not in body  # Django's technical 404

    status, body = _get(default_run + "/api/v1/no-such-endpoint/")
    assert status == 404
    assert "URLconf" not in body

    status, css = _get(default_run + "/static/frontend/css/app.css")
    assert status == 200 and "{" in css  # WhiteNoise, with DEBUG off

    status, text = _get(default_run + "/media/assets/probe.txt")
    assert status == 200 and text == "catalogue image stand-in"
