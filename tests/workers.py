"""Real Celery worker processes for the tests that need one: started against the test database and
the Redis of CELERY_BROKER_URL, stopped or killed, and polling with a deadline. (The
`real_broker` fixture that empties the broker is in tests/conftest.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
QUEUES = ("default", "heavy")


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    """A running `celery -A config worker` process and its log file."""

    proc: subprocess.Popen
    log: Path

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is acknowledged (like an OOM kill)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=15)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def start_worker(
    workdir: Path, *, name: str, queues: tuple[str, ...] = QUEUES, pool: str = "solo", env: dict[str, str] | None = None
) -> Worker:
    """Start a worker process on the test database; `env` adds or overrides variables."""
    workdir.mkdir(parents=True, exist_ok=True)
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VISION_INDEX_DIR": str(settings.VISION_INDEX_DIR),
        "VISION_EMBEDDER": str(settings.VISION_EMBEDDER),
        "VETTED_VAR_DIR": str(workdir),
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    log = workdir / f"{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                pool,
                "-c",
                "1",
                "-Q",
                ",".join(queues),
                "-n",
                f"{name}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Worker(proc=proc, log=log)


def wait_for(
    predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1, alive: Worker | None = None
) -> bool:
    """Poll `predicate` until it is true (True) or `timeout` seconds pass (False). Stops early
    when the `alive` worker has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if alive is not None and alive.proc.poll() is not None:
            return bool(predicate())
        time.sleep(interval)
    return bool(predicate())
