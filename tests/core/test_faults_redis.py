"""Fault: Redis (broker and cache) cannot be reached, or accepts connections and never answers.

The API must keep answering reads (throttling uses the cache on every request), job submission
must fail with a clear 503 naming the job queue, within seconds, and nothing may be lost: the
submitted job stays recorded (FAILED, with the reason) and no half-done import reaches the
catalogue. Runs everywhere: the "unreachable" Redis is a closed port, the hung one a socket this
test opens and never answers.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from kombu import pools as kombu_pools
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from core.caching.backend import reset_outage_state
from core.models import Job, JobKind, JobStatus
from influencers.models import Creator
from tests.factories import AccountFactory, HistoryPointFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit (the enqueue) must really fire

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@contextmanager
def hung_redis():
    """A TCP server that accepts connections and never says anything (a hung or half-open Redis)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        server.close()


def _drop_pools(app) -> None:
    # Celery caches a connection pool on the app and a producer pool on app.amqp (as after a fork);
    # forget them so the next send picks the pools of the current URL. Never close them: kombu
    # keeps them in a global registry by URL, and the real broker's would stay closed for good.
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools in a process-wide registry keyed by connection: without a reset
    # the next producer for the same broker URL is the closed pool ("Acquire on closed pool").
    kombu_pools.reset()


@contextmanager
def broker_at(url: str, *, socket_timeout: float = 1.0):
    """Point the Celery app (and the settings the job runner reads) at `url` for the block."""
    from config.celery import app

    saved = (
        app.conf.broker_url,
        app.conf.broker_transport_options,
        app.conf.broker_connection_timeout,
        app.conf.task_always_eager,
    )
    app.conf.broker_url = url
    # Celery prefers the CELERY_BROKER_URL environment variable (set in CI) over its settings.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": socket_timeout}
    app.conf.broker_connection_timeout = 1
    app.conf.task_always_eager = False
    _drop_pools(app)  # pools are made per broker URL: drop those made for the real broker
    try:
        yield
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        _drop_pools(app)
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.broker_connection_timeout = saved[:3]
        app.conf.task_always_eager = saved[3]


@pytest.fixture
def editor_client(settings):
    """An API client with the token of an editor of the catalogue admin organisation, with the
    throttle on (it reads and writes the cache on every request) and the cache on dead Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {"BACKEND": "core.caching.backend.FailOpenRedisCache", "LOCATION": DEAD_REDIS}}
    settings.API_RESPONSE_CACHE_SECONDS = 300  # as in production with CACHE_URL: responses use the cache too
    membership = MembershipFactory(organization=OrganizationFactory(name=settings.ADMIN_ORGANIZATION_NAME))
    token, _ = Token.objects.get_or_create(user=membership.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    yield client
    reset_outage_state()


@pytest.fixture
def throttled(monkeypatch):
    # The test settings switch throttling off; production has it on, so the fault test does too.
    monkeypatch.setattr(APIView, "throttle_classes", [UserRateThrottle])


def _upload(client: APIClient):
    with (ROOT / "docs/examples/creators.csv").open("rb") as handle:
        return client.post("/api/imports/", {"file": handle}, format="multipart")


@pytest.mark.slow
def test_redis_down_reads_still_answer_and_submissions_are_a_clear_503(editor_client, throttled):
    from influencers.metrics.service import refresh_metrics

    accounts = AccountFactory.create_batch(3)
    for account in accounts:
        HistoryPointFactory(account=account, followers=10_000 + account.pk)
    refresh_metrics([account.pk for account in accounts])
    creators_before = Creator.objects.count()
    listing_before = editor_client.get("/api/creators/?sort=name")
    assert listing_before.status_code == 200 and listing_before.json()["count"] == 3
    assert cache.get("anything", "fallback") == "fallback"  # the cache really is the dead Redis

    with broker_at(DEAD_REDIS):
        started = time.monotonic()
        upload = _upload(editor_client)
        upload_seconds = time.monotonic() - started
        export = editor_client.post("/api/exports/", {"format": "csv", "filters": {}}, format="json")
        creators = editor_client.get("/api/creators/?sort=name")
        jobs = editor_client.get("/api/jobs/")
        health = editor_client.get("/api/health/")

    assert upload.status_code == 503, upload.content
    assert upload.json()["code"] == "service_unavailable"
    assert "job queue is unavailable" in upload.json()["detail"]
    assert upload_seconds < 5, f"a dead broker took {upload_seconds:.1f} s to report"
    assert export.status_code == 503, export.content

    # Reads keep working, throttle and all.
    assert creators.status_code == 200, creators.content
    assert creators.json() == listing_before.json()
    assert jobs.status_code == 200

    # Nothing lost: both submissions are recorded as FAILED with the reason, visible to the user...
    failed = {job["kind"]: job for job in jobs.json()["results"]}
    assert {JobKind.IMPORT, JobKind.EXPORT} <= set(failed)
    for kind in (JobKind.IMPORT, JobKind.EXPORT):
        job = Job.objects.get(kind=kind)
        assert job.status == JobStatus.FAILED
        assert "could not reach the job queue" in job.error
    # ...and nothing half-done reached the catalogue.
    assert Creator.objects.count() == creators_before

    assert health.status_code == 503
    assert health.json()["database"]["ok"] is True
    assert health.json()["broker"]["ok"] is False


@pytest.mark.slow
def test_hung_redis_fails_the_submission_within_the_socket_timeout(editor_client, throttled):
    with hung_redis() as url, broker_at(url, socket_timeout=1.0):
        started = time.monotonic()
        upload = _upload(editor_client)
        elapsed = time.monotonic() - started
        creators = editor_client.get("/api/creators/")
    assert upload.status_code == 503, upload.content
    assert elapsed < 10, f"a hung broker held the request for {elapsed:.1f} s"
    assert creators.status_code == 200
    assert Job.objects.get(kind=JobKind.IMPORT).status == JobStatus.FAILED


def test_plain_redis_cache_would_have_failed_every_request():
    """Guards the premise of the fail-open cache: Django's RedisCache raises when Redis is down."""
    import redis
    from django.core.cache.backends.redis import RedisCache

    from core.caching.backend import FailOpenRedisCache

    with pytest.raises(redis.ConnectionError):
        RedisCache(DEAD_REDIS, {}).get("key")
    fail_open = FailOpenRedisCache(DEAD_REDIS, {})
    assert fail_open.get("key", 7) == 7
    assert fail_open.add("key", 1) is False
    assert fail_open.get_many(["a", "b"]) == {}
    reset_outage_state()


