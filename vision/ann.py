"""The FAISS index of one embedder, its on-disk format, and atomic saves. No Django here.

Kind of index, chosen by size (`choose_kind`):
- up to FLAT_MAX (50,000) vectors: exact search, `IndexIDMap2(IndexFlatIP)`. At that size a
  query scans 100 MB at most and takes a few ms; nothing approximate is worth its recall loss.
- above: `IndexIVFFlat` (inner product, spherical k-means coarse quantizer with ~4·√N lists,
  trained on a sample), ids stored by the IVF itself (+ a hash-table direct map so vectors can be
  read back and removed by id). `nprobe` is calibrated at build time: the smallest number of
  lists that reaches recall@50 ≥ RECALL_TARGET against exact search on queries drawn from the
  catalogue itself (its vectors and midpoints of random pairs, which sit between clusters and
  are harder than typical queries). IVF builds in minutes at 1M on 2 cores; HNSW needs ~10× as long.

On disk, one folder per embedder:
    manifest.json          {"format", "version", "embedder_id", "kind", "count", "nprobe", files + sha256...}
    index-v<N>.faiss       faiss.write_index of version N
    meta-v<N>.npz          asset_ids (sorted), account_ids, creator_ids, vector_sum
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

FORMAT_VERSION = 1
FLAT_MAX = 50_000
RECALL_TARGET = 0.97  # calibration target; leaves margin over the 0.95 promised for real queries
CALIBRATION_K = 50
EXACT_SUBSET_MAX = 20_000  # filtered searches over at most this many vectors are done exactly
MANIFEST = "manifest.json"
_VERSIONED = re.compile(r"^(index|meta)-v(\d+)\.(faiss|npz)$")


def choose_kind(count: int) -> str:
    """'flat' (exact) up to FLAT_MAX vectors, 'ivf' above."""
    return "flat" if count <= FLAT_MAX else "ivf"


def ivf_nlist(count: int) -> int:
    """Number of IVF lists: the power of two nearest 4·√N, with ≥ 39 training points per list."""
    nlist = 2 ** round(math.log2(max(4 * math.sqrt(max(count, 1)), 1)))
    return int(max(16, min(nlist, 65536, count // 39 or 16)))


def ids_fingerprint(asset_ids: np.ndarray) -> dict[str, int]:
    """Cheap summary of a set of ids the database can compute with one aggregate query."""
    ids = np.asarray(asset_ids, dtype=np.int64)
    return {"count": int(ids.size), "id_sum": int(ids.sum()) if ids.size else 0, "id_max": int(ids.max()) if ids.size else 0}


@dataclass
class VectorIndex:
    """A FAISS index of asset vectors plus the asset → account → creator map of its rows."""

    embedder_id: str
    dim: int
    kind: str
    index: Any
    asset_ids: np.ndarray  # sorted int64
    account_ids: np.ndarray  # aligned with asset_ids
    creator_ids: np.ndarray  # aligned with asset_ids
    vector_sum: np.ndarray  # float64 (dim,): sum of all vectors, for the catalogue mean
    nprobe: int = 0
    nlist: int = 0
    trained_on: int = 0
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
        nprobe = nlist = trained_on = 0
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            _add_chunked(index, vectors, asset_ids, progress)
        elif kind == "ivf":
            nlist = ivf_nlist(count)
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.cp.spherical = True  # centroids on the unit sphere, like the data
            index.cp.niter = 10
            rng = np.random.default_rng(seed)
            trained_on = min(count, 50 * nlist)
            sample = vectors[np.sort(rng.choice(count, trained_on, replace=False))] if trained_on < count else vectors
            if progress:
                progress("train", 0, 1)
            index.train(sample)
            del sample
            index.set_direct_map_type(faiss.DirectMap.Hashtable)
            _add_chunked(index, vectors, asset_ids, progress)
            nprobe = calibrate_nprobe(index, vectors, asset_ids, target=recall_target, seed=seed, progress=progress)
        else:
            raise ValueError(f"unknown index kind {kind!r}")
        order = np.argsort(asset_ids, kind="stable")
        built = cls(
            embedder_id=embedder_id,
            dim=dim,
            kind=kind,
            index=index,
            asset_ids=asset_ids[order],
            account_ids=np.asarray(account_ids, dtype=np.int64)[order],
            creator_ids=np.asarray(creator_ids, dtype=np.int64)[order],
            vector_sum=vectors.sum(axis=0, dtype=np.float64),
            nprobe=nprobe,
            nlist=nlist,
            trained_on=trained_on,
        )
        built.build_seconds = time.perf_counter() - started
        return built

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    @property
    def mean_vector(self) -> np.ndarray:
        """Mean of all vectors (not normalised): q·mean is the average similarity of q to the catalogue."""
        return (self.vector_sum / max(self.count, 1)).astype(np.float32)

    def needs_rebuild(self) -> str:
        """Why this index should be rebuilt rather than updated ('' when it is fine)."""
        want = choose_kind(self.count)
        if want != self.kind:
            return f"{self.count} vectors call for a {want} index, this one is {self.kind}"
        if self.kind == "ivf" and not (self.nlist / 4 < ivf_nlist(self.count) < self.nlist * 4):
            # The catalogue grew or shrank ~16×: the lists no longer fit it (too long or too short).
            return f"{self.nlist} IVF lists were trained for a catalogue of another size than {self.count}"
        return ""

    # --- updates ----------------------------------------------------------------------------
    def add(self, *, vectors: np.ndarray, asset_ids: np.ndarray, account_ids: np.ndarray, creator_ids: np.ndarray) -> None:
        """Add (or replace) vectors by asset id."""
        asset_ids = np.asarray(asset_ids, dtype=np.int64)
        if asset_ids.size == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.remove(asset_ids[np.isin(asset_ids, self.asset_ids)])
        self.index.add_with_ids(vectors, asset_ids)
        self.vector_sum = self.vector_sum + vectors.sum(axis=0, dtype=np.float64)
        merged = np.concatenate([self.asset_ids, asset_ids])
        order = np.argsort(merged, kind="stable")
        self.asset_ids = merged[order]
        self.account_ids = np.concatenate([self.account_ids, np.asarray(account_ids, dtype=np.int64)])[order]
        self.creator_ids = np.concatenate([self.creator_ids, np.asarray(creator_ids, dtype=np.int64)])[order]

    def remove(self, asset_ids: np.ndarray) -> int:
        """Remove vectors by asset id (unknown ids are ignored); returns how many were removed."""
        present = np.unique(np.asarray(asset_ids, dtype=np.int64))
        present = present[np.isin(present, self.asset_ids)]
        if present.size == 0:
            return 0
        self.vector_sum = self.vector_sum - self.reconstruct(present).sum(axis=0, dtype=np.float64)
        removed = int(self.index.remove_ids(faiss.IDSelectorArray(present)))
        keep = ~np.isin(self.asset_ids, present)
        self.asset_ids, self.account_ids, self.creator_ids = self.asset_ids[keep], self.account_ids[keep], self.creator_ids[keep]
        return removed

    def set_owners(self, *, asset_ids: np.ndarray, account_ids: np.ndarray, creator_ids: np.ndarray) -> None:
        """Update the account/creator of assets already in the index (an account moved creator)."""
        pos = np.searchsorted(self.asset_ids, asset_ids)
        self.account_ids[pos] = account_ids
        self.creator_ids[pos] = creator_ids

    # --- queries ----------------------------------------------------------------------------
    def positions(self, asset_ids: np.ndarray) -> np.ndarray:
        """Row positions in the meta arrays of asset ids known to be in the index."""
        return np.searchsorted(self.asset_ids, asset_ids)

    def reconstruct(self, asset_ids: np.ndarray) -> np.ndarray:
        """The stored vectors of these asset ids."""
        asset_ids = np.ascontiguousarray(asset_ids, dtype=np.int64)
        if asset_ids.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.index.reconstruct_batch(asset_ids)

    def search(
        self, queries: np.ndarray, k: int, *, allowed: np.ndarray | None = None, nprobe: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (similarities, asset ids) per query row; ids are -1 where fewer than k exist.

        `allowed` restricts the search to those asset ids without losing recall: a small subset
        is searched exactly, a large one through an id selector with nprobe raised in
        proportion to how much of the catalogue is filtered out.
        """
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, int(k))
        probe = nprobe or self.nprobe
        if allowed is None:
            params = faiss.SearchParametersIVF(nprobe=min(probe, self.nlist)) if self.kind == "ivf" else None
            return self.index.search(queries, k, params=params)
        allowed = np.asarray(allowed, dtype=np.int64)
        if allowed.size == 0:
            return np.full((len(queries), k), -np.inf, dtype=np.float32), np.full((len(queries), k), -1, dtype=np.int64)
        if allowed.size <= EXACT_SUBSET_MAX:
            return _exact_topk(self.reconstruct(allowed), allowed, queries, k)
        bitmap = np.packbits(_mask_for(allowed), bitorder="little")
        selector = faiss.IDSelectorBitmap(int(allowed.max()) + 1, faiss.swig_ptr(bitmap))
        if self.kind == "ivf":
            share = allowed.size / max(self.count, 1)
            params = faiss.SearchParametersIVF(sel=selector, nprobe=min(self.nlist, math.ceil(probe / share)))
        else:
            params = faiss.SearchParameters(sel=selector)
        sims, ids = self.index.search(queries, k, params=params)
        del bitmap  # kept alive until the search is done (the selector only holds a pointer)
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
                        asset_ids=self.asset_ids,
                        account_ids=self.account_ids,
                        creator_ids=self.creator_ids,
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
                "nprobe": self.nprobe,
                "nlist": self.nlist,
                "trained_on": self.trained_on,
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
            except FileNotFoundError:
                # A concurrent save replaced the manifest and removed old files: read it again.
                if attempt == 2 or read_manifest(directory) == manifest:
                    raise IndexCorrupt(f"index files of version {manifest.get('version')} are missing in {directory}")
        return None  # pragma: no cover

    @classmethod
    def _load_files(cls, directory: Path, manifest: dict[str, Any], *, verify: bool) -> VectorIndex:
        index_path = directory / str(manifest["index_file"])
        meta_path = directory / str(manifest["meta_file"])
        if verify:
            for path, key in ((index_path, "index_sha256"), (meta_path, "meta_sha256")):
                if _sha256_file(path) != manifest.get(key):
                    raise IndexCorrupt(f"{path} does not match its checksum in {directory / MANIFEST}")
        try:
            index = faiss.read_index(str(index_path))
            with np.load(meta_path) as meta:
                arrays = {name: meta[name] for name in ("asset_ids", "account_ids", "creator_ids", "vector_sum")}
        except FileNotFoundError:
            raise
        except Exception as exc:  # faiss raises RuntimeError, numpy ValueError/OSError/BadZipFile
            raise IndexCorrupt(f"cannot read the index in {directory}: {exc}") from exc
        if not (index.ntotal == len(arrays["asset_ids"]) == manifest.get("count")):
            raise IndexCorrupt(f"index in {directory} holds {index.ntotal} vectors, its manifest says {manifest.get('count')}")
        if manifest.get("kind") == "ivf" and not isinstance(index, faiss.IndexIVF):
            raise IndexCorrupt(f"index in {directory} is a {type(index).__name__}, its manifest says ivf")
        return cls(
            embedder_id=manifest["embedder_id"],
            dim=int(manifest["dim"]),
            kind=manifest["kind"],
            index=index,
            nprobe=int(manifest.get("nprobe", 0)),
            nlist=int(manifest.get("nlist", 0)),
            trained_on=int(manifest.get("trained_on", 0)),
            version=int(manifest["version"]),
            build_seconds=float(manifest.get("build_seconds", 0.0)),
            extra=dict(manifest.get("extra", {})),
            **arrays,
        )


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


