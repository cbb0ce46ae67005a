"""The FAISS index of one embedder, its on-disk format, and atomic saves. No Django here.

Kind of index, chosen by size (`choose_kind`):
- up to FLAT_MAX (50,000) vectors: exact search, `IndexFlatIP`. At that size a query scans
  100 MB at most and takes a few ms; nothing approximate is worth its recall loss.
- above: HNSW (`IndexHNSWSQ`: 8-bit scalar-quantised vectors, inner product, M = 32,
  efConstruction = 32). efSearch is
  calibrated at build time: the smallest value reaching recall@50 ≥ RECALL_TARGET (0.96) against
  exact search on 200 catalogue vectors standing in for fresh images (half leave themselves out,
  half leave their whole creator out).
  Why not IVF: on clustered CLIP-like data, IVF needs to scan 2–3% of the catalogue for
  recall@50 ≥ 0.95, and faiss's per-vector IVF scan is slower than its brute-force scan, so it
  stays below a 40× speed-up at 1M; HNSW visits a few thousand vectors per query (measured
  100×+), at the price of a longer build (bench/vision_bench.py measures it).

FAISS rows are numbered in insertion order; the meta arrays map rows to assets, accounts and
creators. HNSW cannot delete nodes, so a removed asset becomes a tombstone skipped through an id
selector; an index with more than 20% tombstones asks to be rebuilt.

On disk, one folder per embedder:
    manifest.json          {"format", "version", "embedder_id", "kind", "count", "ef_search", files + sha256...}
    index-v<N>.faiss       faiss.write_index of version N
    meta-v<N>.npz          row_asset, asset_ids (sorted), account_ids, creator_ids, rows, vector_sum
A save writes the new version's files under temporary names, fsyncs, renames them, then replaces
manifest.json the same way and fsyncs the folder. Readers only follow manifest.json, so a crash
at any point leaves the previous version readable; the previous version's files are kept one
more round for readers that are mid-load.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from vision.errors import IndexCorrupt

FORMAT_VERSION = 2
FLAT_MAX = 50_000
HNSW_M = 32  # graph degree (faiss default); 2·M links per vector on the bottom layer
HNSW_EF_CONSTRUCTION = 32  # faiss default is 40; build time grows with it, lost quality is won back by efSearch
SQ_TRAIN_SAMPLE = 100_000
RECALL_TARGET = 0.96  # calibration target on stand-in queries; the benchmark checks fresh ones
CALIBRATION_K = 50
EF_CHOICES = (50, 64, 80, 96, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 1024, 1536)
EF_MAX = 4096
EXACT_SUBSET_MAX = 20_000
TOMBSTONE_REBUILD_SHARE = 0.2
MANIFEST = "manifest.json"
_VERSIONED = re.compile(r"^(index|meta)-v(\d+)\.(faiss|npz)$")


def choose_kind(count: int) -> str:
    """'flat' (exact) up to FLAT_MAX vectors, 'hnsw' above. For a sharded index, `count` is the
    whole catalogue: a query scans every shard, so S exact shards cost one exact scan of it all."""
    return "flat" if count <= FLAT_MAX else "hnsw"


def ids_fingerprint(asset_ids: np.ndarray) -> dict[str, int]:
    """Cheap summary of a set of ids the database can compute with one aggregate query."""
    ids = np.asarray(asset_ids, dtype=np.int64)
    return {
        "count": int(ids.size),
        "id_sum": int(ids.sum()) if ids.size else 0,
        "id_max": int(ids.max()) if ids.size else 0,
    }


class AssetLookup:
    """Lookups in `asset_ids` (sorted; account_ids and creator_ids aligned with it), shared by an
    index and a sharded index."""

    asset_ids: np.ndarray

    def positions(self, asset_ids: np.ndarray) -> np.ndarray:
        """Positions in the (sorted) meta arrays of asset ids known to be in the index."""
        return np.searchsorted(self.asset_ids, asset_ids)

    def present(self, asset_ids: np.ndarray) -> np.ndarray:
        """The given asset ids that are in the index (binary search: no sort of the whole index)."""
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        if asset_ids.size == 0 or self.asset_ids.size == 0:
            return asset_ids[:0]
        pos = np.minimum(np.searchsorted(self.asset_ids, asset_ids), len(self.asset_ids) - 1)
        return asset_ids[self.asset_ids[pos] == asset_ids]


def _hnsw_search_params(ef: int, selector: Any = None) -> Any:
    """faiss.SearchParametersHNSW(efSearch=ef[, sel=selector]): faiss's keyword constructor sets
    the attributes the same way."""
    params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing from faiss's stubs
    params.efSearch = ef
    if selector is not None:
        params.sel = selector
    return params


def _new_faiss_index(kind: str, dim: int) -> Any:
    if kind == "flat":
        return faiss.IndexFlatIP(dim)
    if kind == "hnsw":
        # Vectors kept as 8-bit scalar-quantised codes (per-dimension min/max): a graph walk is
        # dominated by fetching vectors from memory, and 512 bytes instead of 2 KB per vector
        # made both build and search faster on these machines; cosines move by ~1e-3.
        # The stubs faiss ships type the second argument as a ScalarQuantizer; the constructor
        # takes its QuantizerType, an int.
        qtype = faiss.ScalarQuantizer.QT_8bit
        index = faiss.IndexHNSWSQ(dim, qtype, HNSW_M, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return index
    raise ValueError(f"unknown index kind {kind!r}")


@dataclass
class VectorIndex(AssetLookup):
    """A FAISS index of asset vectors plus the asset → account → creator map of its rows.

    FAISS rows are numbered in the order vectors were added; `row_asset[row]` is the asset of a
    row (−1 once removed). HNSW graphs cannot drop nodes, so removal leaves a tombstone that
    searches skip (an id selector) until a rebuild (when tombstones pass 20% of the rows).
    """

    embedder_id: str
    dim: int
    kind: str
    index: Any
    row_asset: np.ndarray  # (ntotal,) int64, -1 = removed
    asset_ids: np.ndarray  # sorted int64, live assets only
    account_ids: np.ndarray  # aligned with asset_ids
    creator_ids: np.ndarray  # aligned with asset_ids
    rows: np.ndarray  # aligned with asset_ids: the FAISS row of each asset
    vector_sum: np.ndarray  # float64 (dim,): sum of the live vectors, for the catalogue mean
    ef_search: int = 0
    version: int = 0
    build_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    # --- building -------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        *,
        embedder_id: str,
        vectors: np.ndarray,
        asset_ids: np.ndarray,
        account_ids: np.ndarray,
        creator_ids: np.ndarray,
        kind: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        seed: int = 0,
        recall_target: float = RECALL_TARGET,
    ) -> VectorIndex:
        """Build an index over `vectors` (rows L2-normalised float32, row i is asset_ids[i])."""
        started = time.perf_counter()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dim = vectors.shape
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        if len(np.unique(asset_ids)) != count:
            raise ValueError("asset ids must be unique")
        kind = kind or choose_kind(count)
        index = _new_faiss_index(kind, dim)
        with _omp_threads(_cores()):  # a build runs on every core (faiss adds vectors in parallel)
            if not index.is_trained:  # the scalar quantizer learns each dimension's range
                sample = vectors
                if count > SQ_TRAIN_SAMPLE:
                    sample = vectors[np.random.default_rng(seed).choice(count, SQ_TRAIN_SAMPLE, replace=False)]
                index.train(sample)
            step = 50_000
            for start in range(0, count, step):
                index.add(vectors[start : start + step])
                if progress:
                    progress("add", min(start + step, count), count)
            ef = 0
            if kind == "hnsw":
                ef = calibrate_ef_search(
                    index, vectors, groups=np.asarray(creator_ids), target=recall_target, seed=seed, progress=progress
                )
        order = np.argsort(asset_ids, kind="stable")
        built = cls(
            embedder_id=embedder_id,
            dim=dim,
            kind=kind,
            index=index,
            row_asset=asset_ids.copy(),
            asset_ids=asset_ids[order],
            account_ids=np.asarray(account_ids, dtype=np.int64)[order],
            creator_ids=np.asarray(creator_ids, dtype=np.int64)[order],
            rows=order.astype(np.int64),
            vector_sum=vectors.sum(axis=0, dtype=np.float64),
            ef_search=ef,
        )
        built.build_seconds = time.perf_counter() - started
        return built

    @property
    def count(self) -> int:
        """Live vectors (removed ones excluded)."""
        return len(self.asset_ids)

    @property
    def tombstones(self) -> int:
        return int(self.index.ntotal) - self.count

    @property
    def mean_vector(self) -> np.ndarray:
        """Mean of all vectors (not normalised): q·mean is the average similarity of q to the catalogue."""
        return (self.vector_sum / max(self.count, 1)).astype(np.float32)

    def needs_rebuild(self, *, catalogue_size: int | None = None) -> str:
        """Why this index should be rebuilt rather than updated ('' when it is fine). The kind
        goes by `catalogue_size` when this index is one shard of a larger catalogue."""
        size = self.count if catalogue_size is None or not self.count else catalogue_size  # an empty shard: exact
        want = choose_kind(size)
        if want != self.kind:
            return f"{size} vectors call for a {want} index, this one is {self.kind}"
        if self.tombstones > TOMBSTONE_REBUILD_SHARE * max(int(self.index.ntotal), 1):
            return f"{self.tombstones} of {int(self.index.ntotal)} rows are removed images"
        return ""

    # --- updates ----------------------------------------------------------------------------
    def add(
        self, *, vectors: np.ndarray, asset_ids: np.ndarray, account_ids: np.ndarray, creator_ids: np.ndarray
    ) -> None:
        """Add (or replace) vectors by asset id."""
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        if asset_ids.size == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.remove(asset_ids[np.isin(asset_ids, self.asset_ids)])
        first_row = int(self.index.ntotal)
        self.index.add(vectors)
        new_rows = np.arange(first_row, first_row + len(asset_ids), dtype=np.int64)
        self.row_asset = np.concatenate([self.row_asset, asset_ids])
        self.vector_sum = self.vector_sum + vectors.sum(axis=0, dtype=np.float64)
        merged = np.concatenate([self.asset_ids, asset_ids])
        order = np.argsort(merged, kind="stable")
        self.asset_ids = merged[order]
        self.account_ids = np.concatenate([self.account_ids, np.asarray(account_ids, dtype=np.int64)])[order]
        self.creator_ids = np.concatenate([self.creator_ids, np.asarray(creator_ids, dtype=np.int64)])[order]
        self.rows = np.concatenate([self.rows, new_rows])[order]

    def remove(self, asset_ids: np.ndarray) -> int:
        """Remove vectors by asset id (unknown ids are ignored); returns how many were removed."""
        present = self.present(np.unique(np.asarray(asset_ids, dtype=np.int64)))
        if present.size == 0:
            return 0
        pos = self.positions(present)
        self.vector_sum = self.vector_sum - self.reconstruct(present).sum(axis=0, dtype=np.float64)
        self.row_asset[self.rows[pos]] = -1
        keep = np.ones(len(self.asset_ids), dtype=bool)
        keep[pos] = False
        self.asset_ids, self.account_ids = self.asset_ids[keep], self.account_ids[keep]
        self.creator_ids, self.rows = self.creator_ids[keep], self.rows[keep]
        return int(present.size)

    def set_owners(self, *, asset_ids: np.ndarray, account_ids: np.ndarray, creator_ids: np.ndarray) -> None:
        """Update the account/creator of assets already in the index (an account moved creator)."""
        pos = self.positions(asset_ids)
        self.account_ids[pos] = account_ids
        self.creator_ids[pos] = creator_ids

    # --- queries (positions and present: AssetLookup) ---------------------------------------
    def reconstruct(self, asset_ids: np.ndarray) -> np.ndarray:
        """The stored vectors of these asset ids."""
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        if asset_ids.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.index.reconstruct_batch(np.ascontiguousarray(self.rows[self.positions(asset_ids)]))

    def search(
        self, queries: np.ndarray, k: int, *, allowed: np.ndarray | None = None, ef_search: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (similarities, asset ids) per query row; ids are -1 where fewer than k exist.

        `allowed` restricts the search to those asset ids without losing recall: a small subset
        (≤ EXACT_SUBSET_MAX) is searched exactly; a large one through an id selector inside the
        graph search, with efSearch raised in proportion to the share filtered out.
        """
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        with _threads_for(len(queries)):
            return self._search(queries, max(1, int(k)), allowed=allowed, ef_search=ef_search)

    def _search(
        self, queries: np.ndarray, k: int, *, allowed: np.ndarray | None, ef_search: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        ef = max(ef_search or self.ef_search, k)
        nothing = np.full((len(queries), k), -np.inf, dtype=np.float32), np.full((len(queries), k), -1, dtype=np.int64)
        if self.count == 0:  # e.g. a shard without images
            return nothing
        if allowed is not None:
            allowed = self.present(allowed)
            if allowed.size == 0:
                return nothing
            if allowed.size <= EXACT_SUBSET_MAX:
                return _exact_topk(self.reconstruct(allowed), allowed, queries, k)
            rows = self.rows[self.positions(allowed)]
        elif self.tombstones:
            rows = self.rows
        else:
            rows = None
        selector = bitmap = None
        if rows is not None:
            mask = np.zeros(int(self.index.ntotal), dtype=bool)
            mask[rows] = True
            bitmap = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap))
            # The graph walk skips rows outside the selector, so fewer of the candidates it keeps
            # are usable: widen it by √(1/share) (measured recall within the allowed subset ≥ 0.95
            # down to a 1/8 share; 1/share made filtered queries 5× slower for no gain).
            ef = min(EF_MAX, math.ceil(ef * math.sqrt(int(self.index.ntotal) / len(rows))))
        if self.kind == "hnsw":
            params = _hnsw_search_params(ef, selector)
        elif selector is not None:
            params = faiss.SearchParameters()
            params.sel = selector
        else:
            params = None
        sims, labels = self.index.search(queries, k, params=params)
        del bitmap  # kept alive until here: the selector only holds a pointer to it
        ids = np.where(labels >= 0, self.row_asset[np.maximum(labels, 0)], -1)
        return sims, ids

    # --- persistence ------------------------------------------------------------------------
    def save(self, directory: Path | str) -> int:
        """Write this index as the next version in `directory`, atomically; returns the version."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with _folder_lock(directory):
            version = max([self.version, _max_version_on_disk(directory), _manifest_version(directory)]) + 1
            index_name, meta_name = f"index-v{version}.faiss", f"meta-v{version}.npz"
            _write_atomic(directory / index_name, lambda path: faiss.write_index(self.index, str(path)))

            def write_meta(path: Path) -> None:
                with path.open("wb") as handle:
                    np.savez(
                        handle,
                        row_asset=self.row_asset,
                        asset_ids=self.asset_ids,
                        account_ids=self.account_ids,
                        creator_ids=self.creator_ids,
                        rows=self.rows,
                        vector_sum=self.vector_sum,
                    )

            _write_atomic(directory / meta_name, write_meta)
            manifest = {
                "format": FORMAT_VERSION,
                "version": version,
                "embedder_id": self.embedder_id,
                "dim": self.dim,
                "kind": self.kind,
                "count": self.count,
                "rows": int(self.index.ntotal),
                "ef_search": self.ef_search,
                "hnsw_m": HNSW_M if self.kind == "hnsw" else 0,
                "build_seconds": round(self.build_seconds, 3),
                "fingerprint": ids_fingerprint(self.asset_ids),
                "ids_sha256": hashlib.sha256(self.asset_ids.tobytes()).hexdigest(),
                "index_file": index_name,
                "index_sha256": _sha256_file(directory / index_name),
                "meta_file": meta_name,
                "meta_sha256": _sha256_file(directory / meta_name),
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "extra": self.extra,
            }
            _write_atomic(directory / MANIFEST, lambda path: path.write_text(json.dumps(manifest, indent=2)))
            self.version = version
            _remove_old_versions(directory, keep={version, version - 1})
        return version

    @classmethod
    def load(cls, directory: Path | str, *, verify: bool = True) -> VectorIndex | None:
        """The current version in `directory`; None when there is none; IndexCorrupt when the
        manifest or its files are unreadable, truncated or fail their checksum."""
        directory = Path(directory)
        for attempt in range(3):
            manifest = read_manifest(directory)
            if manifest is None:
                return None
            try:
                return cls._load_files(directory, manifest, verify=verify)
            except FileNotFoundError as exc:
                # A concurrent save replaced the manifest and removed old files: read it again.
                if attempt == 2 or read_manifest(directory) == manifest:
                    raise IndexCorrupt(
                        f"index files of version {manifest.get('version')} are missing in {directory}"
                    ) from exc
        return None  # pragma: no cover

    @classmethod
    def _load_files(cls, directory: Path, manifest: dict[str, Any], *, verify: bool) -> VectorIndex:
        index_path = directory / str(manifest["index_file"])
        meta_path = directory / str(manifest["meta_file"])
        if verify:
            for path, key in ((index_path, "index_sha256"), (meta_path, "meta_sha256")):
                if _sha256_file(path) != manifest.get(key):
                    raise IndexCorrupt(f"{path} does not match its checksum in {directory / MANIFEST}")
        names = ("row_asset", "asset_ids", "account_ids", "creator_ids", "rows", "vector_sum")
        try:
            index = faiss.read_index(str(index_path))
            with np.load(meta_path) as meta:
                arrays = {name: meta[name] for name in names}
        except FileNotFoundError:
            raise
        except Exception as exc:  # faiss raises RuntimeError, numpy ValueError/OSError/BadZipFile
            raise IndexCorrupt(f"cannot read the index in {directory}: {exc}") from exc
        if not (index.ntotal == len(arrays["row_asset"]) and len(arrays["asset_ids"]) == manifest.get("count")):
            raise IndexCorrupt(
                f"index in {directory} holds {index.ntotal} rows, its manifest says {manifest.get('count')} vectors"
            )
        expected = {"flat": faiss.IndexFlat, "hnsw": faiss.IndexHNSW}.get(manifest.get("kind", ""))
        if expected is None or not isinstance(index, expected):
            raise IndexCorrupt(
                f"index in {directory} is a {type(index).__name__}, its manifest says {manifest.get('kind')}"
            )
        return cls(
            embedder_id=manifest["embedder_id"],
            dim=int(manifest["dim"]),
            kind=manifest["kind"],
            index=index,
            ef_search=int(manifest.get("ef_search", 0)),
            version=int(manifest["version"]),
            build_seconds=float(manifest.get("build_seconds", 0.0)),
            extra=dict(manifest.get("extra", {})),
            **arrays,
        )


def calibrate_ef_search(
    index: Any,
    vectors: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    target: float = RECALL_TARGET,
    k: int = CALIBRATION_K,
    queries: int = 200,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Smallest efSearch (from EF_CHOICES) whose recall@k against exact search reaches `target`
    on catalogue vectors used as queries, as stand-ins for fresh images: for half of them only
    their own row is left out of both answers (a new image of a known creator), for the other
    half every row of their group — their creator — is left out (an image from a new creator,
    the harder and more common case for a mood board)."""
    rng = np.random.default_rng(seed + 1)
    n = len(vectors)
    rows = rng.choice(n, min(queries, n), replace=False)
    xq = np.ascontiguousarray(vectors[rows])
    excluded = []
    for i, row in enumerate(rows):
        same = np.flatnonzero(groups == groups[row]) if groups is not None and i % 2 == 1 else None
        if same is not None and len(same) <= 200:  # a huge creator would make the probe k too large
            excluded.append(same)
        else:
            excluded.append(np.array([row]))
    extra = max(len(e) for e in excluded)
    if progress:
        progress("calibrate", 0, 1)
    _, exact = faiss.knn(xq, vectors, k + extra, metric=faiss.METRIC_INNER_PRODUCT)
    truth = [e[~np.isin(e, x)][:k] for e, x in zip(exact, excluded, strict=True)]
    for ef in EF_CHOICES:
        _, found = index.search(xq, k + extra, params=_hnsw_search_params(max(ef, k + extra)))
        hits = sum(
            len(np.intersect1d(f[~np.isin(f, x)][:k], t)) for f, t, x in zip(found, truth, excluded, strict=True)
        )
        if hits / sum(len(t) for t in truth) >= target:
            return max(ef, k)
    return EF_CHOICES[-1]


