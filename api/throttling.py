"""The API's per-user throttle in one cache round trip.

DRF's UserRateThrottle keeps a list of request times per user and reads and rewrites it on every
request: two Redis round trips, as many as the whole cached answer. With the Redis cache this
throttle counts requests in fixed windows instead (one pipelined SET NX + INCR): a user may burst
up to twice the rate across a window boundary, which is fine for a guard against runaway
clients. With any other cache (the local-memory default) it is DRF's throttle unchanged."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import UserRateThrottle


class WindowedUserRateThrottle(UserRateThrottle):
    """`UserRateThrottle` (rate from DEFAULT_THROTTLE_RATES["user"]) counted per fixed window."""

    def allow_request(self, request: Any, view: Any) -> bool:
        count_in_window = getattr(self.cache, "count_in_window", None)
        if self.rate is None or count_in_window is None:
            return super().allow_request(request, view)
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = count_in_window(f"{ident}:{window}", int(self.duration) + 1)
        if count is None:  # the cache is down: fail open, as the cache itself does
            return True
        self._window_end = (window + 1) * self.duration
        return count <= self.num_requests

    def wait(self) -> float | None:
        window_end = getattr(self, "_window_end", None)
        if window_end is None:
            return super().wait()
        return max(0.0, window_end - self.timer())
