"""Per-process memo of who a request is: the token's user and the membership it acts through.

Looking both up costs two queries per request, about 60% of the CPU of a cached discovery or
matching answer. They change rarely, but a change must take effect on the very next request: a
deleted or rotated token, a deactivated user, a removed membership or a changed role. So every
memo entry carries the "access" data version it was loaded at
(`core.caching.versions`), which any write to tokens, users, memberships or
organisations through Django (any process) replaces; an entry of another version is reloaded.
The version is read once per request, *before* any lookup, so a write racing a load leaves an
entry no later request accepts.

The version must be shared by every process, so the memo is on by default only with a shared
cache (CACHE_URL); `API_ACCESS_MEMO_SECONDS` sets how long an entry may live at all (default 30;
0 turns the memo off), which bounds writes made outside Django (psql). When the cache cannot be
reached the version reads None and every request looks up the database, as without the memo.

Entries hold field values, not model instances: each request gets fresh instances, so nothing a
view sets on `request.user` leaks into another request or thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model

from core.caching.versions import data_version

T = TypeVar("T")

MAX_ENTRIES = 10_000  # a bound, not a working set: tokens x organisations of active callers
_REQUEST_ATTR = "_vetted_access_version"
_entries: dict[Any, tuple[str, float, Any]] = {}
_lock = threading.Lock()


def memo_seconds() -> int:
    """How long a memo entry may be used (0: the memo is off)."""
    configured = getattr(settings, "API_ACCESS_MEMO_SECONDS", None)
    if configured is not None:
        return max(0, int(configured))
    return 30 if getattr(settings, "CACHE_URL", "") else 0


def request_access_version(request: Any) -> str | None:
    """The access version for this request, read from the shared cache once per request (None:
    memo off or cache unreachable)."""
    raw = getattr(request, "_request", request)  # DRF Request wraps the HttpRequest
    if hasattr(raw, _REQUEST_ATTR):
        cached: str | None = getattr(raw, _REQUEST_ATTR)
        return cached
    version = data_version("access") if memo_seconds() else None
    setattr(raw, _REQUEST_ATTR, version)
    return version


def memoised(key: Any, *, version: str | None, load: Callable[[], T | None]) -> T | None:
    """`load()`'s value for `key`, from the memo when it was loaded at `version` within
    `memo_seconds()`. None results (unknown token, no membership) are never memoised: they stay
    as expensive as before rather than let a caller fill the memo with guesses."""
    if version is None:
        return load()
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] == version and now - entry[1] < memo_seconds():
        return entry[2]
    value = load()
    if value is not None:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (version, now, value)
    return value


def clear() -> None:
    """Forget every entry (tests)."""
    with _lock:
        _entries.clear()


def row_of(instance: Model) -> tuple[type[Model], tuple[str, ...], tuple[Any, ...]]:
    """A model instance as (model, field names, values): what the memo keeps."""
    names = tuple(field.attname for field in instance._meta.concrete_fields)
    return type(instance), names, tuple(getattr(instance, name) for name in names)


def instance_of(row: tuple[type[Model], tuple[str, ...], tuple[Any, ...]]) -> Model:
    """A fresh model instance from `row_of`'s tuple, as if loaded from the database."""
    model, names, values = row
    return model.from_db("default", list(names), list(values))
