"""The API's per-user throttle in one cache round trip.

DRF's UserRateThrottle keeps a list of request times per user and reads and rewrites it on every
request: two Redis round trips, as many as the whole cached answer. With the Redis cache this
throttle counts requests in fixed windows instead (one pipelined SET NX + INCR): a user may burst
up to twice the rate across a window boundary, which is fine for a guard against runaway
clients. With any other cache (the local-memory default) it is DRF's throttle unchanged. Either
way the answer says where the user stands: RateLimit-Limit, -Remaining and -Reset (seconds)."""

from __future__ import annotations

import math
from typing import Any

from rest_framework.throttling import UserRateThrottle


def _announce(request: Any, limit: int, remaining: int, reset: float) -> None:
    """RateLimit-* headers for this answer (added by api.middleware.ApiConventionsMiddleware)."""
    headers = {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(max(0, remaining)),
        "RateLimit-Reset": str(max(0, math.ceil(reset))),
    }
    target = getattr(request, "_request", request)
    try:
        target.rate_limit_headers = headers
    except AttributeError:  # a stand-in request without attributes
        pass


class WindowedUserRateThrottle(UserRateThrottle):
    """`UserRateThrottle` (rate from DEFAULT_THROTTLE_RATES["user"]) counted per fixed window."""

    now: float  # set by allow_request (here, or SimpleRateThrottle's), read by wait()

    def allow_request(self, request: Any, view: Any) -> bool:
        count_in_window = getattr(self.cache, "count_in_window", None)
        if self.rate is None or count_in_window is None:
            allowed = super().allow_request(request, view)
            if self.rate is not None and hasattr(self, "history"):
                oldest = self.history[-1] if self.history else self.now
                reset = self.duration - (self.now - oldest)
                _announce(request, self.num_requests, self.num_requests - len(self.history), reset)
            return allowed
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = count_in_window(f"{ident}:{window}", int(self.duration) + 1)
        if count is None:  # the cache is down: fail open, as the cache itself does
            return True
        self._window_end = (window + 1) * self.duration
        _announce(request, self.num_requests, self.num_requests - count, self._window_end - self.now)
        return count <= self.num_requests

    def wait(self) -> float | None:
        window_end = getattr(self, "_window_end", None)
        if window_end is None:
            return super().wait()
        return max(0.0, window_end - self.timer())
