"""A Redis cache that fails open: when Redis cannot be reached, reads miss and writes are dropped
(logged, at most once a minute per process) instead of raising.

Everything this project keeps in the cache can be lost without harm (API throttle counters,
nothing else), so an unreachable Redis must not turn every authenticated API request into a 500:
DRF's throttles read and write the cache on each request. Django's own RedisCache raises
redis.ConnectionError; django-redis has IGNORE_EXCEPTIONS for this, ~40 lines here avoid the
dependency.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60.0
_last_logged = {"at": -_LOG_EVERY_SECONDS}


def _redis_down(exc: Exception, operation: str) -> None:
    now = time.monotonic()
    if now - _last_logged["at"] >= _LOG_EVERY_SECONDS:
        _last_logged["at"] = now
        logger.warning("cache unavailable (%s failed: %s); continuing without it", operation, exc)


def _connection_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError, OSError)


class FailOpenRedisCache(RedisCache):
    """RedisCache whose operations answer "miss" / "not stored" when Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # A Redis that is down must cost a request milliseconds, not the OS connect timeout.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._errors = _connection_errors()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().add(key, value, timeout, version)
        except self._errors as exc:
            _redis_down(exc, "add")
            return False

    def get(self, key, default=None, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().get(key, default, version)
        except self._errors as exc:
            _redis_down(exc, "get")
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().set(key, value, timeout, version)
        except self._errors as exc:
            _redis_down(exc, "set")
            return None

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().touch(key, timeout, version)
        except self._errors as exc:
            _redis_down(exc, "touch")
            return False

    def delete(self, key, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().delete(key, version)
        except self._errors as exc:
            _redis_down(exc, "delete")
            return False

    def get_many(self, keys, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().get_many(keys, version)
        except self._errors as exc:
            _redis_down(exc, "get_many")
            return {}

    def has_key(self, key, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().has_key(key, version)
        except self._errors as exc:
            _redis_down(exc, "has_key")
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().set_many(data, timeout, version)
        except self._errors as exc:
            _redis_down(exc, "set_many")
            return list(data)

    def delete_many(self, keys, version=None):  # noqa: ANN001, ANN201, D102
        try:
            return super().delete_many(keys, version)
        except self._errors as exc:
            _redis_down(exc, "delete_many")
            return None
