"""End to end through a real broker: a Job enqueued on Redis is run by a separate Celery worker
process, which writes its result to the same database the test reads."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from core.models import JobKind, JobStatus
from core.services.health import broker_health
from core.services.jobs import job_create, job_enqueue
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, HistoryPointFactory
from tests.workers import start_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    started = start_worker(tmp_path, name="jobs")
    try:
        yield started
    finally:
        started.stop()


def test_broker_health_reports_the_real_broker(real_broker):
    report = broker_health()
    assert report["ok"] is True, report
    assert report["mode"] == "broker"
    assert report["transport"] == "redis"


@pytest.mark.slow
def test_job_pushed_through_redis_is_run_by_a_worker_process(real_broker, worker):
    proc, log = worker.proc, worker.log
    account = AccountFactory()
    HistoryPointFactory(account=account, followers=12_345, date=timezone.localdate())
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
