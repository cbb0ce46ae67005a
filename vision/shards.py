"""A sharded index for catalogues too large for one index: S `VectorIndex` shards by asset id,
searched together and merged. No Django here; not wired into search yet (docs/deploy.md, "Past one
index", says when it is worth it).

Shard s holds the assets with asset_id % S == s: stable (an image never moves), even for the
sequential ids the database hands out, and a change touches one shard. Each shard is a complete
`VectorIndex` in its own folder (`shard-<s>-of-<S>/`) with its own manifest and versions, so S
jobs can build or publish shards in parallel. The merge is exact: each shard returns its own top-k,
and the global top-k is within their union.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vision.ann import VectorIndex


def shard_of(asset_ids: np.ndarray, shards: int) -> np.ndarray:
    """The shard of each asset id."""
    return np.asarray(asset_ids, dtype=np.int64) % shards


def shard_folder(directory: Path | str, shard: int, shards: int) -> Path:
    """Where shard `shard` of `shards` lives under an index folder."""
    return Path(directory) / f"shard-{shard}-of-{shards}"


@dataclass
class ShardedIndex:
    """S shards of one embedder's vectors, searched as one index."""

    shards: list[VectorIndex]

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
        """Split the vectors by asset id and build every shard (each may pick its own kind by size)."""
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
                    kind=kind,
                )
            )
        return cls(parts)

    @property
    def count(self) -> int:
        return sum(shard.count for shard in self.shards)

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

        with ThreadPoolExecutor(max_workers=min(total, 8)) as pool:
            parts = list(pool.map(search_shard, range(total)))
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
        if any(part is None for part in parts):
            return None
        return cls(parts)  # type: ignore[arg-type]
