"""Jobs, all of them: create, enqueue, run, and the lifecycle a handler reports through.

Every long operation (import, embedding, index build, scoring, export, refresh, watch
evaluation) is a `Job` row plus one handler `handler(job) -> dict | HandedOver | None`, which
the app owning the kind registers in its AppConfig.ready (`register_job_kind`) by dotted path,
so nothing heavy (torch, faiss) is imported until a job of that kind runs. The registration also
names the Celery queue: CPU- or memory-heavy kinds go to "heavy" (its own workers, see
docs/deploy.md), so a long export or embedding run never delays an import or an alert.

One way in: `job_create` then `job_enqueue` (or `job_submit`, both at once). The job is sent to
the one Celery task (`core.tasks.run_job_task`) when the transaction commits, or run in-process
at commit without a broker (eager mode). Transitions are guarded so a task that is retried or
delivered twice cannot run a finished job again: `job_start` refuses jobs that already
succeeded. A handler whose work other jobs finish returns `HandedOver`: its job stays RUNNING
until one of them ends it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import InvalidState, ServiceUnavailable, VettedError
from core.messages import JOB_FAILED_UNEXPECTEDLY, JOB_QUEUE_UNREACHABLE, Message
from core.models import FINISHED_STATUSES, Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

LOG_LIMIT = 200_000  # characters kept in Job.log; the head of a long log is dropped


@dataclass(frozen=True)
class HandedOver:
    """A handler's answer when other jobs finish its work (an EMBED coordinator out of time leaves
    its batches to batch jobs): the job stays RUNNING with this result until one of them calls
    `job_succeed` or `job_fail` on it."""

    result: dict[str, Any]


@dataclass(frozen=True)
class JobKindRegistration:
    """How jobs of one kind run: the handler's dotted path and the Celery queue they go to."""

    handler: str
    queue: str


DEFAULT_QUEUE = "default"
HEAVY_QUEUE = "heavy"
_registry: dict[str, JobKindRegistration] = {}


def register_job_kind(kind: JobKind | str, *, handler: str, queue: str = DEFAULT_QUEUE) -> None:
    """Declare the handler (dotted path) of a job kind and its queue; called by the app that owns
    the kind, in its AppConfig.ready."""
    _registry[str(kind)] = JobKindRegistration(handler=handler, queue=queue)


def job_kind_registration(kind: JobKind | str) -> JobKindRegistration:
    try:
        return _registry[str(kind)]
    except KeyError as exc:
        raise InvalidState(f"no handler for jobs of kind {kind!r}") from exc


def job_create(
    *,
    kind: JobKind | str,
    params: dict[str, Any] | None = None,
    organization: Any = None,
    user: Any = None,
    total: int = 0,
) -> Job:
    """A new PENDING job row."""
    return Job.objects.create(
        kind=kind,
        params=params or {},
        organization=organization,
        created_by=user if user and user.pk else None,
        total=total,
    )


def job_enqueue(job: Job) -> Job:
    """Send a PENDING job to its queue once the surrounding transaction commits.

    In eager mode (no broker) the job runs in-process at commit. With a broker that cannot be
    reached the job is marked FAILED and ServiceUnavailable is raised (the API answers 503).
    """
    from core.tasks import run_job_task

    if job.status != JobStatus.PENDING:
        raise InvalidState(f"job {job.pk} is {job.status}, only pending jobs can be enqueued")
    queue = job_kind_registration(job.kind).queue

    def send() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # In-process: the job row records any failure; the caller is not interrupted.
            try:
                run_job(job_id=job.pk)
            except Exception:
                logger.exception("job %s failed", job.pk)
            return
        try:
            result = run_job_task.apply_async(args=[job.pk], retry=False, queue=queue)
        except Exception as exc:  # broker down: kombu raises OperationalError and friends
            job_fail(job_id=job.pk, error=f"could not reach the job queue: {exc}", message=JOB_QUEUE_UNREACHABLE())
            raise ServiceUnavailable("the job queue is unavailable, try again shortly") from exc
        Job.objects.filter(pk=job.pk).update(celery_task_id=result.id or "")

    transaction.on_commit(send, robust=False)
    return job


