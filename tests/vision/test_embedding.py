"""Embedding assets: each exactly once, failures recorded, jobs with progress, thin tasks,
and the embed_images / build_index commands."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Job, JobKind, JobStatus
from core.selectors.jobs import job_log_text
from core.services.jobs import run_job
from tests.factories import AccountFactory, JobFactory, MediaAssetFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.embedders import get_embedder
from vision.models import AestheticProfile, EmbedBatch, EmbeddingFailure, ImageEmbedding
from vision.services.embed_batches import embed_batch_jobs_enqueue, embed_batches_plan
from vision.services.embedding import embed_pending_assets, pending_assets
from vision.services.index import get_index, index_status

pytestmark = pytest.mark.django_db


def _assets(n: int, style: str = "vivid_pop", account=None):
    account = account or AccountFactory()
    return [add_image_asset(account, zoo_image(style, seed=i, size=64)) for i in range(n)]


def test_every_asset_is_embedded_once_and_rerunning_embeds_nothing():
    assets = _assets(3)
    MediaAssetFactory()  # no image file: not pending, not an error
    calls = []
    assert embed_pending_assets(progress=lambda done, total: calls.append((done, total))) == 3
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    embedder = get_embedder()
    rows = ImageEmbedding.objects.filter(embedder_id=embedder.id)
    assert sorted(rows.values_list("asset_id", flat=True)) == sorted(a.pk for a in assets)
    first = {r.asset_id: r.as_array().copy() for r in rows}
    assert all(np.isclose(np.linalg.norm(v), 1.0, atol=1e-5) and v.shape == (embedder.dim,) for v in first.values())

    assert embed_pending_assets() == 0
    assert ImageEmbedding.objects.count() == 3
    assert {r.asset_id: r.as_array() for r in rows}.keys() == first.keys()


def test_the_stored_vector_equals_the_vector_of_the_same_image_as_a_query():
    image = zoo_image("sepia_vignette", seed=3, size=80)
    asset = add_image_asset(AccountFactory(), image)
    embed_pending_assets()
    stored = ImageEmbedding.objects.get(asset=asset).as_array()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    from PIL import Image

    assert np.array_equal(stored, get_embedder().embed_images([Image.open(io.BytesIO(buffer.getvalue()))])[0])


def test_broken_image_is_recorded_as_failure_skipped_next_time_and_retried_on_request(settings):
    good, broken = _assets(2)
    path = settings.MEDIA_ROOT / broken.image.name
    path.write_bytes(b"not an image any more")
    report: dict = {}
    assert embed_pending_assets(report=report) == 1
    assert report["failed"] == 1
    failure = EmbeddingFailure.objects.get()
    assert failure.asset_id == broken.pk and broken.image.name in failure.error
    assert not pending_assets(embedder_id=get_embedder().id).exists()
    assert embed_pending_assets() == 0

    add_image_asset(broken.account, zoo_image("vivid_pop", seed=99, size=64))  # unrelated new image
    path.write_bytes((settings.MEDIA_ROOT / good.image.name).read_bytes())  # file repaired
    assert embed_pending_assets() == 1  # only the new one; the failed one waits for --retry-failed
    assert embed_pending_assets(retry_failed=True) == 1
    assert not EmbeddingFailure.objects.exists()


def test_embedding_updates_index_and_profiles():
    assets = _assets(4)
    embed_pending_assets()
    index = get_index()
    assert index is not None and sorted(index.asset_ids.tolist()) == sorted(a.pk for a in assets)
    profile = AestheticProfile.objects.get(account=assets[0].account)
    assert profile.image_count == 4
    assert index_status()["state"] == "ready"


def test_embed_job_runs_with_progress_and_a_second_delivery_is_harmless():
    _assets(3)
    job = JobFactory(kind=JobKind.EMBED, params={})
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (3, 3)
    assert job.result["embedded"] == 3 and job.result["index"]["count"] == 3
    run_job(job_id=job.pk)  # duplicate delivery
    assert ImageEmbedding.objects.count() == 3


def test_the_celery_task_runs_a_vision_job_through_the_job_service():
    from core.tasks import run_job_task

    _assets(2)
    job = JobFactory(kind=JobKind.INDEX, params={"mode": "rebuild"})
    embed_pending_assets(update_index=False)
    outcome = run_job_task.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert outcome == {"job_id": job.pk, "status": JobStatus.SUCCEEDED}
    assert job.result["action"] == "rebuilt" and job.result["count"] == 2


def test_embed_request_job_is_deduplicated_while_one_waits(settings, django_capture_on_commit_callbacks):
    from vision.services.jobs import embed_request_job

    settings.CELERY_TASK_ALWAYS_EAGER = True
    _assets(2)
    with django_capture_on_commit_callbacks(execute=False):
        first = embed_request_job(reason="test")
        second = embed_request_job(reason="test again")
    assert first is not None and second is None
    assert Job.objects.filter(kind=JobKind.EMBED).count() == 1


def test_a_waiting_embed_job_for_other_accounts_does_not_swallow_a_request(
    settings, django_capture_on_commit_callbacks
):
    from vision.services.jobs import embed_request_job

    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=False):
        narrow = embed_request_job(account_ids=[1, 2], reason="import")
        covered = embed_request_job(account_ids=[2], reason="refresh")
        other = embed_request_job(account_ids=[3], reason="refresh")
        everything = embed_request_job(reason="search")
        after_everything = embed_request_job(account_ids=[4], reason="refresh")
    assert narrow is not None and covered is None  # the waiting job already covers account 2
    assert other is not None and other.params["account_ids"] == [3]
    assert everything is not None and after_everything is None  # a job for every pending asset covers all


def test_embed_images_command_reports_and_is_idempotent():
    _assets(2)
    out, err = io.StringIO(), io.StringIO()
    call_command("embed_images", "--no-progress", stdout=out, stderr=err)
    assert "embedded 2 image(s)" in out.getvalue()
    assert "Style descriptor v3 (colour, tone, grade, texture and shape; not CLIP)" in err.getvalue()
    out = io.StringIO()
    call_command("embed_images", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "embedded 0 image(s)" in out.getvalue()


def test_build_index_if_stale_does_only_what_is_needed():
    _assets(3)
    out = io.StringIO()
    call_command("build_index", "--if-stale", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "embedded 3 image(s)" in out.getvalue() and "3 vectors" in out.getvalue()
    version = get_index().version

    out = io.StringIO()
    call_command("build_index", "--if-stale", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "already up to date" in out.getvalue()
    assert get_index().version == version

    call_command("build_index", "--check", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    _assets(1)
    with pytest.raises(CommandError, match="not up to date"):
        call_command("build_index", "--check", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    out = io.StringIO()
    call_command("build_index", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "index rebuilt: 4 vectors" in out.getvalue()
    assert get_index().version == version + 1


def test_build_index_on_an_empty_catalogue_says_so():
    out = io.StringIO()
    call_command("build_index", "--if-stale", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "no vectors stored yet" in out.getvalue()


# --- embedding spread over workers: asset-id batches -------------------------------------------


def test_embed_job_in_process_runs_every_batch_itself_and_syncs_the_index_once():
    assets = _assets(7)
    job = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 3})
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    batches = list(EmbedBatch.objects.filter(parent_job=job))
    assert [(b.total, b.embedded, b.claimed_by_id) for b in batches] == [(3, 3, job.pk), (3, 3, job.pk), (1, 1, job.pk)]
    assert all(b.batch_job_id is None for b in batches)  # no broker: nobody to share with
    assert (job.done, job.total) == (7, 7)
    assert job.result["embedded"] == 7 and job.result["batches"] == 3
    assert sorted(get_index().asset_ids.tolist()) == sorted(a.pk for a in assets)
    assert get_index().version == 1  # one publish for the whole job


def test_with_a_broker_every_batch_gets_a_job_and_no_batch_is_embedded_twice(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A backlog of 7 in batches of 3: batch job 1 runs on another worker; batch job 2's worker died
    after claiming (stale heartbeat); the coordinator takes over 2, runs 3, and publishes once.
    Late deliveries of batch jobs find their batch done and write nothing."""
    from django.utils import timezone

    from core.tasks import run_job_task
    from vision.services.embed_batches import embed_batch_claim
    from vision.services.jobs import embed_request_job

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list[int] = []
    sent_result = type("Sent", (), {"id": "task-id"})
    monkeypatch.setattr(run_job_task, "apply_async", lambda args, **kw: sent.append(args[0]) or sent_result)
    assets = _assets(7)
    parent = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 3, "stall_seconds": 60})
    plan = embed_batches_plan(job=parent, embedder_id=get_embedder().id, account_ids=None, batch_assets=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert embed_batch_jobs_enqueue(job=parent, batches=plan) == 3
    first, second, third = (b.batch_job_id for b in EmbedBatch.objects.filter(parent_job=parent))
    assert sent == [first, second, third]

    run_job(job_id=first)
    assert ImageEmbedding.objects.count() == 3
    assert Job.objects.get(pk=first).result["embedded"] == 3
    assert embed_batch_claim(batch_id=plan[1].pk, job_id=second)
    EmbedBatch.objects.filter(pk=plan[1].pk).update(heartbeat_at=timezone.now() - timezone.timedelta(hours=1))

    assert embed_batch_jobs_enqueue(job=parent, batches=plan) == 0  # a restarted coordinator queues nothing new
    run_job(job_id=parent.pk)
    parent.refresh_from_db()
    assert parent.status == JobStatus.SUCCEEDED, parent.error
    assert parent.result["embedded"] == 4 and parent.result["embedded_total"] == 7
    assert (parent.done, parent.total) == (7, 7)
    assert EmbedBatch.objects.get(pk=plan[1].pk).claimed_by_id == parent.pk
    assert sorted(get_index().asset_ids.tolist()) == sorted(a.pk for a in assets)

    assert embed_request_job(reason="batch jobs still waiting are not an EMBED request") is not None
    for late in (second, third):
        run_job(job_id=late)
        assert Job.objects.get(pk=late).result["skipped"] == "finished"
    assert ImageEmbedding.objects.count() == 7
    assert get_index().version == 1


def test_a_worker_whose_stalled_batch_was_taken_over_stops_without_writing():
    from django.utils import timezone

    from vision.services.embed_batches import embed_batch_claim, embed_batch_run

    _assets(3)
    parent = JobFactory(kind=JobKind.EMBED, params={})
    slow, rescuer = (JobFactory(kind=JobKind.EMBED, params={}) for _ in range(2))
    (batch,) = embed_batches_plan(job=parent, embedder_id=get_embedder().id, account_ids=None, batch_assets=10)
    assert embed_batch_claim(batch_id=batch.pk, job_id=slow.pk)
    assert not embed_batch_claim(batch_id=batch.pk, job_id=rescuer.pk)  # held and alive
    EmbedBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(hours=1))
    assert embed_batch_claim(batch_id=batch.pk, job_id=rescuer.pk, stall_seconds=60)

    outcome = embed_batch_run(batch=batch, job_id=slow.pk, account_ids=None)
    assert outcome == {"embedded": 0, "failed": 0, "taken_over": True}
    assert ImageEmbedding.objects.count() == 0
    assert embed_batch_run(batch=batch, job_id=rescuer.pk, account_ids=None)["embedded"] == 3


