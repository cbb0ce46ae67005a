"""Embedding spread over several workers: an EMBED job's backlog split into asset-id batches.

The coordinating EMBED job splits the assets pending for its embedder into batches of at most
`batch_assets` consecutive pending ids (`embed_batches_plan`), enqueues one batch job per batch
when a broker is configured (`embed_batch_jobs_enqueue`), then claims and embeds whatever batch no
other worker has taken, waits for the batches other workers hold, and syncs the index once.

Why it cannot lose or duplicate work:
- a batch is claimed by a conditional UPDATE (free, already ours, or stalled), so one job embeds it
  at a time; a worker that finds its claim taken over stops after its current model batch;
- embedding only picks assets without a vector, and (asset, embedder) is unique: a retried or
  duplicated batch writes nothing twice;
- the coordinator never waits on a batch nobody works on (it takes those itself), so a single
  heavy worker with concurrency 1 runs the whole job alone instead of deadlocking; a batch whose
  heartbeat stops for `stall_seconds` (its worker died) is taken over.

A Celery task has a time limit (CELERY_TASK_SOFT_TIME_LIMIT), a large backlog does not: once the
coordinator has worked for `budget_seconds` (half the soft limit) it stops taking batches and hands
the rest to their queued batch jobs (it stays running), and whichever batch job then finishes the
last batch syncs the index and ends the coordinator (`embed_batches_handed_over_and_done`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_create, job_enqueue
from vision.models import EmbedBatch

DEFAULT_BATCH_ASSETS = 1000  # ~15 min of CLIP ViT-B-32 on a 2-core CPU host (well inside a task's time limit)
STALL_SECONDS = 900  # no committed model batch for this long: the claim's worker is presumed dead
POLL_SECONDS = 2.0
LIVE_JOB_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)  # a job in these will still do its work


class BatchTakenOver(Exception):
    """Another job claimed the batch this worker was embedding (it had stalled): stop here."""


def embed_batches_plan(
    *, job: Job, embedder_id: str, account_ids: Collection[int] | None, batch_assets: int
) -> list[EmbedBatch]:
    """The batches of `job`, created from the pending assets the first time (a retried
    coordinator reuses them, so it never splits twice)."""
    from vision.services.embedding import pending_assets

    existing = list(EmbedBatch.objects.filter(parent_job=job))
    if existing:
        return existing
    ids = np.fromiter(
        pending_assets(embedder_id=embedder_id, account_ids=account_ids).values_list("id", flat=True), dtype=np.int64
    )
    ids = ids[~_in_live_batches(ids, embedder_id=embedder_id, job=job)].tolist()
    chunks = [ids[start : start + batch_assets] for start in range(0, len(ids), batch_assets)]
    batches = [
        EmbedBatch(
            parent_job=job, embedder_id=embedder_id, first_asset_id=chunk[0], last_asset_id=chunk[-1], total=len(chunk)
        )
        for chunk in chunks
    ]
    EmbedBatch.objects.bulk_create(batches, ignore_conflicts=True)  # a concurrent duplicate run made the same ones
    return list(EmbedBatch.objects.filter(parent_job=job))


def _in_live_batches(ids: np.ndarray, *, embedder_id: str, job: Job) -> np.ndarray:
    """Mask of the ids inside unfinished batches another live coordinator (without an account
    filter, so its ranges cover every pending id in them) will still embed: a second EMBED job
    requested during a long one takes only the images that arrived since, not the same backlog."""
    ranges = (
        EmbedBatch.objects.filter(embedder_id=embedder_id, finished_at__isnull=True)
        .exclude(parent_job=job)
        .exclude(parent_job__params__has_key="account_ids")
        .filter(Q(parent_job__status__in=LIVE_JOB_STATUSES) | Q(batch_job__status__in=LIVE_JOB_STATUSES))
        .values_list("first_asset_id", "last_asset_id")
    )
    mask = np.zeros(len(ids), dtype=bool)
    for first, last in ranges:
        mask[np.searchsorted(ids, first) : np.searchsorted(ids, last, side="right")] = True
    return mask


def embed_batch_jobs_enqueue(*, job: Job, batches: list[EmbedBatch]) -> int:
    """One EMBED batch job per batch that has none yet and is not finished; returns how many."""
    created = 0
    for batch in batches:
        if batch.batch_job_id or batch.finished_at:
            continue
        with transaction.atomic():
            child = job_create(
                kind=JobKind.EMBED,
                organization=job.organization,
                user=job.created_by,
                params={"embed_batch_id": batch.pk, "parent_job_id": job.pk},
                total=batch.total,
            )
            EmbedBatch.objects.filter(pk=batch.pk).update(batch_job=child)
            batch.batch_job = child
            job_enqueue(child)  # sent when this block commits
        created += 1
    return created


def embed_batch_claim(*, batch_id: int, job_id: int, stall_seconds: float = STALL_SECONDS) -> bool:
    """Claim an unfinished batch for `job_id`: when nobody holds it, `job_id` already does (a
    restarted job), or its holder has not committed anything for `stall_seconds`."""
    now = timezone.now()
    stalled = Q(heartbeat_at__lt=now - timedelta(seconds=stall_seconds))
    claimable = Q(claimed_by__isnull=True) | Q(claimed_by_id=job_id) | stalled
    updated = (
        EmbedBatch.objects.filter(pk=batch_id, finished_at__isnull=True)
        .filter(claimable)
        .update(claimed_by_id=job_id, heartbeat_at=now)
    )
    return updated == 1


def embed_batch_run(
    *, batch: EmbedBatch, job_id: int, account_ids: Collection[int] | None, progress: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Embed the pending assets of a batch this job has claimed; no index update (the
    coordinator syncs once). Returns {'embedded', 'failed', 'taken_over'}."""
    from vision.services.embedding import embed_pending_assets

    def heartbeat(done: int, total: int) -> None:
        held = EmbedBatch.objects.filter(pk=batch.pk, claimed_by_id=job_id).update(
            heartbeat_at=timezone.now(), done=min(batch.total, done + (batch.total - total))
        )
        if not held:
            raise BatchTakenOver(f"batch {batch.pk} was taken over by another job")
        if progress:
            progress()

    report: dict[str, Any] = {}
    try:
        embedded = embed_pending_assets(
            account_ids=account_ids,
            asset_id_range=(batch.first_asset_id, batch.last_asset_id),
            update_index=False,
            progress=heartbeat,
            report=report,
        )
    except BatchTakenOver:
        return {"embedded": 0, "failed": 0, "taken_over": True}
    EmbedBatch.objects.filter(pk=batch.pk).update(
        done=batch.total,
        embedded=F("embedded") + embedded,
        failed=F("failed") + report.get("failed", 0),
        finished_at=timezone.now(),
    )
    return {"embedded": embedded, "failed": report.get("failed", 0), "taken_over": False}


