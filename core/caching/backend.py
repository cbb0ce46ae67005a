"""A Redis cache that fails open: when Redis cannot be reached, reads miss and writes are dropped
(logged, at most once a minute per process) instead of raising.

Everything this project keeps in the cache can be lost without harm (API throttle counters and
API responses keyed by a data version), so an unreachable Redis must not turn every API request
into a 500: DRF's throttles read and write the cache on each request. Django's own RedisCache
raises redis.ConnectionError; django-redis has IGNORE_EXCEPTIONS for this, ~60 lines here avoid
the dependency.

While Redis is down, writes to the catalogue cannot bump the data version the response cache is
keyed by (core/caching/versions.py), so what Redis still holds when it comes back
may be stale. The first process that saw the outage and reaches Redis again therefore empties the
cache (its own Redis database: CACHE_URL must not share one with the broker).
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, memcache_key_warnings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60.0
# After a failure, skip Redis for this long: a Redis that times out must not cost every cache call
# of every request its timeout.
RETRY_AFTER_SECONDS = 5.0
# Keys made (prefix, version) and checked by one cache object, kept: at most this many.
MADE_KEYS = 4096
# Per Redis location and process-wide (Django makes one cache object per thread): when Redis last
# failed, whether this process saw an outage not yet followed by the clean-up, when it was logged.
_states: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _fresh_state() -> dict[str, Any]:
    return {"retry_at": 0.0, "outage": False, "logged_at": -_LOG_EVERY_SECONDS}


def _connection_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError, OSError)


class PickleFirstSerializer(RedisSerializer):
    """Django's Redis serializer, reading a pickled value without trying it as an int first.
    Django's `loads` tries `int(data)` and unpickles when that fails: for a pickled value (every
    data version, every memo entry) the failure built a ValueError whose message holds the
    value's repr, about 9,000 instructions a value (four for a request's read of the versions).
    A pickle of protocol 2 or above starts with its PROTO opcode (0x80), which `int()` never
    accepts: such data is unpickled at once, the rest goes Django's way (the same values)."""

    def loads(self, data: Any) -> Any:
        if data[:1] == b"\x80":
            return pickle.loads(data)
        return super().loads(data)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client with one redis.Redis object per connection pool. Django builds a new
    redis.Redis for every cache operation, and redis-py (5+) fills a table of ~170 response
    callbacks in each: about 1 ms of CPU per operation, a third of a cached API answer. A
    redis.Redis is thread-safe over its pool (and Django keeps one cache object per thread)."""

    # Private members of Django's RedisCacheClient that this class builds on; django-stubs declares
    # only the public API.
    _client: Callable[..., Any]  # redis.Redis
    _get_connection_pool: Callable[[bool], Any]
    _serializer: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if type(self._serializer) is RedisSerializer:  # Django's own (none configured)
            self._serializer = PickleFirstSerializer(getattr(self._serializer, "protocol", None))

    def get_client(self, key=None, *, write=False):  # noqa: ANN001, ANN201
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """RedisCache whose operations answer "miss" / "not stored" when Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # A Redis that is down must cost a request milliseconds, not the OS connect timeout.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._errors = _connection_errors()
        self._made_keys: dict[tuple[str, int | None], str] = {}
        with _lock:
            self._state = _states.setdefault(str(server), _fresh_state())

    def make_and_validate_key(self, key: Any, version: int | None = None) -> str:
        # Django makes the full key and checks it against memcached's limits on every operation,
        # and the check's lazily compiled pattern raises and catches an AttributeError on each
        # use; most keys a request uses are the same few (the data versions, the throttle's
        # window), so a key made without a warning is kept. One with a warning is made and
        # checked every time: it warns every time.
        if type(key) is not str:
            return super().make_and_validate_key(key, version)
        made = self._made_keys.get((key, version))
        if made is None:
            made = super().make_and_validate_key(key, version)
            if next(memcache_key_warnings(made), None) is None:
                if len(self._made_keys) >= MADE_KEYS:
                    self._made_keys.clear()
                self._made_keys[(key, version)] = made
        return made

    def _call(self, operation: str, default: Any, call: Callable[[], Any]) -> Any:
        if time.monotonic() < self._state["retry_at"]:
            return default
        try:
            if self._state["outage"]:
                self._clear_after_outage()
            return call()
        except self._errors as exc:
            self._down(exc, operation)
            return default

    def _clear_after_outage(self) -> None:
        """Writes made during the outage could not bump the data version: empty the cache."""
        with _lock:
            if not self._state["outage"]:
                return
            super().clear()  # raises while Redis is still down
            self._state["outage"] = False
        logger.warning("cache reachable again: emptied it (entries from before the outage may be stale)")

    def _down(self, exc: Exception, operation: str) -> None:
        now = time.monotonic()
        self._state.update(retry_at=now + RETRY_AFTER_SECONDS, outage=True)
        if now - self._state["logged_at"] >= _LOG_EVERY_SECONDS:
            self._state["logged_at"] = now
            logger.warning("cache unavailable (%s failed: %s); continuing without it", operation, exc)

    def count_in_window(self, key: str, seconds: int) -> int | None:
        """Add one to the counter `key` of a fixed window of `seconds` and return its new value, in
        one round trip (SET NX with the expiry, then INCR, pipelined); None when Redis is down. For
        the API throttle: Django's cache API needs a read and a write per request for the same job."""
        full_key = self.make_and_validate_key(key)

        def call() -> int:
            client = self._cache.get_client(full_key, write=True)
            pipe = client.pipeline(transaction=False)
            pipe.set(full_key, 0, ex=seconds, nx=True)
            pipe.incr(full_key)
            return int(pipe.execute()[1])

        return self._call("count_in_window", None, call)

    def slot_take(self, key: str, seconds: int) -> int | None:
        """Add one to the counter `key` (created with an expiry of `seconds`, renewed on each use)
        and return its new value in one round trip; None when Redis is down. For the per-user
        concurrency limit (core/caching/limits.py)."""
        full_key = self.make_and_validate_key(key)

        def call() -> int:
            client = self._cache.get_client(full_key, write=True)
            pipe = client.pipeline(transaction=False)
            pipe.incr(full_key)
            pipe.expire(full_key, seconds)
            return int(pipe.execute()[0])

        return self._call("slot_take", None, call)

    def slot_give(self, key: str) -> None:
        """Take one off the counter `key` (never below zero)."""
        full_key = self.make_and_validate_key(key)

        def call() -> None:
            client = self._cache.get_client(full_key, write=True)
            if int(client.decr(full_key)) < 0:
                client.delete(full_key)

        self._call("slot_give", None, call)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201
        return self._call("add", False, lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version))

    def get(self, key, default=None, version=None):  # noqa: ANN001, ANN201
        return self._call("get", default, lambda: super(FailOpenRedisCache, self).get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201
        return self._call("set", None, lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201
        return self._call("touch", False, lambda: super(FailOpenRedisCache, self).touch(key, timeout, version))

    def delete(self, key, version=None):  # noqa: ANN001, ANN201
        return self._call("delete", False, lambda: super(FailOpenRedisCache, self).delete(key, version))

    def get_many(self, keys, version=None):  # noqa: ANN001, ANN201
        return self._call("get_many", {}, lambda: super(FailOpenRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):  # noqa: ANN001, ANN201
        return self._call("has_key", False, lambda: super(FailOpenRedisCache, self).has_key(key, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):  # noqa: ANN001, ANN201
        return self._call(
            "set_many", list(data), lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys, version=None):  # noqa: ANN001, ANN201
        return self._call("delete_many", None, lambda: super(FailOpenRedisCache, self).delete_many(keys, version))


def outages_seen() -> tuple[str, ...]:
    """The Redis locations whose outage this process saw and has not yet followed by emptying
    the cache (for a forked worker to hand back to its parent: the state is per process)."""
    with _lock:
        return tuple(location for location, state in _states.items() if state["outage"])


def note_outages(locations: Iterable[str]) -> None:
    """Take outages another process saw (a forked worker's writes whose data-version bumps
    failed): the next call here that reaches Redis empties the cache, as after one of its own."""
    with _lock:
        for location in locations:
            _states.setdefault(location, _fresh_state())["outage"] = True


def reset_outage_state() -> None:
    """Forget any outage this process saw (tests)."""
    with _lock:
        for state in _states.values():
            state.update(_fresh_state())
