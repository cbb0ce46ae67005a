"""Per-user limits every face shares (core/caching/limits.py): the search-by-look allowance counted
once for the web UI and the API, and the per-user concurrency limit of brand rankings (a user's
burst waits for its own, "busy, try again" 429, others are not affected)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from core.caching.backend import FailOpenRedisCache, reset_outage_state
from core.caching.limits import concurrency_slot, count_request, parse_rate
from core.errors import Throttled
from core.models import Role
from tests.factories import BrandFactory, MembershipFactory

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_rates_are_counted_per_window_and_per_user():
    assert parse_rate("60/min") == (60, 60) and parse_rate("5/s") == (5, 1)
    assert [count_request("t", 1, "3/min") for _ in range(3)] == [None, None, None]
    wait = count_request("t", 1, "3/min")
    assert wait is not None and 0 <= wait <= 60
    assert count_request("t", 2, "3/min") is None  # another user has their own count


def test_the_web_ui_and_the_api_share_the_search_by_look_allowance(settings):
    settings.AESTHETIC_SEARCH_RATE = "2/min"
    member = MembershipFactory(role=Role.VIEWER)
    web = Client()
    web.force_login(member.user)
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member.user).key}")
    first = api.post("/api/search/aesthetic/", {"text": "moody film"}, format="json")
    second = web.post("/discovery/aesthetic/", {"prompt": "moody film"})
    assert first.status_code != 429 and second.status_code != 429
    third = web.post("/discovery/aesthetic/", {"prompt": "moody film"})
    assert third.status_code == 429 and int(third["Retry-After"]) >= 1
    assert "Too many searches by look for now" in third.content.decode()
    fourth = api.post("/api/search/aesthetic/", {"text": "moody film"}, format="json")
    assert fourth.status_code == 429 and "detail" in fourth.json()
    other = Client()
    other.force_login(MembershipFactory().user)
    assert other.post("/discovery/aesthetic/", {"prompt": "moody film"}).status_code != 429


def test_a_user_gets_at_most_n_slots_at_once():
    with concurrency_slot("s", 7, 2), concurrency_slot("s", 7, 2):
        with pytest.raises(Throttled) as busy:
            with concurrency_slot("s", 7, 2):
                pass
        assert busy.value.retry_after > 0
        with concurrency_slot("s", 8, 2):  # another user
            pass
    with concurrency_slot("s", 7, 2), concurrency_slot("s", 7, 2):  # given back after use
        pass


def test_slots_hold_under_real_concurrency():
    running, peak, refused = [0], [0], []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def work() -> None:
        start.wait()
        try:
            with concurrency_slot("race", 1, 2):
                with lock:
                    running[0] += 1
                    peak[0] = max(peak[0], running[0])
                time.sleep(0.3)
                with lock:
                    running[0] -= 1
        except Throttled:
            refused.append(1)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] <= 2 and len(refused) >= 4


def test_a_users_burst_of_rankings_is_told_to_wait_and_others_are_not(settings):
    settings.MATCHING_CONCURRENCY_PER_USER = 2
    busy_member = MembershipFactory()
    brand = BrandFactory(organization=busy_member.organization)
    web = Client()
    web.force_login(busy_member.user)
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=busy_member.user).key}")
    # Two rankings of this user are running (their slots are held):
    with concurrency_slot("matching", busy_member.user.pk, 2), concurrency_slot("matching", busy_member.user.pk, 2):
        page = web.get(f"/brands/{brand.pk}/matches/")
        assert page.status_code == 429 and page["Retry-After"] == "2"
        assert "You already have other rankings running" in page.content.decode()
        answer = api.get(f"/api/brands/{brand.pk}/matches/")
        assert answer.status_code == 429 and answer.has_header("Retry-After")
        assert "rankings running" in answer.json()["detail"]
        colleague = MembershipFactory(organization=busy_member.organization)
        other = Client()
        other.force_login(colleague.user)
        assert other.get(f"/brands/{brand.pk}/matches/").status_code == 200
    assert web.get(f"/brands/{brand.pk}/matches/").status_code == 200  # slots given back


@pytest.fixture
def redis_cache():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS}")
    reset_outage_state()
    return FailOpenRedisCache(REDIS, {"KEY_PREFIX": uuid.uuid4().hex})


def test_slots_and_rates_through_redis(redis_cache, monkeypatch):
    import core.caching.limits as limits

    monkeypatch.setattr(limits, "cache", redis_cache)
    with concurrency_slot("m", 1, 1):
        with pytest.raises(Throttled):
            with concurrency_slot("m", 1, 1):
                pass
    with concurrency_slot("m", 1, 1):
        pass
    assert [count_request("r", 1, "2/min") is None for _ in range(3)] == [True, True, False]


def test_a_cache_outage_limits_nothing(monkeypatch):
    import core.caching.limits as limits

    dead = FailOpenRedisCache("redis://127.0.0.1:1/0", {})
    monkeypatch.setattr(limits, "cache", dead)
    try:
        with concurrency_slot("m", 1, 1), concurrency_slot("m", 1, 1):
            pass
        assert all(count_request("r", 1, "1/min") is None for _ in range(3))
    finally:
        reset_outage_state()
