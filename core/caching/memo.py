"""A per-process memo of values computed from the data, valid while the data versions they were
computed at are current (`core.caching.versions`): never stale, and no cache round
trip for the value itself (numpy arrays of 100k+ candidates are too big to ship through Redis on
every request).

On only where the data versions are shared by every process (`data_memo_enabled`: a write in a
Celery worker must reach the web processes' versions), whether or not responses are cached;
otherwise, or when the cache cannot be reached, every call computes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from core.caching.versions import current_versions, data_memo_enabled, written_in_transaction

T = TypeVar("T")


class VersionMemo(Generic[T]):
    """`get_or_compute(key, compute)`: compute()'s value for `key` at the current versions of
    `scopes`, kept for the newest `max_entries` (key, versions). Concurrent callers for one key
    in a process wait for the one computing it."""

    def __init__(self, scopes: Sequence[str], *, max_entries: int) -> None:
        self.scopes = tuple(scopes)
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        # What a transaction read after its own uncommitted write: computed, never kept.
        if not data_memo_enabled() or written_in_transaction(*self.scopes):
            return compute()
        versions, _ = current_versions(self.scopes)
        if versions is None:
            return compute()
        full = (key, versions)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
            computing = self._computing.setdefault(full, threading.Lock())
        with computing:
            with self._lock:
                if full in self._entries:
                    return self._entries[full]
            try:
                value = compute()
            except BaseException:  # a failed compute must not leave its lock behind
                with self._lock:
                    self._computing.pop(full, None)
                raise
            with self._lock:
                self._entries[full] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._computing.pop(full, None)
            return value

    def clear(self) -> None:
        """Forget every entry (tests)."""
        with self._lock:
            self._entries.clear()
