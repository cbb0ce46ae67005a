"""Limits per user that every face shares, counted in the cache (the shared Redis in production,
this process's memory on the default run; fail-open like the cache itself: with Redis down
nothing is limited).

- `count_request(scope, ident, rate)`: a fixed-window rate ("60/min"): searching by look costs an
  image embedding, so the web UI and the API count against the same allowance.
- `concurrency_slot(scope, ident, limit)`: at most `limit` expensive computations in flight for
  one user (a brand ranking that misses every cache): a user sending many at once waits for
  their own, instead of slowing everyone else's. A slot expires after `ttl` seconds in case the
  process holding it died.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

from core.errors import Throttled

_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/min" → (60, 60): requests per window, window in seconds."""
    count, _, unit = rate.partition("/")
    return int(count), _UNITS[unit.strip().lower()]


def count_request(scope: str, ident: object, rate: str) -> float | None:
    """Count one request of `ident` in `scope`; None while within `rate`, else the seconds until
    the window ends (when the next request is allowed)."""
    allowed, window_seconds = parse_rate(rate)
    now = time.time()
    window = int(now // window_seconds)
    key = f"vetted:rate:{scope}:{ident}:{window}"
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:
        count = count_in_window(key, window_seconds + 1)
    else:  # local memory (the default run): add then incr, each atomic there
        cache.add(key, 0, window_seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, window_seconds + 1)
            count = 1
    if count is None or count <= allowed:
        return None
    return max(0.0, (window + 1) * window_seconds - now)


def _take(key: str, ttl: int) -> int | None:
    take = getattr(cache, "slot_take", None)
    if take is not None:  # Redis: one round trip, None when it is down
        return take(key, ttl)
    cache.add(key, 0, ttl)  # local memory: add then incr, each atomic there
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, ttl)
        return 1


def _give(key: str) -> None:
    give = getattr(cache, "slot_give", None)
    if give is not None:
        give(key)
        return
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:  # expired meanwhile: nothing to give back
        pass


@contextmanager
def concurrency_slot(scope: str, ident: object, limit: int, *, ttl: int = 120, message: str = "") -> Iterator[None]:
    """Hold one of `ident`'s `limit` slots in `scope` for the block; Throttled (retry in a few
    seconds) when all are taken."""
    key = f"vetted:slots:{scope}:{ident}"
    count = _take(key, ttl)
    if count is None:  # the cache is down: fail open, as the cache does
        yield
        return
    if count > limit:
        _give(key)
        raise Throttled(message or f"at most {limit} of these at a time per user; try again shortly", retry_after=2)
    try:
        yield
    finally:
        _give(key)
