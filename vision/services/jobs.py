"""Embedding and index jobs: the handlers the job runner calls, and how they are enqueued.

EMBED job params: {"account_ids": [...] (optional, default all), "retry_failed": bool}
    embeds pending assets in batches (progress = images done / pending), then syncs the index
    and refreshes the aesthetic profiles of the accounts whose vectors changed.
INDEX job params: {"mode": "sync" | "rebuild", "reason": str}
    "sync" applies the database/index difference (rebuilding when needed), "rebuild" always
    rebuilds from stored vectors; both refresh the profiles of touched accounts.

Vision jobs go to the Celery task `vision.tasks.run_vision_job` (routed to the "heavy" queue by
CELERY_TASK_ROUTES, so a worker must consume it: `celery -A config worker -Q default,heavy`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from influencers.errors import InvalidState, ServiceUnavailable
from influencers.models import Job, JobKind, JobStatus
from influencers.services.jobs import job_fail, job_log, job_progress, job_set_total

logger = logging.getLogger(__name__)


def vision_job_enqueue(job: Job) -> Job:
    """Send a PENDING vision job to Celery once the transaction commits (in-process when eager)."""
    from influencers.services.job_runner import enqueue_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return enqueue_job(job)
    if job.status != JobStatus.PENDING:
        raise InvalidState(f"job {job.pk} is {job.status}, only pending jobs can be enqueued")
    from vision.tasks import run_vision_job

    def send() -> None:
        try:
            result = run_vision_job.apply_async(args=[job.pk], retry=False)
        except Exception as exc:  # broker down
            job_fail(job_id=job.pk, error=f"could not reach the job queue: {exc}")
            raise ServiceUnavailable("the job queue is unavailable, try again shortly") from exc
        Job.objects.filter(pk=job.pk).update(celery_task_id=result.id or "")

    transaction.on_commit(send, robust=False)
    return job


def embed_request_job(*, account_ids: list[int] | None = None, reason: str = "") -> Job | None:
    """Enqueue an EMBED job unless one is already waiting (it will pick up every pending asset)."""
    if Job.objects.filter(kind=JobKind.EMBED, status=JobStatus.PENDING).exists():
        return None
    params: dict[str, Any] = {"reason": reason}
    if account_ids:
        params["account_ids"] = sorted(set(account_ids))
    job = Job.objects.create(kind=JobKind.EMBED, params=params)
    vision_job_enqueue(job)
    return job


def run_embed_job(job: Job) -> dict[str, Any]:
    """Handler of EMBED jobs."""
    from vision.services.embedding import embed_pending_assets

    counts: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if job.total != total:
            job_set_total(job=job, total=total)
        job_progress(job=job, done=done)

    embedded = embed_pending_assets(
        progress=progress,
        account_ids=job.params.get("account_ids") or None,
        retry_failed=bool(job.params.get("retry_failed")),
        report=counts,
    )
    job_log(job=job, message=f"embedded {embedded} image(s); index {counts.get('index', {}).get('action', '-')}")
    return {"embedded": embedded, **counts}


def run_index_job(job: Job) -> dict[str, Any]:
    """Handler of INDEX jobs."""
    from vision.services.index import index_build, index_sync
    from vision.services.profiles import profile_refresh, profiles_refresh_all

    embedder_id = job.params.get("embedder_id") or None
    if job.params.get("mode") == "rebuild":
        index = index_build(embedder_id=embedder_id)
        refreshed = profiles_refresh_all(embedder_id=embedder_id)
        result = {"action": "rebuilt" if index else "empty", "count": index.count if index else 0, "profiles": refreshed}
    else:
        result = index_sync(embedder_id=embedder_id)
        result["profiles"] = profile_refresh(account_ids=result.pop("account_ids"), embedder_id=embedder_id)
    job_log(job=job, message=f"index {result['action']}: {result.get('count', 0)} vectors")
    return result
