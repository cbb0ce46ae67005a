"""The FAISS index of the current embedder, kept in step with the database.

- `get_index()`: the loaded index, cached per process and reloaded when a save anywhere (another
  worker, the CLI) changed the manifest on disk.
- `index_build()`: full rebuild from the stored vectors (no re-embedding).
- `index_sync()`: the consistency check — compare the index with the database and apply the
  difference incrementally (add new vectors, drop deleted assets, follow accounts that moved to
  another creator), or rebuild when the index is missing, corrupt, of the wrong kind for its size,
  or when most of it changed.
- `index_status()`: ready / stale / missing / corrupt / empty, from one aggregate query.
- `index_request_job()`: enqueue a rebuild or sync as a Job (deduplicated).

Writers are serialised per embedder (`index_writer_lock`): a sync or build reads the published
version and the database and publishes the next version while holding the lock, so two jobs
updating the index at the same time cannot publish a version that lacks the other's vectors.

Sharding (VISION_INDEX_SHARDS = S > 1, docs/deploy.md "Past one index"): the embedder's folder
holds S shard folders (`shard-<s>-of-<S>/`), shard s the assets with asset_id % S == s, each an
ordinary versioned index with its own writer lock. Build, sync and status work shard by shard (an
INDEX job per shard, so S heavy workers build in parallel); `get_index` returns a
`vision.shards.ShardedIndex` over the loaded shards. A shard without images is published empty,
so "every shard published" means "built". With S = 1 the layout is the plain folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Mod

from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_submit
from vision.ann import VectorIndex, choose_kind, ids_fingerprint, read_manifest
from vision.errors import IndexCorrupt
from vision.models import ImageEmbedding
from vision.shards import ShardedIndex, shard_folder, sharded_kind

logger = logging.getLogger(__name__)

_SQL_CHUNK = 900  # ids per IN (...) clause, under SQLite's variable limit
_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int, int], VectorIndex]] = {}
_sharded_cache: dict[Path, tuple[tuple[int, ...], ShardedIndex]] = {}
_writer = threading.local()  # embedder ids whose writer lock this thread holds (the lock is re-entrant)

Progress = Callable[[str, int, int], None]
SearchIndex = VectorIndex | ShardedIndex  # what get_index hands to readers


def index_shards() -> int:
    """How many shards an index is split into (VISION_INDEX_SHARDS, 1 = one index)."""
    shards = int(getattr(settings, "VISION_INDEX_SHARDS", 1))
    if shards < 1:
        raise ImproperlyConfigured(f"VISION_INDEX_SHARDS={shards}: an index needs at least one shard")
    return shards


def current_embedder_id() -> str:
    """Id of the configured embedder (loads it if needed)."""
    from vision.embedders import get_embedder

    return get_embedder().id


def index_dir(embedder_id: str) -> Path:
    """The folder of an embedder's index under VISION_INDEX_DIR (readable name + hash)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_id).strip("-")[:80]
    digest = hashlib.sha256(embedder_id.encode()).hexdigest()[:8]
    return Path(settings.VISION_INDEX_DIR) / f"{readable}-{digest}"


def shard_dir(embedder_id: str, shard: int = 0) -> Path:
    """The folder of one shard of an embedder's index (the index folder itself when unsharded)."""
    shards = index_shards()
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} does not exist: the index has {shards} shard(s)")
    return index_dir(embedder_id) if shards == 1 else shard_folder(index_dir(embedder_id), shard, shards)


def _shard_list(shard: int | None) -> list[int]:
    return list(range(index_shards())) if shard is None else [shard]


def _embeddings(embedder_id: str, shard: int | None = None) -> QuerySet[ImageEmbedding]:
    """Stored embeddings of an embedder, of one shard when given (and sharded)."""
    rows = ImageEmbedding.objects.filter(embedder_id=embedder_id)
    shards = index_shards()
    if shard is None or shards == 1:
        return rows
    return rows.annotate(shard_no=Mod("asset_id", shards)).filter(shard_no=shard)


