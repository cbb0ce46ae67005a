"""Job lifecycle: create, start, report progress, finish or fail.

Transitions are guarded so a Celery task that is retried or delivered twice cannot run a
finished job again: `job_start` refuses jobs that already succeeded. A handler whose work other
jobs finish returns `HandedOver`: its job stays RUNNING until one of them ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from influencers.errors import InvalidState
from influencers.models import Job, JobKind, JobStatus
from influencers.models.jobs import FINISHED_STATUSES

LOG_LIMIT = 200_000  # characters kept in Job.log; the head of a long log is dropped


@dataclass(frozen=True)
class HandedOver:
    """A handler's answer when other jobs finish its work (an EMBED coordinator out of time leaves
    its batches to batch jobs): the job stays RUNNING with this result until one of them calls
    `job_succeed` or `job_fail` on it."""

    result: dict[str, Any]


def job_create(*, kind: JobKind | str, params: dict[str, Any] | None = None, organization=None, user=None) -> Job:
    """A new PENDING job row."""
    return Job.objects.create(
        kind=kind, params=params or {}, organization=organization, created_by=user if user and user.pk else None
    )


def job_start(*, job_id: int, total: int = 0) -> Job:
    """Mark a job RUNNING. A job that already succeeded or was cancelled is refused, so a
    duplicate delivery is a no-op; a FAILED or RUNNING job may be restarted (retry, crash)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status in (JobStatus.SUCCEEDED, JobStatus.CANCELLED):
            raise InvalidState(f"job {job_id} is already {job.status}")
        job.status = JobStatus.RUNNING
        job.total = total or job.total
        job.attempts = F("attempts") + 1
        job.started_at = job.started_at or timezone.now()
        job.error = ""
        job.finished_at = None
        job.save()
    job.refresh_from_db()
    return job


def job_set_total(*, job: Job, total: int) -> None:
    job.total = total
    Job.objects.filter(pk=job.pk).update(total=total)


def job_progress(*, job: Job, done: int, counts: dict[str, Any] | None = None) -> None:
    """Record how much is done (cheap single UPDATE; safe to call often)."""
    job.done = done
    fields: dict[str, Any] = {"done": done}
    if counts is not None:
        job.counts = counts
        fields["counts"] = counts
    Job.objects.filter(pk=job.pk).update(**fields)


def job_log(*, job: Job, message: str) -> None:
    """Append a timestamped line to the job's log."""
    line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {message}\n"
    job.log = (job.log + line)[-LOG_LIMIT:]
    Job.objects.filter(pk=job.pk).update(log=job.log)


def job_succeed(*, job: Job, counts: dict[str, Any] | None = None, result: dict[str, Any] | None = None) -> Job:
    job.status = JobStatus.SUCCEEDED
    job.done = max(job.done, job.total)
    if counts is not None:
        job.counts = counts
    if result is not None:
        job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "counts", "result", "finished_at"])
    return job


def job_hand_over(*, job: Job, result: dict[str, Any]) -> Job:
    """Record the result so far of a job that other jobs will finish; it stays RUNNING. A job
    they already finished meanwhile is left as it is."""
    # Only the result: progress and counts are the other jobs' to write by now (writing back what
    # was read here could move their progress backwards).
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(result=result)
    job.refresh_from_db()
    return job


def job_fail(*, job_id: int, error: str) -> Job:
    """Mark a job FAILED with the error shown to users. Finished jobs are left alone."""
    job = Job.objects.get(pk=job_id)
    if job.status in FINISHED_STATUSES and job.status != JobStatus.FAILED:
        return job
    job.status = JobStatus.FAILED
    job.error = error[:10_000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def progress_reporter(job: Job, *, every: int = 1) -> Callable[[int], None]:
    """A callback(done) for services that report progress, writing at most every `every` items."""
    last = {"done": -every}

    def report(done: int) -> None:
        if done - last["done"] >= every or done >= job.total:
            last["done"] = done
            job_progress(job=job, done=done)

    return report