def _exact_topk(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    sims = queries @ vectors.T
    kk = min(k, sims.shape[1])
    top = (
        np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        if kk < sims.shape[1]
        else np.tile(np.arange(kk), (len(queries), 1))
    )
    top_sims = np.take_along_axis(sims, top, axis=1)
    order = np.argsort(-top_sims, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    out_sims = np.full((len(queries), k), -np.inf, dtype=np.float32)
    out_ids = np.full((len(queries), k), -1, dtype=np.int64)
    out_sims[:, :kk] = np.take_along_axis(top_sims, order, axis=1)
    out_ids[:, :kk] = ids[top]
    return out_sims, out_ids


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def _omp_threads(n: int) -> Iterator[None]:
    """faiss on `n` OpenMP threads for the calling thread, restored afterwards.

    The OpenMP thread count is a per-thread setting (libgomp keeps it in the calling thread's own
    task), so concurrent searches on other threads are unaffected and need no lock; and a build
    sets it explicitly, so a thread that served single queries before never builds on one core."""
    saved = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(1, n))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(saved)


def _threads_for(n_queries: int) -> contextlib.AbstractContextManager[None]:
    """One OpenMP thread for a handful of queries: faiss parallelises over queries, so a single
    query gains nothing from a thread team and loses a lot to it on a busy machine (measured 2–5×
    slower with 2 threads under load). Batches use every core."""
    return _omp_threads(1 if n_queries < 4 else _cores())


def read_manifest(directory: Path | str) -> dict[str, Any] | None:
    """The manifest of an index folder; None when there is none; IndexCorrupt when unreadable."""
    path = Path(directory) / MANIFEST
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexCorrupt(f"cannot read {path}: {exc}") from exc
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IndexCorrupt(f"{path} is not valid JSON: {exc}") from exc
    required = {"format", "version", "embedder_id", "dim", "kind", "count", "index_file", "meta_file"}
    if not isinstance(manifest, dict) or not required <= manifest.keys():
        raise IndexCorrupt(f"{path} lacks {sorted(required - set(manifest or {}))}")
    if manifest["format"] != FORMAT_VERSION:
        raise IndexCorrupt(f"{path} has format {manifest['format']}, this code reads format {FORMAT_VERSION}")
    return manifest


# --- atomic files -------------------------------------------------------------------------


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(final: Path, writer: Callable[[Path], object]) -> None:
    """writer(tmp) in the same folder, fsync, rename over `final`, fsync the folder."""
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        writer(tmp)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(final.parent)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _folder_lock(directory: Path) -> Iterator[None]:
    """One writer per index folder at a time (processes and threads)."""
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _max_version_on_disk(directory: Path) -> int:
    versions = [int(m.group(2)) for p in directory.iterdir() if (m := _VERSIONED.match(p.name))]
    return max(versions, default=0)


def _manifest_version(directory: Path) -> int:
    try:
        manifest = read_manifest(directory)
    except IndexCorrupt:
        return 0
    return int(manifest["version"]) if manifest else 0


def _remove_old_versions(directory: Path, *, keep: set[int]) -> None:
    for path in directory.iterdir():
        match = _VERSIONED.match(path.name)
        stale_tmp = path.name.startswith(".") and ".tmp-" in path.name and time.time() - path.stat().st_mtime > 3600
        if (match and int(match.group(2)) not in keep) or stale_tmp:
            with contextlib.suppress(OSError):
                path.unlink()
