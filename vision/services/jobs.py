"""Embedding and index jobs: the handlers core.services.jobs runs, and how they are enqueued.

EMBED job params: {"account_ids": [...] (optional, default all), "retry_failed": bool,
    "batch_assets": N (default 1000), "stall_seconds": S (default 900), "budget_seconds": B
    (default half of CELERY_TASK_SOFT_TIME_LIMIT with a broker, none in-process)}
    the coordinator: splits the pending assets into batches of N consecutive pending ids, queues
    one batch job per batch (with a broker, when there is more than one), embeds every batch no
    other worker took, waits for the rest (taking over a batch whose worker stalled for S
    seconds), then syncs the index once and refreshes the profiles of the accounts whose vectors
    changed. Progress = images done / pending, summed over the batches. After B seconds it leaves
    the unfinished batches to their batch jobs and stays RUNNING; the batch job that finishes the
    last batch syncs and marks it SUCCEEDED (a batch job that fails marks it FAILED).
EMBED batch job params: {"embed_batch_id", "parent_job_id"}: embeds one batch (vision.models.
    EmbedBatch) unless another job holds or finished it (then it does nothing).
INDEX job params: {"mode": "sync" | "rebuild", "reason": str, "shard": s, "shards": S (sharded)}
    "sync" applies the database/index difference (rebuilding when needed), "rebuild" always
    rebuilds from stored vectors; both refresh the profiles of touched accounts. With
    VISION_INDEX_SHARDS > 1 there is one job per shard.

Both kinds are registered on the "heavy" queue (vision/apps.py), so a worker must consume it:
`celery -A config worker -Q default,heavy`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from core.models import Job, JobKind, JobStatus
from core.services.jobs import HandedOver, job_fail, job_log, job_progress, job_set_total, job_submit, job_succeed
from influencers.follow_ups import AccountsChanged, ImagesDeleted
from vision import messages as vm

logger = logging.getLogger(__name__)


def embed_request_job(*, account_ids: list[int] | None = None, reason: str = "") -> Job | None:
    """Enqueue an EMBED job unless one already waiting will pick these assets up: one for every
    pending asset, or one whose accounts include all of `account_ids`."""
    waiting = Job.objects.filter(kind=JobKind.EMBED, status=JobStatus.PENDING).exclude(params__has_key="embed_batch_id")
    wanted = set(account_ids or ())
    for waiting_params in waiting.values_list("params", flat=True):
        covered = (waiting_params or {}).get("account_ids")
        if not covered or (wanted and wanted <= set(covered)):
            return None
    params: dict[str, Any] = {"reason": reason}
    if account_ids:
        params["account_ids"] = sorted(set(account_ids))
    return job_submit(kind=JobKind.EMBED, params=params)


def run_embed_job(job: Job) -> dict[str, Any] | HandedOver:
    """Handler of EMBED jobs: a batch job embeds its batch, any other EMBED job coordinates."""
    if job.params.get("embed_batch_id"):
        return run_embed_batch_job(job)
    return run_embed_coordinator_job(job)


def run_embed_coordinator_job(job: Job) -> dict[str, Any] | HandedOver:
    """Split the backlog into asset-id batches, hand them to batch jobs (with a broker), embed
    every batch no other worker took, then sync the index and the touched profiles once."""
    from vision.embedders import get_embedder
    from vision.models import EmbedBatch
    from vision.services import embed_batches
    from vision.services.embedding import embedding_failures_clear

    embedder_id = get_embedder().id
    account_ids = job.params.get("account_ids") or None
    first_attempt = not EmbedBatch.objects.filter(parent_job=job).exists()
    if job.params.get("retry_failed") and first_attempt:
        embedding_failures_clear(embedder_id=embedder_id, account_ids=account_ids)
    batch_assets = int(job.params.get("batch_assets") or embed_batches.DEFAULT_BATCH_ASSETS)
    batches = embed_batches.embed_batches_plan(
        job=job, embedder_id=embedder_id, account_ids=account_ids, batch_assets=batch_assets
    )
    # In-process (no broker) there is nobody to share with: the coordinator runs every batch.
    if len(batches) > 1 and not settings.CELERY_TASK_ALWAYS_EAGER:
        sent = embed_batches.embed_batch_jobs_enqueue(job=job, batches=batches)
        if sent:
            job_log(job=job, message=vm.BATCHES_QUEUED(batches=len(batches), size=batch_assets, sent=sent))

    def progress() -> None:
        totals = embed_batches.embed_batches_progress(job)
        if job.total != totals["total"]:
            job_set_total(job=job, total=totals["total"])
        job_progress(job=job, done=totals["done"])

    progress()
    budget = job.params.get("budget_seconds")
    if budget is None and not settings.CELERY_TASK_ALWAYS_EAGER:
        budget = settings.CELERY_TASK_SOFT_TIME_LIMIT / 2  # then at most one more batch: inside the limit
    embedded, handed_over = embed_batches.embed_batches_work(
        job=job,
        account_ids=account_ids,
        stall_seconds=float(job.params.get("stall_seconds") or embed_batches.STALL_SECONDS),
        budget_seconds=float(budget) if budget is not None else None,
        progress=progress,
    )
    totals = embed_batches.embed_batches_progress(job)
    result: dict[str, Any] = {
        "embedded": embedded,
        "embedded_total": totals["embedded"],
        "failed": totals["failed"],
        "batches": totals["batches"],
    }
    if handed_over:
        # The job stays RUNNING: the batch job that finishes the last batch ends it.
        left = totals["batches"] - totals["finished"]
        job_log(job=job, message=vm.EMBEDDED_HERE_LEFT(n=embedded, left=left))
        return HandedOver({**result, "handed_over": left})
    result.update(_sync_after_embedding(embedder_id))
    index_action = result["index"]["action"]
    job_log(job=job, message=vm.EMBEDDED_TOTAL(n=totals["embedded"], here=embedded, action=index_action))
    return result


def _sync_after_embedding(embedder_id: str) -> dict[str, Any]:
    from vision.services.index import index_sync
    from vision.services.profiles import profile_refresh

    sync = index_sync(embedder_id=embedder_id)
    return {"index": sync, "profiles": profile_refresh(account_ids=sync.pop("account_ids"), embedder_id=embedder_id)}


def run_embed_batch_job(job: Job) -> dict[str, Any]:
    """Embed one batch of a coordinating EMBED job, unless another job holds it or finished it."""
    from vision.models import EmbedBatch
    from vision.services import embed_batches

    batch = EmbedBatch.objects.select_related("parent_job").filter(pk=job.params["embed_batch_id"]).first()
    if batch is None:
        return {"embedded": 0, "skipped": "the batch no longer exists"}
    parent_params = batch.parent_job.params
    stall_seconds = float(parent_params.get("stall_seconds") or embed_batches.STALL_SECONDS)
    span = f"assets {batch.first_asset_id}-{batch.last_asset_id}"
    if not embed_batches.embed_batch_claim(batch_id=batch.pk, job_id=job.pk, stall_seconds=stall_seconds):
        batch.refresh_from_db()
        holder = "finished" if batch.finished_at else f"held by job {batch.claimed_by_id}"
        job_log(
            job=job,
            message=vm.BATCH_FINISHED(first=batch.first_asset_id, last=batch.last_asset_id)
            if batch.finished_at
            else vm.BATCH_HELD(first=batch.first_asset_id, last=batch.last_asset_id, job=batch.claimed_by_id),
        )
        return {"embedded": 0, "skipped": holder, "batch": [batch.first_asset_id, batch.last_asset_id]}
    job_set_total(job=job, total=batch.total)

    def progress() -> None:
        job_progress(job=job, done=EmbedBatch.objects.values_list("done", flat=True).get(pk=batch.pk))

    parent = batch.parent_job
    try:
        outcome = embed_batches.embed_batch_run(
            batch=batch, job_id=job.pk, account_ids=parent_params.get("account_ids") or None, progress=progress
        )
    except Exception as exc:
        if Job.objects.filter(pk=parent.pk, status=JobStatus.RUNNING, counts__has_key="handed_over").exists():
            job_fail(job_id=parent.pk, error=f"{span} (batch job {job.pk}) failed: {exc}")
        raise
    job_log(
        job=job, message=vm.BATCH_EMBEDDED(first=batch.first_asset_id, last=batch.last_asset_id, n=outcome["embedded"])
    )
    result = {**outcome, "batch": [batch.first_asset_id, batch.last_asset_id]}
    totals = embed_batches.embed_batches_progress(parent)
    Job.objects.filter(pk=parent.pk, status=JobStatus.RUNNING).update(done=totals["done"])
    if embed_batches.embed_batches_handed_over_and_done(parent.pk):
        result.update(_sync_after_embedding(batch.embedder_id))
        job_log(job=job, message=vm.LAST_BATCH(job=parent.pk, action=result["index"]["action"]))
        _finish_handed_over(parent, totals, result)
    return result


def _finish_handed_over(parent: Job, totals: dict[str, int], last_batch: dict[str, Any]) -> None:
    """The coordinator handed its batches over and the last one is done: end the coordinator."""
    parent.refresh_from_db()
    if parent.status != JobStatus.RUNNING:
        return
    job_log(job=parent, message=vm.EMBEDDED_INDEX(n=totals["embedded"], action=last_batch["index"]["action"]))
    job_succeed(
        job=parent,
        result={
            **parent.result,
            "embedded_total": totals["embedded"],
            "failed": totals["failed"],
            "index": last_batch["index"],
            "profiles": last_batch["profiles"],
        },
    )


def run_index_job(job: Job) -> dict[str, Any]:
    """Handler of INDEX jobs: a rebuild or sync of one shard, or of the whole index when the job
    names none (or was requested under another shard count)."""
    from vision.services.index import index_build, index_shards, index_sync
    from vision.services.profiles import profile_refresh, profiles_refresh_all

    embedder_id = job.params.get("embedder_id") or None
    shard = job.params.get("shard") if job.params.get("shards") == index_shards() > 1 else None
    if job.params.get("mode") == "rebuild":
        index = index_build(embedder_id=embedder_id, shard=shard)
        # Profiles come from the stored vectors, not the index: one job of a sharded rebuild
        # refreshes them all.
        refreshed = profiles_refresh_all(embedder_id=embedder_id) if shard in (None, 0) else 0
        result: dict[str, Any] = {
            "action": "rebuilt" if index else "empty",
            "count": index.count if index else 0,
            "profiles": refreshed,
        }
    else:
        result = index_sync(embedder_id=embedder_id, shard=shard)
        result["profiles"] = profile_refresh(account_ids=result.pop("account_ids"), embedder_id=embedder_id)
    if shard is not None:
        result["shard"] = shard
    job_log(
        job=job,
        message=vm.INDEX_DONE(action=result["action"], vectors=result.get("count", 0))
        if shard is None
        else vm.INDEX_SHARD_DONE(
            action=result["action"], shard=shard, shards=index_shards(), vectors=result.get("count", 0)
        ),
    )
    return result


def embed_after_change(change: AccountsChanged) -> str | None:
    """Follow-up of a catalogue change: queue the new images for embedding (one waiting EMBED job
    serves everyone)."""
    if not change.new_images:
        return None
    job = embed_request_job(account_ids=sorted(change.account_ids), reason=change.reason)
    if job is None:
        return f"{change.new_images} new image(s) left to the embed job already waiting"
    return f"{change.new_images} new image(s) queued for embedding (job {job.pk})"


def index_after_deletion(change: ImagesDeleted) -> None:
    """Follow-up of deleted catalogue images: drop them from the image index."""
    from vision.services.index import index_request_job

    index_request_job(mode="sync", reason=change.reason or f"{change.count} image(s) deleted from the catalogue")
