"""The FAISS index: kinds by size, recall of IVF, filtered search, versioned atomic saves that
survive a crash, corruption detection, and incremental updates that match a rebuild."""

from __future__ import annotations

import json
import os

import faiss
import numpy as np
import pytest

from tests.factories import AccountFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import ZOO_STYLES, zoo_image
from vision import ann
from vision.ann import VectorIndex, choose_kind, read_manifest
from vision.errors import IndexCorrupt


def _clustered(n: int, dim: int = 32, clusters: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    x = centres[rng.integers(0, clusters, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _build(vectors: np.ndarray, *, kind: str | None = None, first_id: int = 1) -> VectorIndex:
    ids = np.arange(first_id, first_id + len(vectors), dtype=np.int64) * 7  # ids unlike row numbers
    return VectorIndex.build(
        embedder_id="test",
        vectors=vectors,
        asset_ids=ids,
        account_ids=ids // 7 // 3,
        creator_ids=ids // 7 // 6,
        kind=kind,
    )


def _exact(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :k]]


def test_kind_is_exact_for_small_catalogues_and_hnsw_for_large():
    assert choose_kind(10) == "flat"
    assert choose_kind(ann.FLAT_MAX) == "flat"
    assert choose_kind(ann.FLAT_MAX + 1) == "hnsw"


def test_flat_index_returns_exact_neighbours_by_asset_id():
    vectors = _clustered(500)
    index = _build(vectors)
    queries = _clustered(5, seed=9)
    _, ids = index.search(queries, 10)
    assert index.kind == "flat"
    assert np.array_equal(ids, _exact(vectors, np.arange(1, 501) * 7, queries, 10))


def test_hnsw_calibrated_ef_search_reaches_the_recall_target():
    data = _clustered(8100, clusters=60)
    vectors, queries = data[:8000], data[8000:]  # queries: fresh vectors from the same distribution
    index = _build(vectors, kind="hnsw")
    assert index.kind == "hnsw" and ann.CALIBRATION_K <= index.ef_search <= ann.EF_CHOICES[-1]
    _, found = index.search(queries, 50)
    truth = _exact(vectors, np.arange(1, 8001) * 7, queries, 50)
    recall = np.mean([len(np.intersect1d(f, t)) / 50 for f, t in zip(found, truth, strict=True)])
    assert recall >= 0.95


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("share", [0.01, 0.6])
def test_filtered_search_only_returns_allowed_ids_and_keeps_recall(kind, share, monkeypatch):
    monkeypatch.setattr(ann, "EXACT_SUBSET_MAX", 500)  # so the 60% subset goes through the id selector
    data = _clustered(6020, clusters=50)
    vectors, queries = data[:6000], data[6000:]
    ids = np.arange(1, 6001) * 7
    index = _build(vectors, kind=kind)
    rng = np.random.default_rng(3)
    allowed = np.sort(rng.choice(ids, int(len(ids) * share), replace=False))
    _, found = index.search(queries, 30, allowed=allowed)
    assert np.isin(found[found >= 0], allowed).all()
    rows = np.searchsorted(ids, allowed)
    truth = _exact(vectors[rows], allowed, queries, 30)
    recall = np.mean([len(np.intersect1d(f, t)) / 30 for f, t in zip(found, truth, strict=True)])
    assert recall >= 0.95


def test_save_and_load_round_trip_with_versions_and_checksums(tmp_path):
    vectors = _clustered(300)
    index = _build(vectors)
    assert index.save(tmp_path) == 1
    loaded = VectorIndex.load(tmp_path)
    queries = _clustered(3, seed=2)
    assert np.array_equal(loaded.search(queries, 5)[1], index.search(queries, 5)[1])
    assert loaded.version == 1 and loaded.count == 300
    manifest = read_manifest(tmp_path)
    assert manifest["embedder_id"] == "test" and manifest["count"] == 300 and len(manifest["index_sha256"]) == 64
    loaded.remove(loaded.asset_ids[:10])
    assert loaded.save(tmp_path) == 2
    assert VectorIndex.load(tmp_path).count == 290
    assert VectorIndex.load(tmp_path / "nothing-here") is None


def test_a_crash_while_saving_leaves_the_previous_index_readable(tmp_path, monkeypatch):
    old = _build(_clustered(200))
    old.save(tmp_path)
    queries = _clustered(4, seed=8)
    before = VectorIndex.load(tmp_path).search(queries, 5)

    new = _build(_clustered(250, seed=1))
    real_replace = os.replace

    def crash_on_manifest(src, dst):
        if str(dst).endswith("manifest.json"):
            raise OSError("power cut")
        return real_replace(src, dst)

    monkeypatch.setattr(ann.os, "replace", crash_on_manifest)
    with pytest.raises(OSError, match="power cut"):
        new.save(tmp_path)
    monkeypatch.setattr(ann.os, "replace", real_replace)
    after = VectorIndex.load(tmp_path)
    assert after.version == 1 and after.count == 200
    assert np.array_equal(after.search(queries, 5)[1], before[1])

    def half_written(index, path):
        with open(path, "wb") as handle:
            handle.write(b"\x00" * 100)
        raise OSError("disk full")

    real_write = faiss.write_index
    monkeypatch.setattr(ann.faiss, "write_index", half_written)
    with pytest.raises(OSError, match="disk full"):
        new.save(tmp_path)
    assert VectorIndex.load(tmp_path).version == 1
    assert not [p for p in os.listdir(tmp_path) if ".tmp-" in p]  # temporary files cleaned up

    monkeypatch.setattr(ann.faiss, "write_index", real_write)
    # The first failed save left version-2 files behind (renamed, never in a manifest): the next
    # version goes past them, so a reader can never confuse old and new files.
    assert new.save(tmp_path) == 3
    assert VectorIndex.load(tmp_path).count == 250


def test_corrupt_index_files_are_detected(tmp_path):
    _build(_clustered(100)).save(tmp_path)
    manifest = read_manifest(tmp_path)
    path = tmp_path / manifest["index_file"]
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(IndexCorrupt, match="checksum"):
        VectorIndex.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorrupt, match="not valid JSON"):
        VectorIndex.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": ann.FORMAT_VERSION}))
    with pytest.raises(IndexCorrupt, match="lacks"):
        VectorIndex.load(tmp_path)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_add_replaces_and_remove_drops_and_the_mean_follows(kind, tmp_path, monkeypatch):
    monkeypatch.setattr(ann, "FLAT_MAX", 400 if kind == "flat" else 100)  # this size counts as small / large
    vectors = _clustered(400)
    index = _build(vectors, kind=kind)
    replacement = _clustered(1, seed=42)
    index.add(vectors=replacement, asset_ids=np.array([7]), account_ids=np.array([0]), creator_ids=np.array([0]))
    assert index.count == 400
    tolerance = 1e-6 if kind == "flat" else 0.02  # HNSW keeps 8-bit codes of the vectors
    assert np.allclose(index.reconstruct(np.array([7]))[0], replacement[0], atol=tolerance)
    _, found = index.search(replacement, 1)
    assert found[0, 0] == 7  # the new vector, not the replaced one
    assert index.remove(np.array([7, 14, 999_999])) == 2
    assert index.count == 398
    expected = (vectors[2:].sum(axis=0)) / 398
    assert np.allclose(index.mean_vector, expected, atol=max(tolerance / 100, 1e-5))

    # Removed assets never come back, also after a save and load (tombstones persist).
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    _, found = loaded.search(vectors[:2], 400)
    assert not np.isin(found, [7, 14]).any() and (found >= 0).sum() == 2 * 398
    assert loaded.needs_rebuild() == ""
    loaded.remove(loaded.asset_ids[:100])
    assert "removed images" in loaded.needs_rebuild()


# --- with the database ---------------------------------------------------------------------


def _catalogue(creators: int = 6, images: int = 3) -> list:
    assets = []
    for c in range(creators):
        account = AccountFactory()
        style = ZOO_STYLES[c % len(ZOO_STYLES)]
        assets += [add_image_asset(account, zoo_image(style, seed=100 * c + k, size=64)) for k in range(images)]
    return assets


@pytest.mark.django_db
def test_saved_reloaded_and_updated_index_matches_one_rebuilt_from_the_database(settings, tmp_path):
    from influencers.models import MediaAsset
    from vision.embedders import get_embedder
    from vision.services.embedding import embed_pending_assets
    from vision.services.index import get_index, index_build, index_dir, index_sync, reset_index_cache

    assets = _catalogue()
    embed_pending_assets()
    reset_index_cache()
    saved = get_index()  # reloaded from disk
    assert saved.count == len(assets)

    # The catalogue changes: two images deleted, one account moves creator, new images arrive.
    MediaAsset.objects.filter(pk__in=[assets[0].pk, assets[4].pk]).delete()
    moved_account = assets[7].account
    moved_account.creator = assets[10].account.creator
    moved_account.save()
    for k in range(2):
        add_image_asset(assets[2].account, zoo_image("bw_contrast", seed=900 + k, size=64))
    embed_pending_assets(update_index=False)
    result = index_sync()
    assert result["action"] == "updated"
    assert (result["added"], result["removed"], result["moved"]) == (2, 2, 3)
    updated = get_index()
    assert updated.version == saved.version + 1

    embedder_id = get_embedder().id
    settings.VISION_INDEX_DIR = tmp_path / "fresh"
    rebuilt = index_build(embedder_id=embedder_id)
    assert index_dir(embedder_id) != updated and rebuilt.version == 1
    assert np.array_equal(updated.asset_ids, rebuilt.asset_ids)
    assert np.array_equal(updated.creator_ids, rebuilt.creator_ids)
    queries = get_embedder().embed_images([zoo_image(s, seed=5, size=64) for s in ZOO_STYLES[:4]])
    s1, i1 = updated.search(queries, 8)
    s2, i2 = rebuilt.search(queries, 8)
    assert np.array_equal(i1, i2) and np.allclose(s1, s2)
    assert np.allclose(updated.mean_vector, rebuilt.mean_vector, atol=1e-5)
    assert index_sync(embedder_id=embedder_id)["action"] == "unchanged"


@pytest.mark.django_db
def test_status_reports_missing_stale_ready_and_corrupt():
    from vision.services.embedding import embed_pending_assets
    from vision.services.index import index_build, index_dir, index_status

    assert index_status()["state"] == "empty"
    assets = _catalogue(creators=2, images=2)
    embed_pending_assets(update_index=False)
    assert index_status()["state"] == "missing"
    index_build()
    assert index_status()["state"] == "ready"
    assets[0].delete()
    assert index_status()["state"] == "stale"
    manifest = index_dir(index_status()["embedder_id"]) / "manifest.json"
    manifest.write_text("garbage")
    status = index_status()
    assert status["state"] == "corrupt" and "manifest.json" in status["error"]