def _manifest_signature(directory: Path) -> tuple[int, int, int] | None:
    try:
        stat = (directory / "manifest.json").stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def get_index(embedder_id: str | None = None) -> SearchIndex | None:
    """The index of `embedder_id` (default: the current embedder), loaded on first use and
    reloaded when its on-disk version changes (shard by shard when sharded). None when there is
    no index yet (or a shard is not published); IndexCorrupt when its files are damaged (callers
    report "rebuilding" and request a rebuild)."""
    embedder_id = embedder_id or current_embedder_id()
    shards = index_shards()
    if shards == 1:
        return _load_cached(index_dir(embedder_id))
    parts = []
    for shard in range(shards):
        part = _load_cached(shard_dir(embedder_id, shard))
        if part is None:
            return None
        parts.append(part)
    key = tuple(id(part) for part in parts)
    directory = index_dir(embedder_id)
    cached = _sharded_cache.get(directory)
    if cached and cached[0] == key:
        return cached[1]
    sharded = ShardedIndex(parts)
    _sharded_cache[directory] = (key, sharded)
    return sharded


def _load_cached(directory: Path) -> VectorIndex | None:
    signature = _manifest_signature(directory)
    if signature is None:
        _cache.pop(directory, None)
        return None
    cached = _cache.get(directory)
    if cached and cached[0] == signature:
        return cached[1]
    with _lock:
        # Taken before loading: should another process publish meanwhile, the cache holds an older
        # signature than what was loaded and the next call loads again. Taken after, it could pair
        # the new signature with the old version and keep serving that until the next publish.
        signature = _manifest_signature(directory)
        if signature is None:
            _cache.pop(directory, None)
            return None
        cached = _cache.get(directory)
        if cached and cached[0] == signature:
            return cached[1]
        index = VectorIndex.load(directory)
        if index is None:
            return None
        _cache[directory] = (signature, index)
        return index


def reset_index_cache() -> None:
    """Forget loaded indexes (tests)."""
    with _lock:
        _cache.clear()
        _sharded_cache.clear()


