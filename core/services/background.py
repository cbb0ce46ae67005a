"""Work that must not hold a web request when there is no Celery worker (eager mode).

With a broker, slow outgoing work (alert emails, webhook deliveries and their retries) is a
Celery task. Without one, Celery would run that task inside the request that caused it, so a
receiver that never answers would hold the page for minutes. `run_outside_request` runs it in a
daemon thread instead; the caller bounds its total time. A thread started by a process that
then exits (runserver reloading) is lost with its work: that is the price of running without a
worker, and docs/deploy.md says to run one.

`BACKGROUND_THREADS = False` (the test settings) runs the work at once in the caller's thread,
so tests see its effects deterministically inside their transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

_local = threading.local()
_threads: set[threading.Thread] = set()
_lock = threading.Lock()


def in_background() -> bool:
    """True inside work started by `run_outside_request` (it may then run more work inline)."""
    return bool(getattr(_local, "active", False))


def run_outside_request(name: str, work: Callable[[], object]) -> None:
    """Run `work()` in a daemon thread (inline when already in one, or when BACKGROUND_THREADS is
    off). Errors are logged, never raised to the caller; the thread's database connections are
    closed when it ends."""
    if in_background() or not getattr(settings, "BACKGROUND_THREADS", True):
        _run(name, work)
        return

    def target() -> None:
        _local.active = True
        try:
            _run(name, work)
        finally:
            _local.active = False
            connections.close_all()  # this thread's connections only (they are per thread)
            with _lock:
                _threads.discard(threading.current_thread())

    thread = threading.Thread(target=target, name=f"vetted-{name}", daemon=True)
    with _lock:
        _threads.add(thread)
    thread.start()


def queue_after_commit(name: str, task: Any, *args: Any, eager: Callable[[], object]) -> None:
    """Once the current transaction commits: `task.delay(*args)` (a Celery task), or without a
    worker (eager Celery would run it inside the request) `eager()` outside the request. A broker
    refusing the task is logged, not raised: the committed change stands without its follow-up."""

    def send() -> None:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            run_outside_request(name, eager)
            return
        try:
            task.delay(*args)
        except Exception:
            logger.exception("could not queue %s %s", name, args)

    transaction.on_commit(send)


def _run(name: str, work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:
        logger.exception("background work %s failed", name)


def wait_for_background(timeout: float) -> bool:
    """Wait until every background thread has finished (tests, shutdown); False on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            running = [thread for thread in _threads if thread.is_alive()]
        if not running:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        running[0].join(min(remaining, 0.2))
