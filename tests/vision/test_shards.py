"""The sharded index wrapper: split by asset id, merged top-k equal to one index over everything."""

from __future__ import annotations

import numpy as np
import pytest

from vision.ann import VectorIndex
from vision.shards import ShardedIndex, shard_folder, shard_of


def _catalogue(n: int = 1200, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(30, dim))
    vectors = centres[rng.integers(0, 30, n)] + 0.3 * rng.normal(size=(n, dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    ids = np.arange(1, n + 1, dtype=np.int64) * 7  # not 0..n-1: shards go by asset id, not position
    return vectors, ids, ids // 70


def _both(shards: int) -> tuple[VectorIndex, ShardedIndex, np.ndarray]:
    vectors, ids, owners = _catalogue()
    args = {"embedder_id": "e", "vectors": vectors, "asset_ids": ids, "account_ids": owners, "creator_ids": owners}
    return VectorIndex.build(**args), ShardedIndex.build(shards=shards, **args), vectors


def test_each_asset_lives_in_exactly_one_shard_chosen_by_its_id():
    _, sharded, _ = _both(3)
    assert sharded.count == 1200
    for s, shard in enumerate(sharded.shards):
        assert shard.count > 0 and set(shard_of(shard.asset_ids, 3)) == {s}
    assert len(np.unique(np.concatenate([shard.asset_ids for shard in sharded.shards]))) == 1200


@pytest.mark.parametrize("shards", [1, 3, 4])
def test_merged_top_k_equals_one_index_over_everything(shards):
    single, sharded, vectors = _both(shards)
    queries = vectors[:20] + 0.05
    want_sims, want_ids = single.search(queries, 25)
    got_sims, got_ids = sharded.search(queries, 25)
    assert np.array_equal(got_ids, want_ids)
    assert np.allclose(got_sims, want_sims, atol=1e-5)


def test_filtered_search_keeps_to_the_allowed_ids_on_every_shard():
    single, sharded, vectors = _both(3)
    allowed = single.asset_ids[::5]
    _, want = single.search(vectors[:5], 10, allowed=allowed)
    _, got = sharded.search(vectors[:5], 10, allowed=allowed)
    assert np.array_equal(got, want) and np.isin(got, allowed).all()


def test_shards_are_published_separately_and_load_only_when_all_are_there(tmp_path):
    _, sharded, vectors = _both(2)
    assert sharded.save(tmp_path) == [1, 1]
    loaded = ShardedIndex.load(tmp_path, shards=2)
    assert loaded is not None and loaded.count == 1200
    assert np.array_equal(loaded.search(vectors[:3], 5)[1], sharded.search(vectors[:3], 5)[1])
    (shard_folder(tmp_path, 1, 2) / "manifest.json").unlink()
    assert ShardedIndex.load(tmp_path, shards=2) is None


def test_the_merged_arrays_answer_like_one_index():
    single, sharded, vectors = _both(3)
    assert np.array_equal(sharded.asset_ids, single.asset_ids)
    assert np.array_equal(sharded.account_ids, single.account_ids)
    assert np.array_equal(sharded.creator_ids, single.creator_ids)
    some = single.asset_ids[[5, 500, 17, 1199]]
    assert np.array_equal(sharded.creator_ids[sharded.positions(some)], single.creator_ids[single.positions(some)])
    asked = np.array([some[0], 3, some[1], 10**9], dtype=np.int64)  # 3 and 10**9 are not in the index
    assert sharded.present(asked).tolist() == [some[0], some[1]]
    assert np.allclose(sharded.reconstruct(some), single.reconstruct(some))
    assert np.allclose(sharded.mean_vector, single.mean_vector, atol=1e-6)
    assert sharded.version == 0 and sharded.kind == "sharded 3 × flat" and sharded.dim == vectors.shape[1]
