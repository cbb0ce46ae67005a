"""Fault: the Redis that is broker and cache really dies (SIGKILL) while a job is queued or
running, and comes back. Each test starts its own `redis-server` on a free port and kills it.

- Queued, Redis restarted **without** its data (no persistence, the Debian default between
  snapshots): the message is gone; `jobs_recover_lost` (beat, every 5 minutes) finds the PENDING
  job missing from the broker and sends it again; the worker runs it once.
- Queued, Redis with AOF (`appendonly yes`, docs/deploy.md section 3): the message survives the
  kill and the reconnected worker runs the job with no help.
- Running: the worker goes on with the job through the outage (the job's row records it), the
  cache fails open and is emptied when Redis is back, the worker reconnects, and the next job
  runs too.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from config.celery import app as celery_app
from core.caching.backend import RETRY_AFTER_SECONDS
from core.models import Job, JobKind, JobStatus
from core.services.jobs import broker_task_ids, job_submit, jobs_recover_lost
from influencers.models import Creator
from tests.core.test_faults_redis import _drop_pools, broker_at
from tests.workers import start_worker, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


class RedisServer:
    """A redis-server of this test, on its own port; `kill()` is SIGKILL (no shutdown save)."""

    def __init__(self, workdir: Path, *, persistent: bool) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.workdir = workdir
        self.persistent = persistent
        workdir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.start()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *persistence],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def queued(self, queue: str = "default") -> int:
        import redis

        return int(redis.Redis(port=self.port).llen(queue))


@pytest.fixture
def make_redis(tmp_path):
    servers: list[RedisServer] = []

    def make(*, persistent: bool) -> RedisServer:
        server = RedisServer(tmp_path / f"redis-{len(servers)}", persistent=persistent)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.kill()


@pytest.fixture
def eager_off(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    celery_app.conf.task_always_eager = True


# Accounts of the job Redis dies under: it must outlast the two-second outage by a margin on a
# fast machine (6,000 ended inside a three-second one once the import got faster: ~2,400 accounts/s
# end to end for this CSV here).
BIG_JOB = 12_000


def _catalogue(path: Path, rows: int, *, first: int = 0) -> Path:
    lines = ["creator_name,platform,handle,followers,snapshot_date"]
    lines += [f"Creator {i},instagram,fault{i},{1000 + i},2026-11-01" for i in range(first, first + rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _worker(tmp_path: Path, redis: RedisServer, name: str):
    env = {"CELERY_BROKER_URL": redis.url(0), "CACHE_URL": redis.url(1), "CELERY_VISIBILITY_TIMEOUT": "30"}
    return start_worker(tmp_path / name, name=name, queues=("default", "heavy"), env=env)


def _status(job: Job) -> str:
    return Job.objects.get(pk=job.pk).status


def test_the_recovery_finds_exactly_the_jobs_the_broker_lost(make_redis, eager_off, tmp_path):
    redis = make_redis(persistent=False)
    with broker_at(redis.url()):
        kept = job_submit(kind=JobKind.IMPORT, params={"path": str(_catalogue(tmp_path / "a.csv", 3))})
        assert redis.queued() == 1 and {Job.objects.get(pk=kept.pk).celery_task_id} <= broker_task_ids()
        assert jobs_recover_lost(older_than_seconds=0, recheck_after=0) == []  # its message is there

        import redis as redis_client

        redis_client.Redis(port=redis.port).flushall()  # what a restart without persistence does
        assert jobs_recover_lost(older_than_seconds=3600, recheck_after=0) == []  # too recent to judge
        assert jobs_recover_lost(older_than_seconds=0, recheck_after=0) == [kept.pk]
        assert redis.queued() == 1 and _status(kept) == JobStatus.PENDING
        assert "sent again: the job queue had lost its message" in Job.objects.get(pk=kept.pk).log
        assert jobs_recover_lost(older_than_seconds=0, recheck_after=0) == []  # sent once, not twice


def test_a_queued_job_lost_with_redis_is_recovered_and_runs_once(make_redis, eager_off, tmp_path):
    redis = make_redis(persistent=False)
    with broker_at(redis.url()):
        job = job_submit(kind=JobKind.IMPORT, params={"path": str(_catalogue(tmp_path / "c.csv", 40))})
        assert redis.queued() == 1
        redis.kill()  # the job's message dies with it
        redis.start()
        _drop_pools(celery_app)
        assert redis.queued() == 0
        worker = _worker(tmp_path, redis, "after-restart")
        try:
            time.sleep(3)
            assert _status(job) == JobStatus.PENDING  # nobody will ever run it on their own...
            assert jobs_recover_lost(older_than_seconds=0) == [job.pk]  # ...until the recovery sends it again
            assert wait_for(lambda: _status(job) == JobStatus.SUCCEEDED, timeout=120, alive=worker), worker.tail()
        finally:
            worker.stop()
    finished = Job.objects.get(pk=job.pk)
    assert finished.attempts == 1 and Creator.objects.count() == 40
    assert finished.result["accounts"] == 40


def test_a_queued_job_survives_a_killed_redis_with_aof(make_redis, eager_off, tmp_path):
    redis = make_redis(persistent=True)
    with broker_at(redis.url()):
        job = job_submit(kind=JobKind.IMPORT, params={"path": str(_catalogue(tmp_path / "c.csv", 25))})
        assert redis.queued() == 1
        redis.kill()
        redis.start()
        _drop_pools(celery_app)
        assert redis.queued() == 1  # the append-only file kept it
        worker = _worker(tmp_path, redis, "aof")
        try:
            assert wait_for(lambda: _status(job) == JobStatus.SUCCEEDED, timeout=120, alive=worker), worker.tail()
        finally:
            worker.stop()
    assert Creator.objects.count() == 25 and Job.objects.get(pk=job.pk).attempts == 1


def test_a_running_job_finishes_through_a_redis_outage_and_the_worker_comes_back(make_redis, eager_off, tmp_path):
    redis = make_redis(persistent=False)
    with broker_at(redis.url()):
        worker = _worker(tmp_path, redis, "through-outage")
        try:
            job = job_submit(kind=JobKind.IMPORT, params={"path": str(_catalogue(tmp_path / "big.csv", BIG_JOB))})
            assert wait_for(lambda: _status(job) == JobStatus.RUNNING, timeout=60, alive=worker), worker.tail()
            redis.kill()  # broker and cache gone while the job runs
            time.sleep(2)
            assert _status(job) == JobStatus.RUNNING and worker.proc.poll() is None
            redis.start()  # back, empty
            _drop_pools(celery_app)
            assert wait_for(lambda: _status(job) == JobStatus.SUCCEEDED, timeout=240, alive=worker), worker.tail()
            # Nothing lost: every account is there once.
            assert Creator.objects.count() == BIG_JOB
            # The worker reconnected: a job sent after the outage runs too. Sent once the cache's
            # pause after its last failure is surely over: within it the cache is skipped, not
            # emptied (on a fast machine the first job ended inside it). New creators, so the job
            # changes the catalogue and uses the cache (an import that changes nothing does not),
            # which empties it first.
            time.sleep(RETRY_AFTER_SECONDS)
            next_file = _catalogue(tmp_path / "next.csv", 5, first=BIG_JOB)
            after = job_submit(kind=JobKind.IMPORT, params={"path": str(next_file)})
            assert wait_for(lambda: _status(after) == JobStatus.SUCCEEDED, timeout=120, alive=worker), worker.tail()
            assert Creator.objects.count() == BIG_JOB + 5
            log = worker.tail(20_000)
        finally:
            worker.stop()
    finished = Job.objects.get(pk=job.pk)
    assert finished.attempts == 1 and finished.result["accounts"] == BIG_JOB
    assert "Connection to broker lost" in log or "cache unavailable" in log
    # When the job used the cache while Redis was down (every quiet run here; under load it may sit
    # between cache calls for the whole outage, and then there is nothing to empty), the cache
    # failed open and was emptied after.
    if "cache unavailable" in log:
        assert "cache reachable again: emptied it" in log