@pytest.mark.celery_worker  # needs a real Redis (the one of CELERY_BROKER_URL, another database)
def test_cache_outage_costs_nothing_while_it_lasts_and_empties_the_cache_after(monkeypatch):
    """During an outage the cache is skipped (no timeout per call); afterwards entries written
    before it are gone, since writes made during it could not invalidate them."""
    import redis

    import core.caching.backend
    from core.caching.backend import FailOpenRedisCache

    broker = urlsplit(os.environ["CELERY_BROKER_URL"])
    database = (int(broker.path.strip("/") or 0) + 1) % 16
    cache_url = f"redis://{broker.hostname}:{broker.port or 6379}/{database}"
    fail_open = FailOpenRedisCache(cache_url, {})
    fail_open.set("vetted:test:answer", "computed before the outage")
    assert fail_open.get("vetted:test:answer") == "computed before the outage"

    calls = {"n": 0}
    client_class = type(fail_open._cache)  # the client class the backend really uses
    real_get_client = client_class.get_client

    def unreachable(self, key=None, *, write=False):
        calls["n"] += 1
        raise redis.ConnectionError("Error 111 connecting: Connection refused.")

    try:
        monkeypatch.setattr(client_class, "get_client", unreachable)
        assert fail_open.get("vetted:test:answer") is None
        for _ in range(20):  # within RETRY_AFTER_SECONDS: answered without touching Redis
            assert fail_open.get("vetted:test:answer", "miss") == "miss"
            fail_open.set("vetted:test:other", 1)
        assert calls["n"] == 1

        monkeypatch.setattr(client_class, "get_client", real_get_client)  # Redis is back...
        monkeypatch.setattr(core.caching.backend, "RETRY_AFTER_SECONDS", 0.0)
        fail_open._state["retry_at"] = 0.0  # ...and the skip window is over
        assert fail_open.get("vetted:test:answer") is None, "an entry from before the outage survived it"
        fail_open.set("vetted:test:answer", "fresh")
        assert fail_open.get("vetted:test:answer") == "fresh"
    finally:
        fail_open.delete("vetted:test:answer")
        reset_outage_state()
