"""End to end through a real broker: a Job enqueued on Redis is run by a separate Celery worker
process, which writes its result to the same database the test reads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.models import JobKind, JobStatus
from core.services.health import broker_health
from core.services.jobs import job_create, job_enqueue
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, AccountSnapshotFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VETTED_VAR_DIR": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "-Q",
                "default,heavy",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc, log
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_broker_health_reports_the_real_broker(real_broker):
    report = broker_health()
    assert report["ok"] is True, report
    assert report["mode"] == "broker"
    assert report["transport"] == "redis"


@pytest.mark.slow
def test_job_pushed_through_redis_is_run_by_a_worker_process(real_broker, worker):
    proc, log = worker
    account = AccountFactory()
    AccountSnapshotFactory(account=account, followers=12_345, date=timezone.localdate())
    job = job_create(kind=JobKind.METRICS, params={"account_ids": [account.pk]})
    job_enqueue(job)  # on_commit fires at once: this test runs outside a transaction

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished or proc.poll() is not None:
            break
        time.sleep(0.5)
    assert proc.poll() is None, f"worker exited early:\n{log.read_text()[-3000:]}"
    assert job.status == JobStatus.SUCCEEDED, f"{job.status} {job.error}\n{log.read_text()[-3000:]}"
    assert job.celery_task_id, "the job was not sent through the broker"
    assert AccountMetrics.objects.get(account=account).followers == 12_345
    assert f"{job.celery_task_id}" in log.read_text(), "the worker log does not show the task"
