"""A sharded index for catalogues too large for one index: S `VectorIndex` shards by asset id,
searched together and merged. No Django here; `vision.services.index` builds and syncs the shards
(one INDEX job per shard) and `get_index` returns a `ShardedIndex` when VISION_INDEX_SHARDS > 1.

Shard s holds the assets with asset_id % S == s: stable (an image never moves), even for the
sequential ids the database hands out, and a change touches one shard. Each shard is a complete
`VectorIndex` in its own folder (`shard-<s>-of-<S>/`) with its own manifest and versions, so S
jobs can build or publish shards in parallel. The merge is exact: each shard returns its own top-k,
and the global top-k is within their union.

A `ShardedIndex` answers what readers ask of a `VectorIndex` (count, search with an allowed-id
set, the asset → account → creator arrays sorted by asset id, positions, present, reconstruct,
the catalogue mean); updates go to the shards themselves.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vision.ann import AssetLookup, VectorIndex, choose_kind

_SEARCH_THREADS = 8
_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): a forked process makes its own


def _search_pool() -> ThreadPoolExecutor:
    """Threads that search shards, kept for the life of the process: starting threads for every
    query cost more than searching a small shard (3 exact shards of 20k vectors: p50 5.0 ms with
    a pool per query, 3.2 ms with this one)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=_SEARCH_THREADS, thread_name_prefix="shard-search"))
        return _pool[1]


def shard_of(asset_ids: np.ndarray, shards: int) -> np.ndarray:
    """The shard of each asset id."""
    return np.asarray(asset_ids, dtype=np.int64) % shards


def sharded_kind(kinds: list[str]) -> str:
    """How the kinds of the shards read as one: e.g. 'sharded 3 × hnsw', 'sharded 2 × flat + 1 × hnsw'."""
    counts = {kind: kinds.count(kind) for kind in sorted(set(kinds))}
    return "sharded " + " + ".join(f"{n} × {kind}" for kind, n in counts.items())


def shard_folder(directory: Path | str, shard: int, shards: int) -> Path:
    """Where shard `shard` of `shards` lives under an index folder."""
    return Path(directory) / f"shard-{shard}-of-{shards}"


@dataclass
class ShardedIndex(AssetLookup):
    """S shards of one embedder's vectors, searched as one index."""

    shards: list[VectorIndex]
    asset_ids: np.ndarray = field(init=False)  # sorted, every shard's live assets
    account_ids: np.ndarray = field(init=False)  # aligned with asset_ids
    creator_ids: np.ndarray = field(init=False)  # aligned with asset_ids

    def __post_init__(self) -> None:
        if not self.shards:
            raise ValueError("a sharded index needs at least one shard")
        ids = np.concatenate([shard.asset_ids for shard in self.shards])
        order = np.argsort(ids, kind="stable")
        self.asset_ids = ids[order]
        self.account_ids = np.concatenate([shard.account_ids for shard in self.shards])[order]
        self.creator_ids = np.concatenate([shard.creator_ids for shard in self.shards])[order]

    @classmethod
    def build(
        cls,
        *,
        shards: int,
        embedder_id: str,
        vectors: np.ndarray,
        asset_ids: np.ndarray,
        account_ids: np.ndarray,
        creator_ids: np.ndarray,
        kind: str | None = None,
    ) -> ShardedIndex:
        """Split the vectors by asset id and build every shard, of the kind the whole catalogue
        calls for (`choose_kind`; a shard without vectors is an empty exact index)."""
        if shards < 1:
            raise ValueError("a sharded index needs at least one shard")
        owner = shard_of(asset_ids, shards)
        parts = []
        for shard in range(shards):
            mine = owner == shard
            parts.append(
                VectorIndex.build(
                    embedder_id=embedder_id,
                    vectors=vectors[mine],
                    asset_ids=np.asarray(asset_ids)[mine],
                    account_ids=np.asarray(account_ids)[mine],
                    creator_ids=np.asarray(creator_ids)[mine],
                    kind=(kind or choose_kind(len(vectors))) if mine.any() else "flat",
                )
            )
        return cls(parts)

    @property
    def count(self) -> int:
        return sum(shard.count for shard in self.shards)

    @property
    def embedder_id(self) -> str:
        return self.shards[0].embedder_id

    @property
    def dim(self) -> int:
        return self.shards[0].dim

    @property
    def kind(self) -> str:
        return sharded_kind([shard.kind for shard in self.shards])

    @property
    def version(self) -> int:
        """Sum of the shard versions: grows with every publish of any shard."""
        return sum(shard.version for shard in self.shards)

    @property
    def mean_vector(self) -> np.ndarray:
        total = np.sum([shard.vector_sum for shard in self.shards], axis=0)
        return (total / max(self.count, 1)).astype(np.float32)

    def reconstruct(self, asset_ids: np.ndarray) -> np.ndarray:
        """The stored vectors of these asset ids (each from its shard), in the order given."""
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        out = np.zeros((asset_ids.size, self.dim), dtype=np.float32)
        owner = shard_of(asset_ids, len(self.shards))
        for s, shard in enumerate(self.shards):
            mine = owner == s
            if mine.any():
                out[mine] = shard.reconstruct(asset_ids[mine])
        return out

    def search(
        self, queries: np.ndarray, k: int, *, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (similarities, asset ids) per query over every shard; ids are -1 where fewer than
        k exist. Shards are searched in parallel threads (FAISS releases the GIL)."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        total = len(self.shards)
        owner = shard_of(allowed, total) if allowed is not None else None

        def search_shard(shard: int) -> tuple[np.ndarray, np.ndarray]:
            subset = np.asarray(allowed)[owner == shard] if allowed is not None else None
            return self.shards[shard].search(queries, k, allowed=subset)

        # The calling thread searches the first shard while pool threads search the others.
        others = [_search_pool().submit(search_shard, shard) for shard in range(1, total)]
        parts = [search_shard(0)] + [future.result() for future in others]
        sims = np.concatenate([part[0] for part in parts], axis=1)
        ids = np.concatenate([part[1] for part in parts], axis=1)
        sims = np.where(ids >= 0, sims, -np.inf)
        order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(sims, order, axis=1), np.take_along_axis(ids, order, axis=1)

    def save(self, directory: Path | str) -> list[int]:
        """Publish every shard in its own folder (each atomically); returns their versions."""
        return [shard.save(shard_folder(directory, s, len(self.shards))) for s, shard in enumerate(self.shards)]

    @classmethod
    def load(cls, directory: Path | str, *, shards: int) -> ShardedIndex | None:
        """The published shards; None unless every shard has been published."""
        parts = [VectorIndex.load(shard_folder(directory, s, shards)) for s in range(shards)]
        published = [part for part in parts if part is not None]
        if len(published) < len(parts):
            return None
        return cls(published)
