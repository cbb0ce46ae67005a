"""Runs a Job by its kind, and enqueues jobs on Celery after the transaction commits.

Every long operation is a `Job` row plus one handler `handler(job) -> dict | None` (the
returned dict becomes `job.result`; `HandedOver(result)` leaves the job RUNNING for other jobs
to finish). Handlers are named here by dotted path so this module
imports nothing heavy (torch, faiss) until a job of that kind actually runs.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any, Callable

from django.conf import settings
from django.db import transaction

from influencers.errors import InvalidState, ServiceUnavailable
from influencers.models import Job, JobKind, JobStatus
from influencers.services.jobs import HandedOver, job_fail, job_hand_over, job_start, job_succeed

logger = logging.getLogger(__name__)

JOB_HANDLERS: dict[str, str] = {
    JobKind.IMPORT: "influencers.services.imports.run_import_job",
    JobKind.SEED: "influencers.services.demo.run_seed_job",
    JobKind.METRICS: "influencers.services.metrics.run_metrics_job",
    JobKind.EXPORT: "influencers.services.exports.run_export_job",
    JobKind.REFRESH: "influencers.services.refresh.run_refresh_job",
    JobKind.WATCH: "influencers.services.monitoring.run_watch_job",
    JobKind.SCORE: "influencers.services.vetting.run_scoring_job",
}


# Kinds whose work is CPU- or memory-heavy go to the "heavy" Celery queue (its own workers, see
# docs/deploy.md), so a long export or embedding run never delays an import or an alert.
HEAVY_JOB_KINDS = frozenset({JobKind.EXPORT, JobKind.EMBED, JobKind.INDEX})


def register_job_handler(kind: str, dotted_path: str) -> None:
    """Let another app (vision, exports, connectors) declare the handler of its job kind."""
    JOB_HANDLERS[kind] = dotted_path


def _handler_for(kind: str) -> Callable[[Job], dict[str, Any] | HandedOver | None]:
    try:
        dotted = JOB_HANDLERS[kind]
    except KeyError as exc:
        raise InvalidState(f"no handler for jobs of kind {kind!r}") from exc
    module_name, _, attr = dotted.rpartition(".")
    return getattr(import_module(module_name), attr)


def run_job(*, job_id: int) -> Job:
    """Run one job to completion in this process. A job that already succeeded is returned as
    it is (duplicate deliveries are harmless); an error marks it FAILED and is re-raised."""
    try:
        job = job_start(job_id=job_id)
    except InvalidState:
        return Job.objects.get(pk=job_id)
    try:
        result = _handler_for(job.kind)(job)
    except Exception as exc:
        job_fail(job_id=job.pk, error=str(exc) or type(exc).__name__)
        raise
    job.refresh_from_db(fields=["counts", "log", "done", "total"])
    if isinstance(result, HandedOver):
        return job_hand_over(job=job, result=result.result)
    return job_succeed(job=job, result=result if result is not None else job.result)


def enqueue_job(job: Job) -> Job:
    """Send a PENDING job to Celery once the surrounding transaction commits.

    In eager mode (no broker) the job runs in-process at commit. With a broker that cannot be
    reached the job is marked FAILED and ServiceUnavailable is raised (the API answers 503).
    """
    from influencers.tasks import run_job_task

    if job.status != JobStatus.PENDING:
        raise InvalidState(f"job {job.pk} is {job.status}, only pending jobs can be enqueued")

    def send() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # In-process: the job row records any failure; the caller is not interrupted.
            try:
                run_job(job_id=job.pk)
            except Exception:  # noqa: BLE001
                logger.exception("job %s failed", job.pk)
            return
        try:
            queue = {"queue": "heavy"} if job.kind in HEAVY_JOB_KINDS else {}
            result = run_job_task.apply_async(args=[job.pk], retry=False, **queue)
        except Exception as exc:  # broker down: kombu raises OperationalError and friends
            job_fail(job_id=job.pk, error=f"could not reach the job queue: {exc}")
            raise ServiceUnavailable("the job queue is unavailable, try again shortly") from exc
        Job.objects.filter(pk=job.pk).update(celery_task_id=result.id or "")

    transaction.on_commit(send, robust=False)
    return job
