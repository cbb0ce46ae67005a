"""Fault: a Celery worker dies (SIGKILL, as the OOM killer would) in the middle of an embedding
job. The job must still end SUCCEEDED with every asset embedded exactly once.

How it holds: the task is acknowledged only after it finishes (acks_late), so the killed worker's
message stays unacknowledged in Redis and is delivered again after the visibility timeout
(CELERY_VISIBILITY_TIMEOUT, short here); the job runner restarts a RUNNING job; the embedding
service commits per batch and only picks assets without a vector, so the second run continues
where the first stopped, and the (asset, embedder) unique constraint rules out duplicates.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.db.models import Count

from core.models import Job, JobKind, JobStatus
from tests.factories import JobFactory
from tests.vision.image_assets import make_image_assets
from tests.workers import start_worker, wait_for
from vision.ann import read_manifest
from vision.models import ImageEmbedding

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ASSETS = 160
BATCH = 4  # small batches: many commits, so the kill lands between two of them


def test_worker_killed_mid_embedding_job_resumes_and_embeds_every_asset_once(real_broker, tmp_path):
    from core.services.jobs import job_enqueue
    from vision.embedders import get_embedder
    from vision.services.index import index_dir

    asset_ids = make_image_assets(ASSETS)
    worker_env = {"CELERY_VISIBILITY_TIMEOUT": "2", "VISION_BATCH_SIZE": str(BATCH)}
    first = start_worker(tmp_path / "w1", name="fault-first", env=worker_env)
    second = None
    try:
        job = JobFactory(kind=JobKind.EMBED, params={"reason": "fault test"})
        job_enqueue(job)  # on_commit fires at once: no transaction around this test
        job.refresh_from_db()
        assert job.celery_task_id, "the job was not sent through the broker"

        # Kill once a few batches are committed, well before the end.
        started = wait_for(lambda: ImageEmbedding.objects.count() >= 3 * BATCH, timeout=90, interval=0.05, alive=first)
        first.kill()
        time.sleep(0.3)  # a COMMIT the worker sent just before dying still lands: count after it
        embedded_at_kill = ImageEmbedding.objects.count()
        assert started, f"the first worker embedded nothing:\n{first.tail()}"
        assert embedded_at_kill < ASSETS, "the job finished before the kill: make it bigger"
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING, "a killed worker cannot have finished the job"

        second = start_worker(tmp_path / "w2", name="fault-second", env=worker_env)
        finished = wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=120, interval=0.25, alive=second)
        job.refresh_from_db()
        assert finished and job.status == JobStatus.SUCCEEDED, (
            f"{job.status} {job.error}\n--- second worker:\n{second.tail()}"
        )
    finally:
        first.stop()
        if second is not None:
            second.stop()

    embedder_id = get_embedder().id
    per_asset = dict(
        ImageEmbedding.objects.filter(embedder_id=embedder_id).values_list("asset").annotate(n=Count("id"))
    )
    assert set(per_asset) == set(asset_ids), "some assets were never embedded"
    assert set(per_asset.values()) == {1}, "an asset was embedded more than once"
    # The same job (same message, redelivered) ran twice and the second run only did what was left.
    assert job.attempts == 2
    assert job.celery_task_id in second.log.read_text()
    assert job.result["embedded"] == ASSETS - embedded_at_kill
    # ...and the index it published at the end holds every vector.
    manifest = read_manifest(index_dir(embedder_id))
    assert manifest is not None and manifest["count"] == ASSETS


def test_embedding_spread_over_two_workers_embeds_every_asset_once(real_broker, tmp_path):
    """The scale path: a backlog split into EMBED jobs by account, run by two heavy workers at the
    same time, plus a third job over everything that overlaps both. Every asset ends with exactly
    one vector, and the index holds them all once the last sync has run."""
    from core.services.jobs import job_enqueue
    from influencers.models import MediaAsset
    from vision.embedders import get_embedder
    from vision.services.index import index_dir, index_sync

    asset_ids = make_image_assets(96, accounts=6)
    accounts = sorted(set(MediaAsset.objects.values_list("account_id", flat=True)))
    env = {"VISION_BATCH_SIZE": str(BATCH)}
    workers = [start_worker(tmp_path / f"w{n}", name=f"spread-{n}", queues=("heavy",), env=env) for n in (1, 2)]
    try:
        jobs = [
            JobFactory(kind=JobKind.EMBED, params={"account_ids": accounts[:3]}),
            JobFactory(kind=JobKind.EMBED, params={"account_ids": accounts[3:]}),
            JobFactory(kind=JobKind.EMBED, params={}),  # overlaps both: only wasted work
        ]
        for job in jobs:
            job_enqueue(job)
        done = wait_for(
            lambda: Job.objects.filter(pk__in=[j.pk for j in jobs], status=JobStatus.SUCCEEDED).count() == 3,
            timeout=150,
            interval=0.25,
        )
        assert done, (
            "\n".join(f"{j.pk}: {Job.objects.get(pk=j.pk).status}" for j in jobs)
            + workers[0].tail()
            + workers[1].tail()
        )
    finally:
        for worker in workers:
            worker.stop()

    finished = {job.pk: Job.objects.get(pk=job.pk) for job in jobs}
    ran_on = {w.log.name for w in workers for job in jobs if finished[job.pk].celery_task_id in w.log.read_text()}
    assert len(ran_on) == 2, "both workers should have taken jobs"
    embedder_id = get_embedder().id
    per_asset = dict(
        ImageEmbedding.objects.filter(embedder_id=embedder_id).values_list("asset").annotate(n=Count("id"))
    )
    assert set(per_asset) == set(asset_ids) and set(per_asset.values()) == {1}
    # Index writers take turns and read the database once they hold the lock, so the last job's
    # sync published every vector: nothing left for a later sync to add.
    assert read_manifest(index_dir(embedder_id))["count"] == len(asset_ids)
    assert index_sync(embedder_id=embedder_id)["action"] == "unchanged"


def test_one_embed_job_split_into_batches_runs_on_two_workers_and_publishes_once(real_broker, tmp_path):
    """The scale path for one big backlog: the coordinating EMBED job splits it into asset-id
    batches and queues a batch job per batch; the other worker takes batch jobs while the
    coordinator embeds the batches nobody took. Every asset ends with one vector, the parent's
    progress covers every batch, and the index is published by the coordinator with all of them."""
    from core.services.jobs import job_enqueue
    from vision.embedders import get_embedder
    from vision.models import EmbedBatch
    from vision.services.index import index_dir

    asset_ids = make_image_assets(96, accounts=6)
    env = {"VISION_BATCH_SIZE": str(BATCH)}
    workers = [start_worker(tmp_path / f"w{n}", name=f"batches-{n}", queues=("heavy",), env=env) for n in (1, 2)]
    try:
        parent = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 12})
        job_enqueue(parent)
        done = wait_for(lambda: Job.objects.get(pk=parent.pk).is_finished, timeout=150, interval=0.25)
        parent.refresh_from_db()
        logs = workers[0].tail() + workers[1].tail()
        assert done and parent.status == JobStatus.SUCCEEDED, f"{parent.status} {parent.error}\n{logs}"
        # Batch jobs delivered after the coordinator finished their batch only log that they had nothing to do.
        batch_job_ids = list(EmbedBatch.objects.filter(parent_job=parent).values_list("batch_job_id", flat=True))
        wait_for(lambda: Job.objects.filter(pk__in=batch_job_ids, status=JobStatus.SUCCEEDED).count() == 8, timeout=60)
    finally:
        for worker in workers:
            worker.stop()

    batches = list(EmbedBatch.objects.filter(parent_job=parent))
    assert len(batches) == 8 and all(b.finished_at and b.batch_job_id for b in batches)
    assert sum(b.embedded for b in batches) == len(asset_ids) == parent.result["embedded_total"]
    assert (parent.done, parent.total) == (96, 96)
    holders = {b.claimed_by_id for b in batches}
    logs = {w.log.name: w.log.read_text() for w in workers}
    holder_tasks = [job.celery_task_id for job in Job.objects.filter(pk__in=holders)]
    ran_on = {name for task in holder_tasks for name, text in logs.items() if task in text}
    assert len(ran_on) == 2, f"batches were embedded by jobs {holders}, all on one worker"
    embedder_id = get_embedder().id
    per_asset = dict(
        ImageEmbedding.objects.filter(embedder_id=embedder_id).values_list("asset").annotate(n=Count("id"))
    )
    assert set(per_asset) == set(asset_ids) and set(per_asset.values()) == {1}
    assert read_manifest(index_dir(embedder_id))["count"] == len(asset_ids)


def test_pool_process_killed_mid_embedding_job_is_requeued_at_once(real_broker, tmp_path):
    """The OOM killer usually takes the pool process doing the work, not the worker's main
    process: reject_on_worker_lost makes the main process put the message back at once (no
    visibility timeout: it is an hour here), and its next pool process finishes the job."""
    import subprocess

    from core.services.jobs import job_enqueue
    from vision.embedders import get_embedder

    asset_ids = make_image_assets(ASSETS)
    env = {"CELERY_VISIBILITY_TIMEOUT": "3600", "VISION_BATCH_SIZE": str(BATCH)}
    worker = start_worker(tmp_path / "w", name="fault-pool", queues=("heavy",), pool="prefork", env=env)
    try:
        job = JobFactory(kind=JobKind.EMBED, params={})
        job_enqueue(job)
        started = wait_for(lambda: ImageEmbedding.objects.count() >= 3 * BATCH, timeout=90, interval=0.05, alive=worker)
        children = subprocess.run(["pgrep", "-P", str(worker.proc.pid)], capture_output=True, text=True).stdout.split()
        assert started and len(children) == 1, f"{children}\n{worker.tail()}"
        os.kill(int(children[0]), signal.SIGKILL)
        wait_for(lambda: not Path(f"/proc/{children[0]}").exists(), timeout=10)
        time.sleep(0.3)  # a COMMIT the process sent just before dying still lands: count after it
        embedded_at_kill = ImageEmbedding.objects.count()
        assert embedded_at_kill < ASSETS, "the job finished before the kill: make it bigger"

        finished = wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=120, interval=0.25, alive=worker)
        job.refresh_from_db()
        assert finished and job.status == JobStatus.SUCCEEDED, f"{job.status} {job.error}\n{worker.tail()}"
    finally:
        worker.stop()
    assert "WorkerLostError" in worker.log.read_text() or "exited with 'signal 9" in worker.log.read_text()
    per_asset = dict(
        ImageEmbedding.objects.filter(embedder_id=get_embedder().id).values_list("asset").annotate(n=Count("id"))
    )
    assert set(per_asset) == set(asset_ids) and set(per_asset.values()) == {1}
    assert job.attempts == 2
    # The retry starts at once and may already have embedded a batch when `embedded_at_kill` was
    # counted; what is certain is that it skipped the >= 3 batches the first attempt had committed.
    assert 0 < job.result["embedded"] <= ASSETS - 3 * BATCH


def test_a_sharded_index_is_built_by_one_job_per_shard_on_two_workers(real_broker, settings, tmp_path):
    """VISION_INDEX_SHARDS=2: a rebuild request is one INDEX job per shard on the heavy queue;
    two workers take them, each publishes its shard, and readers then see every asset."""
    from vision.services.embedding import embed_pending_assets
    from vision.services.index import get_index, index_request_job, index_status, reset_index_cache
    from vision.shards import ShardedIndex

    settings.VISION_INDEX_SHARDS = 2
    asset_ids = make_image_assets(24, accounts=4)
    assert embed_pending_assets(update_index=False) == 24
    workers = [
        start_worker(tmp_path / f"w{n}", name=f"shards-{n}", queues=("heavy",), env={"VISION_INDEX_SHARDS": "2"})
        for n in (1, 2)
    ]
    try:
        jobs = index_request_job(mode="rebuild", reason="a new shard layout")
        assert [job.params["shard"] for job in jobs] == [0, 1]
        done = wait_for(lambda: all(Job.objects.get(pk=job.pk).is_finished for job in jobs), timeout=120, interval=0.25)
        logs = workers[0].tail() + workers[1].tail()
        assert done, logs
    finally:
        for worker in workers:
            worker.stop()

    for job in jobs:
        job.refresh_from_db()
        shard = job.params["shard"]
        assert job.status == JobStatus.SUCCEEDED, f"{job.error}\n{logs}"
        assert job.result["shard"] == shard and job.result["count"] == sum(1 for a in asset_ids if a % 2 == shard)
    reset_index_cache()
    index = get_index()
    assert isinstance(index, ShardedIndex) and sorted(index.asset_ids.tolist()) == sorted(asset_ids)
    assert index_status()["state"] == "ready"