def calibrate_nprobe(
    index: Any,
    vectors: np.ndarray,
    ids: np.ndarray,
    *,
    target: float = RECALL_TARGET,
    k: int = CALIBRATION_K,
    queries: int = 200,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Smallest nprobe whose recall@k against exact search reaches `target` on catalogue-drawn
    queries (half catalogue vectors, half normalised midpoints of random pairs)."""
    rng = np.random.default_rng(seed + 1)
    n = len(vectors)
    half = queries // 2
    own = vectors[rng.choice(n, half, replace=False)]
    pairs = vectors[rng.choice(n, queries - half)] + vectors[rng.choice(n, queries - half)]
    pairs /= np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-12)
    xq = np.ascontiguousarray(np.concatenate([own, pairs]), dtype=np.float32)
    if progress:
        progress("calibrate", 0, 1)
    _, exact_rows = faiss.knn(xq, vectors, k, metric=faiss.METRIC_INNER_PRODUCT)
    exact = np.asarray(ids)[exact_rows]  # exact search gives row numbers, the index asset ids

    def recall(nprobe: int) -> float:
        _, found = index.search(xq, k, params=faiss.SearchParametersIVF(nprobe=nprobe))
        hits = sum(len(np.intersect1d(f, e)) for f, e in zip(found, exact, strict=True))
        return hits / exact.size

    nlist = index.nlist
    lo, hi = 0, 1
    while hi < nlist and recall(hi) < target:
        lo, hi = hi, hi * 2
    hi = min(hi, nlist)
    while hi - lo > max(1, lo // 8):  # refine to ~12% between the last two powers of two
        mid = (lo + hi) // 2
        if recall(mid) >= target:
            hi = mid
        else:
            lo = mid
    return int(hi)


def _add_chunked(index: Any, vectors: np.ndarray, ids: np.ndarray, progress: Callable[[str, int, int], None] | None) -> None:
    step = 65_536
    for start in range(0, len(vectors), step):
        index.add_with_ids(vectors[start : start + step], ids[start : start + step])
        if progress:
            progress("add", min(start + step, len(vectors)), len(vectors))


def _exact_topk(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    sims = queries @ vectors.T
    kk = min(k, sims.shape[1])
    top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk] if kk < sims.shape[1] else np.tile(np.arange(kk), (len(queries), 1))
    top_sims = np.take_along_axis(sims, top, axis=1)
    order = np.argsort(-top_sims, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    out_sims = np.full((len(queries), k), -np.inf, dtype=np.float32)
    out_ids = np.full((len(queries), k), -1, dtype=np.int64)
    out_sims[:, :kk] = np.take_along_axis(top_sims, order, axis=1)
    out_ids[:, :kk] = ids[top]
    return out_sims, out_ids


def _mask_for(allowed: np.ndarray) -> np.ndarray:
    mask = np.zeros(int(allowed.max()) + 1, dtype=bool)
    mask[allowed] = True
    return mask


# --- atomic files -------------------------------------------------------------------------


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(final: Path, writer: Callable[[Path], None]) -> None:
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
