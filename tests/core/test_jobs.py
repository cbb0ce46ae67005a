"""Jobs: the registry of kinds, the status transitions that make retried or duplicated tasks
harmless, and enqueueing on the kind's queue."""

from __future__ import annotations

import pytest

from core.errors import InvalidState
from core.models import Job, JobKind, JobStatus
from core.services import jobs
from core.services.jobs import (
    HEAVY_QUEUE,
    job_create,
    job_enqueue,
    job_fail,
    job_kind_registration,
    job_log,
    job_progress,
    job_start,
    job_submit,
    register_job_kind,
    run_job,
)

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


def counting_handler(job: Job) -> dict:
    CALLS.append(job.pk)
    job_progress(job=job, done=3, counts={"seen": 3})
    return {"answer": 42}


def failing_handler(job: Job) -> dict:
    raise ValueError("row 3, field 'followers': not a number")


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch):
    monkeypatch.setattr(jobs, "_registry", dict(jobs._registry))
    register_job_kind("test-ok", handler=f"{__name__}.counting_handler")
    register_job_kind("test-fail", handler=f"{__name__}.failing_handler")
    CALLS.clear()


def test_run_job_records_result_counts_and_timestamps():
    job = job_create(kind="test-ok")
    finished = run_job(job_id=job.pk)
    assert finished.status == JobStatus.SUCCEEDED
    assert finished.result == {"answer": 42}
    assert finished.counts == {"seen": 3}
    assert finished.started_at is not None and finished.finished_at >= finished.started_at
    assert finished.progress == 1.0


def test_a_succeeded_job_is_not_run_twice():
    job = job_create(kind="test-ok")
    run_job(job_id=job.pk)
    run_job(job_id=job.pk)
    assert CALLS == [job.pk]


def test_a_failing_handler_leaves_the_job_failed_with_its_message():
    job = job_create(kind="test-fail")
    with pytest.raises(ValueError):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "field 'followers'" in job.error


def test_a_failed_job_can_be_retried_and_counts_attempts():
    job = job_create(kind="test-fail")
    with pytest.raises(ValueError):
        run_job(job_id=job.pk)
    register_job_kind("test-fail", handler=f"{__name__}.counting_handler")
    finished = run_job(job_id=job.pk)
    assert finished.status == JobStatus.SUCCEEDED
    assert finished.attempts == 2
    assert finished.error == ""


def test_unknown_kind_fails_the_job_instead_of_leaving_it_running():
    job = job_create(kind="no-such-kind")
    with pytest.raises(InvalidState):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_start_refuses_a_succeeded_job():
    job = job_create(kind="test-ok")
    run_job(job_id=job.pk)
    with pytest.raises(InvalidState):
        job_start(job_id=job.pk)


def test_fail_does_not_overwrite_success():
    job = job_create(kind="test-ok")
    run_job(job_id=job.pk)
    job_fail(job_id=job.pk, error="late errback")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_progress_is_share_of_total_while_running():
    job = job_start(job_id=job_create(kind=JobKind.IMPORT).pk, total=8)
    job_progress(job=job, done=2)
    job.refresh_from_db()
    assert job.progress == pytest.approx(0.25)
    job_log(job=job, message="halfway")
    job.refresh_from_db()
    assert job.log.endswith("halfway\n")


def test_enqueue_runs_eagerly_after_commit(django_capture_on_commit_callbacks):
    job = job_create(kind="test-ok")
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job)
        assert CALLS == []  # nothing runs before the transaction commits
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and CALLS == [job.pk]


def test_enqueue_refuses_jobs_that_are_not_pending():
    job = job_create(kind="test-ok")
    run_job(job_id=job.pk)
    job.refresh_from_db()
    with pytest.raises(InvalidState):
        job_enqueue(job)


def test_broker_down_marks_the_job_failed_and_says_the_queue_is_unavailable(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    # The real "Redis unreachable" case runs in tests/core/test_faults_redis.py; here the
    # broker's refusal is simulated where kombu raises it, so the test needs no broker.
    from kombu.exceptions import OperationalError

    from core.errors import ServiceUnavailable
    from core.tasks import run_job_task

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(run_job_task, "apply_async", refuse)
    job = job_create(kind="test-ok")
    with pytest.raises(ServiceUnavailable):
        with django_capture_on_commit_callbacks(execute=True):
            job_enqueue(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "job queue" in job.error and "Connection refused" in job.error
    assert CALLS == []


def test_every_job_kind_is_registered_by_its_app_with_a_handler_that_exists():
    from importlib import import_module

    for kind in JobKind:
        registration = job_kind_registration(kind)
        module_name, _, attr = registration.handler.rpartition(".")
        assert callable(getattr(import_module(module_name), attr)), kind


def test_heavy_kinds_are_sent_to_the_heavy_queue_and_the_rest_to_default(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from core.tasks import run_job_task

    sent: list[tuple[str, str]] = []

    def record(args, retry, queue):
        sent.append((Job.objects.get(pk=args[0]).kind, queue))
        return type("Result", (), {"id": "task-id"})()

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(run_job_task, "apply_async", record)
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (JobKind.EXPORT, JobKind.EMBED, JobKind.INDEX, JobKind.IMPORT, JobKind.WATCH):
            job_submit(kind=kind)
    assert sent == [
        (JobKind.EXPORT, HEAVY_QUEUE),
        (JobKind.EMBED, HEAVY_QUEUE),
        (JobKind.INDEX, HEAVY_QUEUE),
        (JobKind.IMPORT, "default"),
        (JobKind.WATCH, "default"),
    ]
    assert set(Job.objects.values_list("celery_task_id", flat=True)) == {"task-id"}
