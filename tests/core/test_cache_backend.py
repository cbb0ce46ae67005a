"""The Redis cache backend's cheaper steps give what Django's give: values read back by the
pickle-first serializer, and keys made once and kept (a key with a warning warns every time).
No Redis is needed: neither step talks to it."""

from __future__ import annotations

import pickle
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.core.cache.backends.redis import RedisSerializer

from core.caching.backend import FailOpenRedisCache, PickleFirstSerializer

VALUES = [0, -5, 42, 10**30, True, None, "42", " 7 ", b"\x80", 1.5, ["a", 2], {"k": (1, "v")}, ("v1", 3.0, 1)]


def stored(value: object, protocol: int) -> bytes:
    """What Redis gives back for a value Django stored (ints as their digits)."""
    dumped = RedisSerializer(protocol).dumps(value)
    return str(dumped).encode() if type(dumped) is int else dumped


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_values_read_back_as_djangos_serializer_reads_them(protocol):
    ours, django = PickleFirstSerializer(protocol), RedisSerializer(protocol)
    for value in VALUES:
        data = stored(value, protocol)
        assert ours.loads(data) == django.loads(data) == value
        assert type(ours.loads(data)) is type(django.loads(data))


def test_the_cache_reads_with_the_pickle_first_serializer():
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0", {})
    assert type(cache._cache._serializer) is PickleFirstSerializer


def test_keys_are_made_as_django_makes_them_and_a_bad_key_warns_every_time():
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": "p", "VERSION": 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a good key warns neither time
        assert cache.make_and_validate_key("vetted:k") == "p:3:vetted:k"
        assert cache.make_and_validate_key("vetted:k") == "p:3:vetted:k"
        assert cache.make_and_validate_key("vetted:k", version=4) == "p:4:vetted:k"
    for _ in range(2):
        with pytest.warns(CacheKeyWarning):
            assert cache.make_and_validate_key("with space") == "p:3:with space"
