"""A web process's share of the CPU for cheap requests: at most HEAVY_REQUESTS_PER_PROCESS (default 1)
CPU-heavy computations (a brand ranking and its page: tens of milliseconds of Python at 1M
creators) run at once in a process; the others wait for a turn, using no CPU.

A process's threads share one interpreter lock, handed round every few milliseconds, so a
discovery page (~3 ms of CPU) answered beside seven rankings waited for their turns as well as
its own: under 20 clients its latency was set by the rankings. With two rankings at a time it
is set by its own work; the rankings wait in line instead, and the machine does the same work.
A ranking that waits longer than `wait_seconds` is refused as Throttled (429, "try again").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from core.errors import Throttled

_lock = threading.Lock()
_gate: tuple[int, threading.BoundedSemaphore] | None = None


def _semaphore(limit: int) -> threading.BoundedSemaphore:
    global _gate
    with _lock:
        if _gate is None or _gate[0] != limit:
            _gate = (limit, threading.BoundedSemaphore(limit))
        return _gate[1]


@contextmanager
def heavy_request(*, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold one of the process's turns for CPU-heavy work (none when the setting is 0)."""
    limit = int(getattr(settings, "HEAVY_REQUESTS_PER_PROCESS", 0) or 0)
    if limit <= 0:
        yield
        return
    gate = _semaphore(limit)
    if not gate.acquire(timeout=wait_seconds):
        raise Throttled("the server is busy with other rankings; try again in a moment", retry_after=2)
    try:
        yield
    finally:
        gate.release()
