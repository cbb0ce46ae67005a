"""Fault: the FAISS index on disk is corrupted or missing.

A process that loads it must detect the damage (checksums in the manifest), answer searches in a
clear "rebuilding" state instead of failing, and request a rebuild job; once that job has run,
searches are "ready" again with the same results as before the damage. An index small enough
to rebuild in about a second (exact, up to FLAT_MAX vectors) is rebuilt within the search itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Job, JobKind, JobStatus
from core.services.jobs import run_job
from tests.factories import MembershipFactory
from tests.vision.image_assets import make_image_assets
from tests.workers import start_worker, wait_for

ASSETS = 48
ACCOUNTS = 6


def _index_folder() -> Path:
    from vision.embedders import get_embedder
    from vision.services.index import index_dir

    return index_dir(get_embedder().id)


def _manifest() -> dict:
    from vision.ann import read_manifest

    manifest = read_manifest(_index_folder())
    assert manifest is not None
    return manifest


def _damage(how: str) -> None:
    folder = _index_folder()
    index_file = folder / f"index-v{_manifest()['version']}.faiss"
    if how == "corrupt":
        data = bytearray(index_file.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64  # same size: only the checksum tells
        index_file.write_bytes(bytes(data))
    elif how == "truncated":
        index_file.write_bytes(index_file.read_bytes()[:100])
    elif how == "missing_file":
        index_file.unlink()
    elif how == "missing_folder":
        shutil.rmtree(folder)
    else:
        raise AssertionError(how)


def _lookalikes(creator_id: int):
    from vision.services.search import lookalikes

    return lookalikes(creator_id=creator_id, top=4)


def _ranking(result) -> list[tuple[int, float]]:
    return [(match.creator_id, round(match.score, 3)) for match in result.results]


def _build_catalogue() -> int:
    """Embed the test assets and publish the index; returns a creator to search around."""
    from influencers.models import MediaAsset
    from vision.services.embedding import embed_pending_assets

    make_image_assets(ASSETS, accounts=ACCOUNTS)
    assert embed_pending_assets() == ASSETS
    return MediaAsset.objects.order_by("id").first().account.creator_id


@pytest.fixture
def large_catalogue(monkeypatch):
    """Make search treat the catalogue as too large to rebuild inside a request (above FLAT_MAX
    vectors it hands the rebuild to a job); index builds themselves are unchanged."""
    import vision.services.search as search

    monkeypatch.setattr(search, "FLAT_MAX", ASSETS // 2)


DAMAGE = ["corrupt", "truncated", "missing_file", "missing_folder"]


def _assert_detected(how: str) -> None:
    from vision.errors import IndexCorrupt
    from vision.services.index import get_index, reset_index_cache

    reset_index_cache()  # a web process that starts now (or reloads) meets the damaged files
    if how == "missing_folder":
        assert get_index() is None
    else:  # caught by the manifest's checksums and sizes, never served
        with pytest.raises(IndexCorrupt):
            get_index()


@pytest.mark.django_db
@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_large_index_searches_say_rebuilding_until_the_rebuild_job_restores_results(large_catalogue, how):
    from vision.services.index import index_status

    creator_id = _build_catalogue()
    before = _lookalikes(creator_id)
    assert before.index_state == "ready" and len(before.results) == 4
    version_before = _manifest()["version"]

    _damage(how)
    _assert_detected(how)
    during = _lookalikes(creator_id)
    assert during.index_state == "rebuilding"
    assert during.results == []  # a clear state, not a wrong answer
    rebuild = Job.objects.get(kind=JobKind.INDEX, status=JobStatus.PENDING)
    assert rebuild.params["mode"] == "rebuild"
    _lookalikes(creator_id)  # a second search while the job waits queues nothing more
    assert Job.objects.filter(kind=JobKind.INDEX).count() == 1

    assert run_job(job_id=rebuild.pk).status == JobStatus.SUCCEEDED
    assert index_status()["state"] == "ready"
    assert how == "missing_folder" or _manifest()["version"] > version_before
    after = _lookalikes(creator_id)
    assert after.index_state == "ready"
    assert _ranking(after) == _ranking(before)


@pytest.mark.django_db
@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_small_index_is_rebuilt_within_the_search(how):
    from vision.services.index import get_index

    creator_id = _build_catalogue()
    before = _lookalikes(creator_id)
    version_before = _manifest()["version"]

    _damage(how)
    _assert_detected(how)
    during = _lookalikes(creator_id)
    assert during.index_state == "ready"
    assert _ranking(during) == _ranking(before)
    assert get_index().count == ASSETS  # republished on disk, for every other process
    assert how == "missing_folder" or _manifest()["version"] > version_before


@pytest.mark.slow
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_corrupted_index_is_rebuilt_by_a_real_worker_and_the_api_recovers(real_broker, large_catalogue, tmp_path):
    creator_id = _build_catalogue()
    membership = MembershipFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=membership.user).key}")
    url = f"/api/creators/{creator_id}/lookalikes/?top=4"

    before = client.get(url)
    assert before.status_code == 200 and before.json()["index_state"] == "ready", before.content
    version_before = _manifest()["version"]

    worker = start_worker(tmp_path / "worker", name="fault-index", queues=("heavy",))
    try:
        _damage("corrupt")
        _assert_detected("corrupt")
        during = client.get(url)
        assert during.status_code == 200, during.content
        assert during.json()["index_state"] == "rebuilding"
        assert during.json()["results"] == []

        rebuilt = wait_for(
            lambda: Job.objects.filter(kind=JobKind.INDEX, status=JobStatus.SUCCEEDED).exists(),
            timeout=60,
            interval=0.25,
            alive=worker,
        )
        assert rebuilt, f"no rebuild finished:\n{worker.tail()}"
    finally:
        worker.stop()

    assert _manifest()["version"] > version_before
    after = client.get(url)
    assert after.json()["index_state"] == "ready"
    assert after.json()["results"] == before.json()["results"]