def embed_batches_progress(job: Job) -> dict[str, int]:
    """{'total', 'done', 'embedded', 'failed', 'batches', 'finished'} over a job's batches."""
    sums = EmbedBatch.objects.filter(parent_job=job).aggregate(
        total=Sum("total"),
        done=Sum("done"),
        embedded=Sum("embedded"),
        failed=Sum("failed"),
        batches=Count("id"),
        finished=Count("id", filter=Q(finished_at__isnull=False)),
    )
    return {key: int(value or 0) for key, value in sums.items()}


def embed_batches_work(
    *,
    job: Job,
    account_ids: Collection[int] | None,
    stall_seconds: float = STALL_SECONDS,
    poll_seconds: float = POLL_SECONDS,
    budget_seconds: float | None = None,
    progress: Callable[[], None] | None = None,
) -> tuple[int, bool]:
    """The coordinator's loop: embed every batch it can claim, wait for those other jobs hold,
    until all are finished. After `budget_seconds` (None: no limit) it hands every unfinished batch
    over to its batch job and returns, once each has a live one (waiting or running); the others
    it still embeds itself. Returns (vectors this job wrote, handed over)."""
    embedded = 0
    started = time.monotonic()
    while True:
        candidates = EmbedBatch.objects.filter(parent_job=job, finished_at__isnull=True).order_by("first_asset_id")
        if not candidates.exists():
            return embedded, False
        over_budget = budget_seconds is not None and time.monotonic() - started > budget_seconds
        # Only batches whose job is still waiting or running can be left to it: a batch job that
        # failed or was never sent will not come back, so its batch stays this job's work.
        orphaned = candidates.exclude(batch_job__status__in=LIVE_JOB_STATUSES)
        if over_budget and not orphaned.exists():
            return embedded, _hand_over(job)
        claimed = next(
            (
                b
                for b in (orphaned if over_budget else candidates)
                if embed_batch_claim(batch_id=b.pk, job_id=job.pk, stall_seconds=stall_seconds)
            ),
            None,
        )
        if claimed is None:
            if progress:
                progress()
            time.sleep(poll_seconds)
            continue
        outcome = embed_batch_run(batch=claimed, job_id=job.pk, account_ids=account_ids, progress=progress)
        embedded += outcome["embedded"]


def _hand_over(job: Job) -> bool:
    """Record that the batch jobs finish this job, then look again: True when batches remain (the
    last batch job syncs the index), False when they all finished meanwhile (the coordinator does).
    Flag first, check second, and the batch jobs the other way round: one side always sees the other."""
    Job.objects.filter(pk=job.pk).update(counts={**job.counts, "handed_over": True})
    job.counts = {**job.counts, "handed_over": True}
    return EmbedBatch.objects.filter(parent_job=job, finished_at__isnull=True).exists()


def embed_batches_handed_over_and_done(parent_job_id: int) -> bool:
    """True when the coordinator handed its batches over and none is left unfinished: the batch
    job that sees this (after marking its own batch finished) syncs the index."""
    handed_over = bool((Job.objects.values_list("counts", flat=True).get(pk=parent_job_id) or {}).get("handed_over"))
    return handed_over and not EmbedBatch.objects.filter(parent_job_id=parent_job_id, finished_at__isnull=True).exists()