@contextlib.contextmanager
def index_writer_lock(embedder_id: str, shard: int = 0) -> Iterator[None]:
    """Hold the right to publish `embedder_id`'s index (one shard of it when sharded): one writer
    at a time across threads and processes (a file lock in the index folder) and across hosts on
    PostgreSQL (a session advisory lock). Re-entrant within a thread, so a sync may call a build."""
    held: set[str] = _writer.__dict__.setdefault("held", set())
    directory = shard_dir(embedder_id, shard)
    name = f"vetted-index:{embedder_id}" + (f":{directory.name}" if index_shards() > 1 else "")
    if name in held:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with (directory / ".writer.lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        advisory = connection.vendor == "postgresql"
        try:
            if advisory:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            held.add(name)
            try:
                yield
            finally:
                held.discard(name)
                if advisory:
                    _advisory_unlock(key)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _advisory_unlock(key: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:
        # An aborted transaction refuses the unlock; the lock belongs to the session, so ending
        # the session is what releases it (Django reconnects on the next query).
        logger.exception("could not release the index writer lock; closing the database connection")
        connection.close()


def db_fingerprint(embedder_id: str, shard: int | None = None) -> dict[str, int]:
    """count / sum / max of the embedded asset ids of an embedder (of one shard when given), in
    one aggregate query."""
    agg = _embeddings(embedder_id, shard).aggregate(count=Count("id"), id_sum=Sum("asset_id"), id_max=Max("asset_id"))
    return {"count": int(agg["count"] or 0), "id_sum": int(agg["id_sum"] or 0), "id_max": int(agg["id_max"] or 0)}


def _db_fingerprints_by_shard(embedder_id: str) -> list[dict[str, int]]:
    """db_fingerprint of every shard, in one grouped query."""
    shards = index_shards()
    if shards == 1:
        return [db_fingerprint(embedder_id)]
    rows = (
        ImageEmbedding.objects.filter(embedder_id=embedder_id)
        .annotate(shard_no=Mod("asset_id", shards))
        .values("shard_no")
        .annotate(count=Count("id"), id_sum=Sum("asset_id"), id_max=Max("asset_id"))
        .order_by()
    )
    found = {
        row["shard_no"]: {
            "count": int(row["count"]),
            "id_sum": int(row["id_sum"] or 0),
            "id_max": int(row["id_max"] or 0),
        }
        for row in rows
    }
    return [found.get(s, {"count": 0, "id_sum": 0, "id_max": 0}) for s in range(shards)]


def index_status(embedder_id: str | None = None) -> dict[str, Any]:
    """Where the index of an embedder stands: {'state': 'ready' | 'stale' | 'missing' |
    'corrupt' | 'empty', 'count', 'db_count', 'version', 'kind', 'shards', 'error'}. When
    sharded, count and version are sums over the shards and the state is the worst shard's."""
    embedder_id = embedder_id or current_embedder_id()
    shards = index_shards()
    dbs = _db_fingerprints_by_shard(embedder_id)
    db_count = sum(db["count"] for db in dbs)
    status: dict[str, Any] = {
        "embedder_id": embedder_id,
        "db_count": db_count,
        "count": 0,
        "version": 0,
        "kind": "",
        "shards": shards,
    }
    manifests = []
    for shard in range(shards):
        where = f" (shard {shard} of {shards})" if shards > 1 else ""
        try:
            manifest = read_manifest(shard_dir(embedder_id, shard))
        except IndexCorrupt as exc:
            return {**status, "state": "corrupt", "error": f"{exc}{where}"}
        if manifest is not None and manifest.get("embedder_id") != embedder_id:
            return {**status, "state": "corrupt", "error": f"manifest is for {manifest.get('embedder_id')}{where}"}
        manifests.append(manifest)
    published = [m for m in manifests if m is not None]
    status.update(
        count=sum(m["count"] for m in published),
        version=sum(m["version"] for m in published),
        kind=published[0]["kind"] if shards == 1 and published else sharded_kind([m["kind"] for m in published]),
    )
    if len(published) < shards:
        return {**status, "state": "empty" if db_count == 0 and not published else "missing"}
    in_step = all(m.get("fingerprint") == db for m, db in zip(published, dbs, strict=True))  # every shard published
    return {**status, "state": "ready" if in_step else "stale"}


def load_vectors(
    embedder_id: str,
    *,
    asset_ids: np.ndarray | None = None,
    shard: int | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(vectors, asset_ids, account_ids, creator_ids) of stored embeddings, by asset id: all of
    them, those of one shard, or those of the given asset ids."""
    base = _embeddings(embedder_id, shard)
    fields = ("asset_id", "account_id", "account__creator_id", "dim", "vector")
    if asset_ids is None:
        total = base.count()
        rows_iter = base.order_by("asset_id").values_list(*fields).iterator(chunk_size=4000)
    else:
        wanted = [int(a) for a in np.unique(asset_ids)]
        total = len(wanted)
        rows_iter = (
            row
            for start in range(0, len(wanted), _SQL_CHUNK)
            for row in base.filter(asset_id__in=wanted[start : start + _SQL_CHUNK])
            .order_by("asset_id")
            .values_list(*fields)
        )
    ids: list[int] = []
    accounts: list[int] = []
    creators: list[int] = []
    blobs: list[bytes] = []
    dim = 0
    for asset_id, account_id, creator_id, row_dim, vector in rows_iter:
        if dim and row_dim != dim:
            raise IndexCorrupt(f"embeddings of {embedder_id} have mixed dimensions ({dim} and {row_dim})")
        dim = row_dim
        ids.append(asset_id)
        accounts.append(account_id)
        creators.append(creator_id)
        blobs.append(bytes(vector))
        if progress and len(ids) % 20_000 == 0:
            progress("load", len(ids), total)
    vectors = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(ids), dim) if ids else np.zeros((0, 0), "<f4")
    return (
        np.ascontiguousarray(vectors, dtype=np.float32),
        np.asarray(ids, dtype=np.int64),
        np.asarray(accounts, dtype=np.int64),
        np.asarray(creators, dtype=np.int64),
    )


def index_build(
    *, embedder_id: str | None = None, shard: int | None = None, progress: Progress | None = None
) -> SearchIndex | None:
    """Rebuild the index of an embedder (one shard of it, or all) from its stored vectors and save
    it; returns what a reader gets (the whole index, or the rebuilt shard). None: no vectors, and
    any old index folder content is left as it is."""
    embedder_id = embedder_id or current_embedder_id()
    catalogue_size = _catalogue_size(embedder_id)
    built: list[VectorIndex] = []
    for s in _shard_list(shard):
        with index_writer_lock(embedder_id, s):
            part = _index_build(embedder_id, s, progress, catalogue_size)
        if part is None:
            return None
        built.append(part)
    return built[0] if len(built) == 1 else ShardedIndex(built)


def _index_build(
    embedder_id: str, shard: int, progress: Progress | None, catalogue_size: int | None
) -> VectorIndex | None:
    vectors, asset_ids, account_ids, creator_ids = load_vectors(embedder_id, shard=shard, progress=progress)
    if len(asset_ids) == 0:
        # A shard without images is published empty (readers need every shard); no images at all
        # is no index.
        if not catalogue_size:
            return None
        dim = _embeddings(embedder_id).values_list("dim", flat=True).first()
        # catalogue_size counted these embeddings; only their deletion since then leaves none.
        assert dim is not None
        vectors = np.zeros((0, dim), dtype=np.float32)
    index = VectorIndex.build(
        embedder_id=embedder_id,
        vectors=vectors,
        asset_ids=asset_ids,
        account_ids=account_ids,
        creator_ids=creator_ids,
        kind=choose_kind(catalogue_size) if catalogue_size is not None and len(asset_ids) else None,
        progress=progress,
    )
    del vectors
    index.save(shard_dir(embedder_id, shard))
    logger.info(
        "built %s index of %s vectors for %s%s in %.1fs",
        index.kind,
        index.count,
        embedder_id,
        f" (shard {shard} of {index_shards()})" if index_shards() > 1 else "",
        index.build_seconds,
    )
    return index


def _catalogue_size(embedder_id: str) -> int | None:
    """Stored vectors of an embedder over every shard, which a shard's kind goes by (choose_kind);
    None when the index is not sharded (its kind goes by its own size). Read once per build or
    sync of any number of shards."""
    return ImageEmbedding.objects.filter(embedder_id=embedder_id).count() if index_shards() > 1 else None


_ACTION_RANK = {"empty": 0, "unchanged": 1, "updated": 2, "rebuilt": 3}


def index_sync(
    *, embedder_id: str | None = None, shard: int | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Bring the on-disk index (one shard of it, or all) in line with the database (the
    consistency check).

    Returns {'action': 'unchanged' | 'updated' | 'rebuilt' | 'empty', 'added', 'removed',
    'moved', 'count', 'version', 'reason', 'account_ids': accounts whose vectors changed}; over
    several shards the sums, the strongest action, and 'shards': each shard's own summary.
    """
    embedder_id = embedder_id or current_embedder_id()
    catalogue_size = _catalogue_size(embedder_id)  # only for the kind of shards: a hint, read before the locks
    results = []
    for s in _shard_list(shard):
        # The database is read after the lock is taken: vectors committed before this sync
        # started are in what it publishes, and those committed later are their own job's next sync.
        with index_writer_lock(embedder_id, s):
            results.append(_index_sync(embedder_id, s, progress, catalogue_size))
    if len(results) == 1:
        return results[0]
    return {
        "action": max((r["action"] for r in results), key=_ACTION_RANK.__getitem__),
        **{key: sum(r.get(key, 0) for r in results) for key in ("added", "removed", "moved", "count", "version")},
        "reason": "; ".join(f"shard {s}: {r['reason']}" for s, r in enumerate(results) if r["reason"]),
        "account_ids": sorted({a for r in results for a in r["account_ids"]}),
        "shards": [{"shard": s, "action": r["action"], "count": r.get("count", 0)} for s, r in enumerate(results)],
    }


def _index_sync(embedder_id: str, shard: int, progress: Progress | None, catalogue_size: int | None) -> dict[str, Any]:
    directory = shard_dir(embedder_id, shard)
    result: dict[str, Any] = {
        "action": "unchanged",
        "added": 0,
        "removed": 0,
        "moved": 0,
        "reason": "",
        "account_ids": [],
    }
    try:
        index = VectorIndex.load(directory)
        reason = "" if index else "no index yet"
        if index is not None and index.embedder_id != embedder_id:
            reason = f"the index folder holds {index.embedder_id}"
            index = None
    except IndexCorrupt as exc:
        index, reason = None, f"index unreadable: {exc}"

    rows = _embeddings(embedder_id, shard).order_by("asset_id")
    db = np.array(list(rows.values_list("asset_id", "account_id", "account__creator_id")), dtype=np.int64).reshape(
        -1, 3
    )
    if index is None:
        built = _index_build(embedder_id, shard, progress, catalogue_size)
        if built is None:
            return {**result, "action": "empty", "count": 0, "version": 0, "reason": reason}
        return {
            **result,
            "action": "rebuilt",
            "added": built.count,
            "count": built.count,
            "version": built.version,
            "reason": reason,
            "account_ids": sorted(set(built.account_ids.tolist())),
        }

    db_assets = db[:, 0]
    missing = np.setdiff1d(db_assets, index.asset_ids, assume_unique=True)
    stale = np.setdiff1d(index.asset_ids, db_assets, assume_unique=True)
    common = np.intersect1d(db_assets, index.asset_ids, assume_unique=True)
    db_pos = np.searchsorted(db_assets, common)
    idx_pos = index.positions(common)
    moved_mask = (db[db_pos, 1] != index.account_ids[idx_pos]) | (db[db_pos, 2] != index.creator_ids[idx_pos])
    changes = len(missing) + len(stale) + int(moved_mask.sum())
    if changes == 0:
        return {**result, "count": index.count, "version": index.version}

    touched = set(index.account_ids[index.positions(stale)].tolist()) if len(stale) else set()
    touched |= set(index.account_ids[idx_pos[moved_mask]].tolist()) | set(db[db_pos[moved_mask], 1].tolist())
    if changes > max(1000, index.count // 2):
        built = _index_build(embedder_id, shard, progress, catalogue_size)
        touched |= set(db[np.searchsorted(db_assets, missing), 1].tolist())
        return {
            **result,
            "action": "rebuilt" if built else "empty",
            "added": len(missing),
            "removed": len(stale),
            "moved": int(moved_mask.sum()),
            "count": built.count if built else 0,
            "version": built.version if built else 0,
            "reason": f"{changes} changes out of {index.count} vectors",
            "account_ids": sorted(touched),
        }

    index.remove(stale)
    if moved_mask.any():
        moved = common[moved_mask]
        pos = np.searchsorted(db_assets, moved)
        index.set_owners(asset_ids=moved, account_ids=db[pos, 1], creator_ids=db[pos, 2])
    if len(missing):
        vectors, ids, accounts, creators = load_vectors(embedder_id, asset_ids=missing)
        index.add(vectors=vectors, asset_ids=ids, account_ids=accounts, creator_ids=creators)
        touched |= set(accounts.tolist())
    rebuild_reason = index.needs_rebuild(catalogue_size=catalogue_size)
    if rebuild_reason:
        built = _index_build(embedder_id, shard, progress, catalogue_size)
        action, count, version = "rebuilt", built.count if built else 0, built.version if built else 0
    else:
        index.save(directory)
        action, count, version = "updated", index.count, index.version
    return {
        **result,
        "action": action,
        "added": len(missing),
        "removed": len(stale),
        "moved": int(moved_mask.sum()),
        "count": count,
        "version": version,
        "reason": rebuild_reason,
        "account_ids": sorted(touched),
    }


def index_request_job(*, mode: str = "sync", reason: str = "", embedder_id: str | None = None) -> list[Job]:
    """Enqueue INDEX jobs ('sync' or 'rebuild'), one per shard, for the shards no waiting job
    covers; returns the jobs created. In eager mode (no broker) they run when the current
    transaction commits."""
    shards = index_shards()
    waiting = set()
    for params in Job.objects.filter(kind=JobKind.INDEX, status=JobStatus.PENDING).values_list("params", flat=True):
        if (params or {}).get("shards", 1) != shards:
            return []  # a job for the whole index (or another layout) is waiting: it does everything
        waiting.add(params.get("shard", 0))
    jobs = []
    for shard in range(shards):
        if shard in waiting:
            continue
        params = {"mode": mode, "reason": reason, "embedder_id": embedder_id or ""}
        if shards > 1:
            params.update(shard=shard, shards=shards)
        jobs.append(job_submit(kind=JobKind.INDEX, params=params))
    return jobs


def fingerprint_matches(index: SearchIndex, embedder_id: str) -> bool:
    """True when the index holds exactly the set of assets embedded in the database (cheap check)."""
    return ids_fingerprint(index.asset_ids) == db_fingerprint(embedder_id)
