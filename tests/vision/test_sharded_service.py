"""The index service with VISION_INDEX_SHARDS > 1: search answers exactly as one index does,
a change touches only its shard, status and INDEX jobs go shard by shard, and a damaged shard is
found and rebuilt."""

from __future__ import annotations

import json

import pytest

from core.models import Job, JobKind, JobStatus
from core.services.jobs import run_job
from influencers.models import MediaAsset
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory, JobFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.ann import VectorIndex
from vision.embedders import get_embedder
from vision.models import ImageEmbedding
from vision.services.embedding import embed_pending_assets
from vision.services.index import (
    get_index,
    index_build,
    index_request_job,
    index_status,
    index_sync,
    reset_index_cache,
    shard_dir,
)
from vision.services.search import aesthetic_search, lookalikes, reset_stale_checks
from vision.shards import ShardedIndex, shard_of

pytestmark = pytest.mark.django_db

STYLES = ("bright_airy", "dark_moody", "bw_contrast", "vivid_pop")


@pytest.fixture
def catalogue() -> dict[int, str]:
    """12 creators, 3 per style, 3 images each, embedded (index not built yet)."""
    creators = {}
    for i in range(12):
        style = STYLES[i % 4]
        creator = CreatorFactory(display_name=f"{style} {i}", country="CN" if i < 6 else "US")
        account = AccountFactory(creator=creator, platform="instagram" if i % 2 == 0 else "tiktok")
        AccountMetricsFactory(account=account, followers=10_000 * (i + 1))
        for k in range(3):
            add_image_asset(account, zoo_image(style, seed=100 * i + k, size=48))
        creators[creator.pk] = style
    embed_pending_assets(update_index=False)
    return creators


def _switch_to(settings, shards: int) -> None:
    settings.VISION_INDEX_SHARDS = shards
    reset_index_cache()
    reset_stale_checks()


def _stored_per_shard() -> list[int]:
    """Stored embeddings per shard of 3 (what each shard should hold), straight from the database."""
    counts = [0, 0, 0]
    for asset_id in ImageEmbedding.objects.values_list("asset_id", flat=True):
        counts[asset_id % 3] += 1
    return counts


def _answers(catalogue: dict[int, str]) -> list:
    """What a user sees for a spread of searches: creators, scores, matched images."""

    def shown(result) -> list:
        assert result.index_state == "ready"
        return [
            (m.creator_id, m.score, [(x.asset_id, x.account_id, x.similarity) for x in m.matches])
            for m in result.results
        ]

    answers = []
    for n, style in enumerate(STYLES):
        query = [zoo_image(style, seed=9000 + n, size=48)]
        answers.append(shown(aesthetic_search(images=query, top=8)))
        answers.append(shown(aesthetic_search(images=query, countries=["US"], min_followers=80_000, top=5)))
        answers.append(shown(aesthetic_search(images=query, platforms=["tiktok"], top=5)))
        answers.append(shown(aesthetic_search(images=query, creator_ids=list(catalogue)[:5], top=5)))
    for creator_id in list(catalogue)[:4]:
        answers.append(shown(lookalikes(creator_id=creator_id, top=5)))
    return answers


def test_sharded_search_answers_exactly_as_one_index(catalogue, settings):
    _switch_to(settings, 1)
    single = _answers(catalogue)
    assert isinstance(get_index(), VectorIndex)

    _switch_to(settings, 3)  # no shard published yet: the first search builds them (small catalogue)
    sharded = _answers(catalogue)
    index = get_index()
    assert isinstance(index, ShardedIndex) and len(index.shards) == 3
    for s, shard in enumerate(index.shards):
        assert shard.count > 0 and set(shard_of(shard.asset_ids, 3).tolist()) == {s}
        assert (shard_dir(get_embedder().id, s) / "manifest.json").exists()
    assert index.count == 36
    assert sorted(index.asset_ids.tolist()) == sorted(MediaAsset.objects.values_list("pk", flat=True))
    assert sharded == single
    assert any(len(answer) >= 5 for answer in single)  # the searches did find creators


def test_a_new_image_and_a_deleted_one_touch_only_their_shards(catalogue, settings):
    _switch_to(settings, 3)
    index_build()
    before = [shard.version for shard in get_index().shards]

    account = AccountFactory(creator=CreatorFactory())
    new = add_image_asset(account, zoo_image("vivid_pop", seed=4242, size=48))
    embed_pending_assets(update_index=False)
    result = index_sync()
    home = int(new.pk % 3)
    assert result["action"] == "updated" and result["added"] == 1 and result["count"] == 37
    assert [s["action"] for s in result["shards"]] == ["updated" if s == home else "unchanged" for s in range(3)]
    assert result["account_ids"] == [account.pk]
    after = [shard.version for shard in get_index().shards]
    assert after == [v + 1 if s == home else v for s, v in enumerate(before)]
    results = aesthetic_search(images=[zoo_image("vivid_pop", seed=4242, size=48)], top=13).results
    found = next(m for m in results if m.creator_id == account.creator_id)
    assert found.matches[0].asset_id == new.pk and found.matches[0].similarity > 0.999

    gone = MediaAsset.objects.exclude(pk=new.pk).order_by("pk").first()
    gone_home = int(gone.pk % 3)
    gone.delete()
    result = index_sync()
    assert result["removed"] == 1 and result["count"] == 36
    assert [s["action"] for s in result["shards"]] == ["updated" if s == gone_home else "unchanged" for s in range(3)]
    assert gone.pk not in get_index().asset_ids