def job_submit(
    *,
    kind: JobKind | str,
    params: dict[str, Any] | None = None,
    organization: Any = None,
    user: Any = None,
    total: int = 0,
) -> Job:
    """Create a job and enqueue it (sent when the surrounding transaction commits)."""
    job = job_create(kind=kind, params=params, organization=organization, user=user, total=total)
    return job_enqueue(job)


def run_job(*, job_id: int) -> Job:
    """Run one job to completion in this process. A job that already succeeded is returned as
    it is (duplicate deliveries are harmless); an error marks it FAILED and is re-raised."""
    try:
        job = job_start(job_id=job_id)
    except InvalidState:
        return Job.objects.get(pk=job_id)
    try:
        module_name, _, attr = job_kind_registration(job.kind).handler.rpartition(".")
        result = getattr(import_module(module_name), attr)(job)
    except Exception as exc:
        job_fail(job_id=job.pk, error=str(exc) or type(exc).__name__, message=failure_message(exc))
        raise
    job.refresh_from_db(fields=["counts", "log", "done", "total"])
    if isinstance(result, HandedOver):
        return job_hand_over(job=job, result=result.result)
    return job_succeed(job=job, result=result if result is not None else job.result)


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
        job.result = {k: v for k, v in (job.result or {}).items() if k != "error_message"}
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


def job_phase(*, job: Job, name: str, step: int, steps: int, done: int, total: int) -> None:
    """Say which phase of a job in several phases runs now — `name` (the English name, which
    the faces translate), the `step`-th of `steps` — and how far it got (`done` of `total`);
    kept as result["phase"] (`Job.phase`) until the job's result replaces it. The job's own
    done/total then counts every phase as `total` units, so its bar keeps moving through the
    phases and never stands at 100% while one still runs."""
    phase = {"name": name, "step": step, "steps": steps, "done": done, "total": total}
    job.result = {**(job.result or {}), "phase": phase}
    job.total = steps * total
    job.done = (step - 1) * total + done
    Job.objects.filter(pk=job.pk).update(result=job.result, total=job.total, done=job.done)


def job_log(*, job: Job, message: str | Message) -> None:
    """Append a timestamped line to the job's log. A Message is written as its JSON form (one
    line), which the faces word in the reader's language (`core.selectors.jobs.job_log_lines`);
    a plain string stays as it is (lines of the CLI, and logs written before messages)."""
    text = json.dumps(message.as_dict(), ensure_ascii=False) if isinstance(message, Message) else message
    line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {_storable(text)}\n"
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


def _storable(text: str) -> str:
    """`text` as a text column takes it everywhere: a NUL (quoted from bad input in a message)
    would make PostgreSQL refuse the row, leaving the job RUNNING for ever."""
    return text.replace("\x00", "\\x00")


def job_fail(*, job_id: int, error: str, message: Message | None = None) -> Job:
    """Mark a job FAILED. `error` is the full technical text (admins, the CLI, the API's `error`);
    `message`, when given, what the web pages show people instead, in their language (kept as
    `result["error_message"]`). Finished jobs are left alone."""
    job = Job.objects.get(pk=job_id)
    if job.status in FINISHED_STATUSES and job.status != JobStatus.FAILED:
        return job
    job.status = JobStatus.FAILED
    job.error = _storable(error)[:10_000]
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    result = {k: v for k, v in (job.result or {}).items() if k != "error_message"}
    if message is not None:
        result["error_message"] = message.as_dict()
    if result != (job.result or {}):
        job.result = result
        fields.append("result")
    job.save(update_fields=fields)
    return job


def failure_message(exc: BaseException) -> Message | None:
    """What a person is told about a job that failed on `exc`: the domain error's own message when
    it has one; None for a domain error worded only in English (its text is shown); for anything
    else (a bug, a lost connection) a sentence that names no exception and no server path."""
    if isinstance(exc, VettedError):
        return exc.message
    return JOB_FAILED_UNEXPECTEDLY()


def job_run_here(job: Job, work: Callable[[Job], dict[str, Any]]) -> tuple[Job, dict[str, Any]]:
    """Run `work(job)` for a new job in this process (a management command drawing its own
    progress): the job is started, then marked FAILED with the error (re-raised) or SUCCEEDED
    with what `work` returned. Returns the finished job and that result."""
    job = job_start(job_id=job.pk)
    try:
        result = work(job)
    except Exception as exc:
        job_fail(job_id=job.pk, error=str(exc) or type(exc).__name__, message=failure_message(exc))
        raise
    job.refresh_from_db(fields=["counts", "log", "done", "total"])
    return job_succeed(job=job, result=result), result


