"""The API's per-user throttle (api/throttling.py): counted in fixed windows in one Redis round
trip, per user, failing open when Redis is down, and DRF's own throttle with any other cache."""

from __future__ import annotations

import types
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from api.throttling import WindowedUserRateThrottle
from core.caching.backend import FailOpenRedisCache, reset_outage_state

REDIS = "redis://127.0.0.1:6379/12"


def user(pk: int) -> types.SimpleNamespace:
    return types.SimpleNamespace(pk=pk, is_authenticated=True)


def throttle_on(cache, rate: str = "3/min") -> WindowedUserRateThrottle:
    throttle = WindowedUserRateThrottle.__new__(WindowedUserRateThrottle)
    throttle.cache = cache
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    return throttle


def allowed(cache, who, times: int) -> list[bool]:
    request = types.SimpleNamespace(user=who, META={})
    out = []
    for _ in range(times):
        throttle = throttle_on(cache)  # DRF makes a throttle per request
        out.append(throttle.allow_request(request, None))
    return out


@pytest.fixture
def redis_cache():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS}")
    reset_outage_state()
    # A fresh key prefix per test: counters of earlier runs cannot interfere.
    return FailOpenRedisCache(REDIS, {"KEY_PREFIX": uuid.uuid4().hex})


def test_the_rate_is_enforced_per_user_with_a_wait_until_the_window_ends(redis_cache):
    assert allowed(redis_cache, user(1), 4) == [True, True, True, False]
    assert allowed(redis_cache, user(2), 1) == [True]  # other users keep their own count
    throttle = throttle_on(redis_cache)
    assert throttle.allow_request(types.SimpleNamespace(user=user(1), META={}), None) is False
    assert 0 <= throttle.wait() <= 60


def test_the_window_counter_expires(redis_cache):
    import redis

    allowed(redis_cache, user(1), 1)
    client = redis.Redis.from_url(REDIS)
    (key,) = client.keys(f"{redis_cache.key_prefix}*")
    assert 0 < client.ttl(key) <= 61


def test_a_redis_outage_lets_requests_through():
    reset_outage_state()
    down = FailOpenRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": uuid.uuid4().hex})
    try:
        assert allowed(down, user(1), 5) == [True] * 5
    finally:
        reset_outage_state()


def test_other_caches_get_drfs_throttle():
    local = LocMemCache(uuid.uuid4().hex, {})
    assert allowed(local, user(1), 4) == [True, True, True, False]