def test_status_goes_shard_by_shard(catalogue, settings):
    _switch_to(settings, 3)
    embedder_id = get_embedder().id
    assert index_status()["state"] == "missing"
    index_build(shard=1)
    status = index_status()
    assert status["state"] == "missing" and status["count"] == _stored_per_shard()[1]

    index_build()
    status = index_status()
    assert (status["state"], status["count"], status["db_count"], status["shards"]) == ("ready", 36, 36, 3)
    assert status["kind"] == "sharded 3 × flat" and status["version"] == 4  # shard 1 was published twice

    ImageEmbedding.objects.filter(asset_id=MediaAsset.objects.order_by("pk").first().pk).delete()
    assert index_status()["state"] == "stale"
    index_sync()
    assert index_status()["state"] == "ready"

    (shard_dir(embedder_id, 2) / "manifest.json").write_text("{not json")
    status = index_status()
    assert status["state"] == "corrupt" and "shard 2 of 3" in status["error"]


def test_index_jobs_are_one_per_shard_and_readers_wait_for_every_shard(
    catalogue, settings, django_capture_on_commit_callbacks
):
    _switch_to(settings, 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs = index_request_job(mode="rebuild", reason="test")
        assert index_request_job(mode="sync", reason="again") == []  # every shard has a job waiting
    assert [(j.params["shard"], j.params["shards"]) for j in jobs] == [(0, 3), (1, 3), (2, 3)]
    assert len(callbacks) == 3

    callbacks[2]()
    assert Job.objects.get(pk=jobs[2].pk).status == JobStatus.SUCCEEDED
    assert get_index() is None  # shards 0 and 1 are not published yet
    assert Job.objects.get(pk=jobs[2].pk).result["count"] == _stored_per_shard()[2]
    callbacks[0]()
    callbacks[1]()
    index = get_index()
    assert isinstance(index, ShardedIndex) and index.count == 36
    assert [Job.objects.get(pk=j.pk).result["shard"] for j in jobs] == [0, 1, 2]
    assert index_status()["state"] == "ready"

    # A job requested under another shard count does the whole index.
    stale = JobFactory(kind=JobKind.INDEX, params={"mode": "sync", "shard": 1, "shards": 5})
    MediaAsset.objects.order_by("pk").first().delete()
    run_job(job_id=stale.pk)
    stale.refresh_from_db()
    assert stale.status == JobStatus.SUCCEEDED and stale.result["removed"] == 1 and "shard" not in stale.result
    assert index_status()["state"] == "ready"


def test_shards_without_images_are_published_empty(settings):
    _switch_to(settings, 5)
    account = AccountFactory(creator=CreatorFactory())
    assets = [add_image_asset(account, zoo_image(style, seed=7, size=48)) for style in STYLES[:2]]
    embed_pending_assets(update_index=False)
    index_build()
    index = get_index()
    assert [shard.count for shard in index.shards].count(0) == 3
    assert index_status()["state"] == "ready"
    result = aesthetic_search(images=[zoo_image("bright_airy", seed=7, size=48)], top=3)
    assert [m.asset_id for m in result.results[0].matches][0] == assets[0].pk


def test_a_damaged_shard_is_rebuilt_by_the_search_that_finds_it(catalogue, settings):
    _switch_to(settings, 3)
    index_build()
    query = [zoo_image("dark_moody", seed=31, size=48)]
    before = aesthetic_search(images=query, top=4).results
    folder = shard_dir(get_embedder().id, 1)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / manifest["index_file"]).write_bytes(b"\x00" * 64)
    reset_index_cache()
    after = aesthetic_search(images=query, top=4)
    assert after.index_state == "ready" and after.results == before
    assert json.loads((folder / "manifest.json").read_text())["version"] == manifest["version"] + 1


def test_a_shard_count_below_one_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.VISION_INDEX_SHARDS = 0
    with pytest.raises(ImproperlyConfigured, match="VISION_INDEX_SHARDS"):
        get_index("any-embedder")


def test_the_kind_of_every_shard_goes_by_the_whole_catalogue(catalogue, settings, monkeypatch):
    # A query scans every shard, so exact shards over a large catalogue cost an exact scan of it all.
    monkeypatch.setattr("vision.ann.FLAT_MAX", 20)  # 36 images in all, 12 per shard
    _switch_to(settings, 3)
    index_build()
    index = get_index()
    assert [shard.kind for shard in index.shards] == ["hnsw"] * 3 and index_status()["kind"] == "sharded 3 × hnsw"
    assert all(shard.count == 12 for shard in index.shards)
    assert index_sync()["action"] == "unchanged"  # not "12 vectors call for a flat index"

    for asset in MediaAsset.objects.order_by("pk")[:18]:  # 18 left: exact again
        asset.delete()
    result = index_sync()
    assert result["action"] == "rebuilt" and result["count"] == 18
    assert [shard.kind for shard in get_index().shards] == ["flat"] * 3