def progress_reporter(job: Job, *, every: int = 1) -> Callable[[int], None]:
    """A callback(done) for services that report progress, writing at most every `every` items."""
    last = {"done": -every}

    def report(done: int) -> None:
        if done - last["done"] >= every or done >= job.total:
            last["done"] = done
            job_progress(job=job, done=done)

    return report


# --- recovery: jobs whose message the broker lost -------------------------------------------------


def broker_task_ids() -> set[str] | None:
    """Ids of every task message the broker holds: waiting in a queue or delivered and not yet
    acknowledged. None when the broker cannot be read (not Redis, or down): then nothing may be
    judged lost."""
    from celery import current_app

    queues = {registration.queue for registration in _registry.values()} | {DEFAULT_QUEUE, HEAVY_QUEUE}
    try:
        with current_app.connection_for_write() as connection:
            channel = connection.default_channel
            client = getattr(channel, "client", None)
            if client is None or not hasattr(channel, "_q_for_pri"):
                return None  # not the Redis transport
            ids: set[str] = set()
            raw: list[bytes] = []
            for queue in queues:
                for priority in channel.priority_steps:
                    raw.extend(client.lrange(channel._q_for_pri(queue, priority), 0, -1))
            for value in client.hvals(channel.unacked_key):
                raw.append(value)
    except Exception:
        logger.warning("could not read the broker's queues; no job is recovered now", exc_info=True)
        return None
    for item in raw:
        try:
            message = json.loads(item)
            if isinstance(message, list):  # unacked: [message, exchange, routing key]
                message = message[0]
            ids.add(str(message["headers"]["id"]))
        except (ValueError, KeyError, TypeError, IndexError):
            continue
    return ids


def jobs_recover_lost(*, older_than_seconds: float | None = None, recheck_after: float = 1.0) -> list[int]:
    """Send again the PENDING jobs whose message is no longer in the broker: a Redis that
    restarted without its data (no AOF, or its last writes not yet on disk) forgets the jobs it
    was holding, and they would stay PENDING for ever. Only jobs sent at least
    `older_than_seconds` ago (JOB_RECOVER_AFTER_SECONDS) are considered, and a job is sent again
    only when its message is missing twice, `recheck_after` seconds apart (a worker taking a
    message moves it from the queue to the unacknowledged set, never both at once). Returns the
    ids of the jobs sent again. Run every few minutes by beat (`core.tasks.recover_lost_jobs`)."""
    from core.tasks import run_job_task

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []  # no broker: nothing can have been lost
    age = float(
        getattr(settings, "JOB_RECOVER_AFTER_SECONDS", 600) if older_than_seconds is None else older_than_seconds
    )
    cutoff = timezone.now() - dt.timedelta(seconds=age)
    candidates = list(
        Job.objects.filter(status=JobStatus.PENDING, created_at__lte=cutoff).exclude(celery_task_id="").order_by("pk")
    )
    if not candidates:
        return []
    held = broker_task_ids()
    if held is None:
        return []
    suspects = [job for job in candidates if job.celery_task_id not in held]
    if not suspects:
        return []
    time.sleep(recheck_after)
    held_again = broker_task_ids()
    if held_again is None:
        return []
    recovered: list[int] = []
    for job in suspects:
        if job.celery_task_id in held_again:
            continue
        if not Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).exists():
            continue  # a worker started it meanwhile
        queue = job_kind_registration(job.kind).queue
        try:
            # Retried briefly (unlike a submission from a request, nobody waits here): the
            # producer's connection may still be the one the restart broke.
            result = run_job_task.apply_async(
                args=[job.pk],
                queue=queue,
                retry=True,
                retry_policy={"max_retries": 3, "interval_start": 0.5, "interval_step": 0.5},
            )
        except Exception:
            logger.warning("could not send lost job %s again", job.pk, exc_info=True)
            break
        Job.objects.filter(pk=job.pk).update(celery_task_id=result.id or "")
        job_log(job=job, message="sent again: the job queue had lost its message (Redis restarted without its data)")
        logger.warning("job %s was lost by the broker; sent again as task %s", job.pk, result.id)
        recovered.append(job.pk)
    return recovered