def test_a_batch_job_embeds_only_its_range_and_accounts():
    own, other = AccountFactory(), AccountFactory()
    mine = _assets(4, account=own)
    _assets(2, account=other)
    parent = JobFactory(kind=JobKind.EMBED, params={"account_ids": [own.pk]})
    plan = embed_batches_plan(job=parent, embedder_id=get_embedder().id, account_ids=[own.pk], batch_assets=2)
    assert [(b.first_asset_id, b.last_asset_id) for b in plan] == [(mine[0].pk, mine[1].pk), (mine[2].pk, mine[3].pk)]
    child = JobFactory(kind=JobKind.EMBED, params={"embed_batch_id": plan[1].pk, "parent_job_id": parent.pk})
    run_job(job_id=child.pk)
    child.refresh_from_db()
    assert sorted(ImageEmbedding.objects.values_list("asset_id", flat=True)) == [mine[2].pk, mine[3].pk]
    assert (child.status, child.done, child.total) == (JobStatus.SUCCEEDED, 2, 2)


@pytest.mark.django_db(transaction=True)  # autocommit, as from a shell: the job starts at once
def test_embed_images_as_job_splits_into_batches_and_reports():
    _assets(5)
    out = io.StringIO()
    call_command("embed_images", "--as-job", "--job-batch", "2", "--no-progress", stdout=out, stderr=io.StringIO())
    job = Job.objects.get(kind=JobKind.EMBED)
    assert f"EMBED job {job.pk}: embedded 5 image(s) in 3 batch(es); index rebuilt" in out.getvalue()
    assert EmbedBatch.objects.filter(parent_job=job).count() == 3 and get_index().count == 5
    with pytest.raises(CommandError, match="--job-batch"):
        call_command("embed_images", "--job-batch", "2", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_coordinator_out_of_time_hands_its_batches_over_and_the_last_batch_job_syncs(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A task has a time limit, a backlog does not: with its budget spent the coordinator leaves the
    unfinished batches to their queued batch jobs, and the one finishing the last batch publishes."""
    from core.tasks import run_job_task

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(run_job_task, "apply_async", lambda args, **kw: type("R", (), {"id": "t"}))
    assets = _assets(6)
    parent = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 2, "budget_seconds": 0})
    with django_capture_on_commit_callbacks(execute=True):
        run_job(job_id=parent.pk)
    parent.refresh_from_db()
    # Not done until its batches are: it stays RUNNING, saying how many it handed over.
    assert parent.status == JobStatus.RUNNING and parent.result["handed_over"] == 3 and not parent.is_finished
    assert ImageEmbedding.objects.count() == 0 and get_index() is None

    first, second, third = (b.batch_job_id for b in EmbedBatch.objects.filter(parent_job=parent))
    for done, batch_job in ((2, first), (4, second)):
        run_job(job_id=batch_job)
        assert "index" not in Job.objects.get(pk=batch_job).result  # not the last batch: no publish
        parent.refresh_from_db()
        assert parent.status == JobStatus.RUNNING and (parent.done, parent.total) == (done, 6)
    assert get_index() is None
    run_job(job_id=third)
    assert Job.objects.get(pk=third).result["index"]["count"] == 6
    assert sorted(get_index().asset_ids.tolist()) == sorted(a.pk for a in assets)
    parent.refresh_from_db()
    assert parent.status == JobStatus.SUCCEEDED and (parent.done, parent.total) == (6, 6)
    assert parent.result["embedded_total"] == 6 and parent.result["index"]["count"] == 6
    assert "index updated" in job_log_text(parent, "en") or "index rebuilt" in job_log_text(parent, "en")


def test_a_coordinator_out_of_time_still_embeds_the_batches_whose_job_failed(settings, monkeypatch):
    """A batch job that failed will not come back: its batch is not handed over to it."""
    from core.tasks import run_job_task

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(run_job_task, "apply_async", lambda args, **kw: type("R", (), {"id": "t"}))
    _assets(6)
    parent = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 2, "budget_seconds": 0})
    plan = embed_batches_plan(job=parent, embedder_id=get_embedder().id, account_ids=None, batch_assets=2)
    embed_batch_jobs_enqueue(job=parent, batches=plan)
    failed = EmbedBatch.objects.get(pk=plan[1].pk).batch_job_id
    Job.objects.filter(pk=failed).update(status=JobStatus.FAILED, error="worker lost")

    run_job(job_id=parent.pk)
    parent.refresh_from_db()
    assert parent.status == JobStatus.RUNNING and parent.result["handed_over"] == 2
    batches = list(EmbedBatch.objects.filter(parent_job=parent).order_by("first_asset_id"))
    assert [b.finished_at is not None for b in batches] == [False, True, False]
    assert batches[1].claimed_by_id == parent.pk and ImageEmbedding.objects.count() == 2


def test_a_failing_batch_job_fails_the_coordinator_that_handed_it_over(settings, monkeypatch):
    from core.tasks import run_job_task
    from vision.services import embed_batches

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(run_job_task, "apply_async", lambda args, **kw: type("R", (), {"id": "t"}))
    _assets(4)
    parent = JobFactory(kind=JobKind.EMBED, params={"batch_assets": 2, "budget_seconds": 0})
    run_job(job_id=parent.pk)
    first = EmbedBatch.objects.filter(parent_job=parent).order_by("pk").first().batch_job_id

    def broken(**kwargs):
        raise OSError("media storage unreachable")

    monkeypatch.setattr(embed_batches, "embed_batch_run", broken)
    with pytest.raises(OSError):
        run_job(job_id=first)
    parent.refresh_from_db()
    assert parent.status == JobStatus.FAILED and "media storage unreachable" in parent.error
    assert f"batch job {first}" in parent.error


def test_an_embed_job_requested_during_a_long_one_takes_only_the_images_that_arrived_since():
    account = AccountFactory()
    backlog = _assets(6, account=account)
    first = JobFactory(kind=JobKind.EMBED, status=JobStatus.RUNNING, params={})
    embedder_id = get_embedder().id
    embed_batches_plan(job=first, embedder_id=embedder_id, account_ids=None, batch_assets=2)
    arrived = _assets(2, style="sepia_vignette", account=account)

    second = JobFactory(kind=JobKind.EMBED, params={})
    (only,) = embed_batches_plan(job=second, embedder_id=embedder_id, account_ids=None, batch_assets=5)
    assert (only.first_asset_id, only.last_asset_id, only.total) == (arrived[0].pk, arrived[1].pk, 2)

    Job.objects.filter(pk=first.pk).update(status=JobStatus.FAILED)  # its batches are nobody's now
    third = JobFactory(kind=JobKind.EMBED, params={})
    (rest,) = embed_batches_plan(job=third, embedder_id=embedder_id, account_ids=None, batch_assets=10)
    assert (rest.first_asset_id, rest.last_asset_id, rest.total) == (backlog[0].pk, backlog[-1].pk, 6)
