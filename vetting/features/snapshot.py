"""A columnar snapshot of every account's ranking inputs, so that a cold brand ranking reads
arrays instead of joining five tables (at 100k accounts the joins and JSON decoding were ~30×
the vectorised scoring).

One row per account, ordered by account id: creator, platform, country, languages (bit mask),
followers, the creator-level fake-follower risk (risk, confidence, verdict), engagement quality,
the newest audience profile (date, and per dimension its normalised shares in a key-major
sparse layout) and the cached text terms of the last vetting report (term-major sparse layout,
which also gives the catalogue IDF). Everything that depends on a brand (its audience keys,
query terms, brand safety, mood board) is computed from these at ranking time by
`vetting.services.matching`, with the same arithmetic as its SQL path, so both give the same
scores.

Versioned with the catalogue's data version (`core.caching.versions`): a snapshot is named
after the version it was built at, and a ranking only reads the one of the current version, so
none is served after a catalogue write. It is built in the background after the first ranking that finds
none for the current version (that ranking, and any until the build is done, read the database
as before: no request waits for a build), or at once by the catalogue follow-up after an import
or refresh; written atomically (a temporary folder renamed into place) under
RANKING_FEATURES_DIR, and memory-mapped by every process of the host (one build at a time per
host: a file lock). Values derived from a version that cost more than a read (a brand's
brand-safety hits, its audience fit and text similarity over every account) are kept in its
folder too (`FeatureSnapshot.stored_arrays`: mapped, not copied), computed once per
host. The follow-up's build is incremental when it can be (`incremental_snapshot`):
the newest snapshot of the host with the rows of the changed accounts rewritten, which equals a
full build row for row; a full build reads the rows streamed, so 1M accounts fit in memory. On only where the version is
shared by every process (RANKING_FEATURE_SNAPSHOT, default: with CACHE_URL), for the reason
response caching is.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import math
import mmap
import os
import shutil
import threading
import time
import uuid
from array import array as typed_array
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import orjson
from django.conf import settings
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from core.caching.versions import data_version, data_version_bump
from core.services.background import run_outside_request
from influencers.models import Account
from influencers.risk import NOT_VETTED
from influencers.selectors.creators import creator_risks, newest_audience_profiles_of
from vetting.scoring.audience_fit import DIMENSIONS
from vetting.scoring.engagement import engagement_quality, load_benchmarks, tier_for

logger = logging.getLogger(__name__)
T = TypeVar("T")

FORMAT = 1  # bump when the columns change: older folders are then never read
LANGUAGE_BITS = 62  # the ranking's language filter is a bit mask in an int64
MEMO_ENTRIES = 32  # brand-derived values kept per snapshot (brand-safety hits of 32 brands' exclusions)
# A process finding another computing a value stored with the snapshot waits this long for its
# file (a brand's post scan: ~1 s at 100k creators, ~10 s at 1M) before computing it itself.
STORED_WAIT = 30.0
# Values stored with a snapshot are keyed by day (a brand's hits): files older than this hold a
# day that is over whatever the time zone, and are removed when another is written.
STORED_MAX_AGE = 2 * 24 * 3600
# And past this many bytes of stored values in a snapshot's folder, the least recently used are
# removed when another is written: at 1M accounts a brand's columns take 35 MB a day, its
# brand-safety hits up to ~60 MB (a process mapping a removed file keeps its pages).
STORED_MAX_BYTES = 4 * 1024**3
KEEP_VERSIONS = 2  # older snapshot folders are removed (a process still mapping one keeps its pages)
# A follow-up rewrites only the changed rows of the previous snapshot (`incremental_snapshot`)
# unless they are more than this share of it (a large import: a full build costs about the same)
# or the previous one is this many incremental steps from a full build (bounds what writes no
# follow-up announced could leave stale: an edit that bypasses both the follow-up and the
# timestamps, e.g. a raw UPDATE of an audience profile).
INCREMENTAL_MAX_SHARE = 0.05
STREAM_ROWS = 10_000  # rows fetched at a time by a build
INCREMENTAL_MIN_ROWS = 1_000  # below this a small catalogue still takes the incremental path
INCREMENTAL_MAX_ROWS = 20_000  # ids in one IN list (SQLite allows 32,766 parameters)
INCREMENTAL_MAX_DEPTH = 50
# auto_now timestamps come from the writing process's clock: rows saved this long before the
# base was read are read again (a few seconds of clock skew between hosts).
CLOCK_MARGIN = dt.timedelta(minutes=5)
# Columns with one entry per account row; the others are sparse (name_ptr/_rows/_values).
SPARSE = ("terms", *(f"audience_{dim}" for dim in DIMENSIONS))

ACCOUNT_FIELDS = (
    "pk",
    "creator_id",
    "platform",
    "creator__country",
    "creator__languages",
    "metrics__pk",
    "metrics__followers",
    "metrics__engagement_rate",
    "metrics__vetting_inputs__rank",
    "metrics__vetting_inputs__text__terms",
)
ACCOUNT_JSON_FIELDS = ("creator__languages", "metrics__vetting_inputs__rank", "metrics__vetting_inputs__text__terms")


def json_rows(
    qs: QuerySet[Any], fields: Sequence[str], *, json_fields: Collection[str], chunk_size: int | None = None
) -> Iterator[tuple[Any, ...]]:
    """`qs.values_list(*fields)` with the JSON columns among them read as text and parsed with
    orjson: Django's JSONField decoding (a json.loads per value, through its converters) was the
    largest part of a cold ranking of 100k accounts (2.8 s of 7 in a profile). With `chunk_size`
    the rows are streamed (a server-side cursor on PostgreSQL), never all held at once."""
    aliases = {name: f"{name.replace('__', '_')}_json_text" for name in json_fields}
    columns = [aliases.get(name, name) for name in fields]
    positions = [i for i, name in enumerate(fields) if name in aliases]
    rows = qs.annotate(**{alias: Cast(name, TextField()) for name, alias in aliases.items()}).values_list(*columns)
    for row in rows.iterator(chunk_size=chunk_size) if chunk_size else rows:
        row = list(row)
        for i in positions:
            if row[i] is not None:
                row[i] = orjson.loads(row[i])
        yield tuple(row)


def json_values(qs: QuerySet[Any], fields: Sequence[str], *, json_fields: Collection[str]) -> list[tuple[Any, ...]]:
    """`json_rows` as a list."""
    return list(json_rows(qs, fields, json_fields=json_fields))


def normalised_shares(dist: Any) -> dict[str, float] | None:
    """An audience distribution's shares over its own total (negative shares count as 0), or
    None when it has no positive share: the ranking treats that dimension as unknown."""
    if not dist:
        return None
    shares = {str(k): max(float(v), 0.0) for k, v in dist.items() if v is not None}
    total = sum(shares.values())
    if total <= 0:
        return None
    return {k: v / total for k, v in shares.items()}


def engagement_column(
    platforms: Sequence[str], followers: np.ndarray, rates: Sequence[float | None], ranked: Sequence[Any]
) -> np.ndarray:
    """Engagement quality per account: the vetting report's when it has one, else the metrics'
    engagement rate against the benchmark median of its platform and follower tier."""
    n = len(platforms)
    table = load_benchmarks()
    eq = np.full(n, np.nan)
    er, medians = np.full(n, np.nan), np.full(n, np.nan)
    for i in range(n):
        inputs = ranked[i] or {}
        if inputs.get("engagement_quality") is not None:
            eq[i] = float(inputs["engagement_quality"])
        elif rates[i] is not None and not math.isnan(followers[i]):
            platform_row = table["platforms"].get(platforms[i])
            if platform_row:
                er[i] = float(rates[i])  # type: ignore[arg-type]
                medians[i] = platform_row["tiers"][tier_for(followers[i], table)]["median"]
    from_metrics = ~np.isnan(er)
    eq[from_metrics] = engagement_quality(er[from_metrics], medians[from_metrics])
    return eq


class _Vocabulary:
    def __init__(self, limit: int | None = None) -> None:
        self.codes: dict[str, int] = {}
        self.limit = limit

    def code(self, value: str) -> int | None:
        if value not in self.codes:
            if self.limit is not None and len(self.codes) >= self.limit:
                return None
            self.codes[value] = len(self.codes)
        return self.codes[value]

    @property
    def names(self) -> list[str]:
        return list(self.codes)


class _Entries:
    """(key, row, value) entries of a sparse column, collected row by row with few Python steps
    per entry (a catalogue holds millions of text terms), in typed arrays (8 bytes an entry, not
    a Python object: the build of 1M accounts must fit in memory)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.keys = typed_array("q")
        self.values = typed_array("d")
        self.rows = typed_array("q")
        self.counts = typed_array("q")

    def add(self, row: int, mapping: Mapping[str, float]) -> None:
        codes = self.codes
        self.keys.extend([codes.setdefault(k, len(codes)) for k in mapping])
        self.values.extend([float(v) for v in mapping.values()])
        self.rows.append(row)
        self.counts.append(len(mapping))

    @property
    def names(self) -> list[str]:
        return list(self.codes)

    def key_major(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries in a key-major layout: rows and values of key k are at
        [ptr[k], ptr[k + 1]), rows ascending."""
        size = len(self.codes)
        keys = np.frombuffer(self.keys, dtype=np.int64) if self.keys else np.zeros(0, dtype=np.int64)
        rows = np.repeat(
            np.frombuffer(self.rows, dtype=np.int64) if self.rows else np.zeros(0, dtype=np.int64),
            np.frombuffer(self.counts, dtype=np.int64) if self.counts else np.zeros(0, dtype=np.int64),
        )
        values = np.frombuffer(self.values, dtype=np.float64) if self.values else np.zeros(0)
        order = np.lexsort((rows, keys))
        ptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=size), out=ptr[1:])
        return ptr, rows[order], values[order]


@dataclass
class FeatureSnapshot:
    """The columns (name → array, one row per account unless the name says otherwise) and the
    vocabularies their codes refer to (`meta`)."""

    columns: dict[str, np.ndarray]
    meta: dict[str, Any]
    _term_codes: dict[str, int] | None = field(default=None, repr=False)
    _memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _memo_running: dict[Hashable, threading.Event] = field(default_factory=dict, repr=False)
    # The folder it was loaded from (None: built in this process, not shared): `stored_arrays` keeps
    # values derived from this version of the catalogue beside its columns.
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.columns["account_id"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def accounts(self) -> int:
        return len(self)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute()'s value for `key`, kept with this snapshot (MEMO_ENTRIES, newest kept): for
        other values derived from the catalogue as of this version, such as a brand's hits in
        recent posts. One thread computes a new key while the others asking for it wait for its
        value: at 1M accounts a brand's post scan takes seconds, and every thread of a worker
        starting the same scan at once ran it eight times over and timed clients out. If the
        computing thread fails, a waiting one computes in its turn."""
        while True:
            with self._memo_lock:
                if key in self._memo:
                    self._memo.move_to_end(key)
                    return self._memo[key]
                running = self._memo_running.get(key)
                if running is None:
                    running = self._memo_running[key] = threading.Event()
                    break
            running.wait()
        try:
            value = compute()
            with self._memo_lock:
                self._memo[key] = value
                while len(self._memo) > MEMO_ENTRIES:
                    self._memo.popitem(last=False)
        finally:
            with self._memo_lock:
                del self._memo_running[key]
            running.set()
        return value

    def stored_arrays(
        self, key: Sequence[Any], compute: Callable[[], Mapping[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        """compute()'s named arrays for `key` (JSON-able), shared by every process of the host
        through a file in this snapshot's folder: the first process computes them and writes
        them atomically, the others, and this one after a restart, map that file read-only
        instead. For values derived from the catalogue as of this version that cost far more to
        compute than to read, such as a brand's hits in recent posts (~1 s of database and
        matcher at 100k creators, paid by every worker for every brand and catalogue version
        before) or its columns over every account. Every process maps the same pages (a brand's
        columns over 1.1M accounts are 26 MB), and reading them back costs no copy. The values
        are the computing process's bytes, so bit-identical to computing them. The arrays
        returned are read-only.

        The folder is this version's (a catalogue write makes a new one, and pruning removes the
        old with its files), and the file holds its key, checked on reading, so a value is never
        served for another version or key. While one process computes a key, the others asking
        for it wait for its file (up to STORED_WAIT seconds) rather than run the same query. A
        snapshot built in this process (no folder) computes every time; `memo` belongs on top."""
        if self.path is None:
            return _read_only(compute())

        def write(file: Path, stamp: Any, value: dict[str, np.ndarray]) -> None:
            _write_arrays(file, stamp, value)

        return self._shared(key, ".arrays", lambda: _read_only(compute()), _read_arrays, write)

    def base_stored_arrays(self, key: Sequence[Any]) -> dict[str, np.ndarray] | None:
        """The arrays `stored_arrays(key)` kept beside the snapshot this one was made from by
        rewriting some accounts' rows (`incremental_snapshot`: meta "base", "rewrote" and
        "rewrote_creators"), if that folder is still on the host and holds them; else None. A
        value derived per creator can then be carried over for every creator not rewritten."""
        base = self.meta.get("base")
        if self.path is None or not base or "rewrote_creators" not in self.meta:
            return None
        file, stamp, _ = _stored_file(self.path.parent / base, key, ".arrays")
        found = _read_arrays(file, stamp)
        return None if found is None else found[0]

    def _shared(
        self,
        key: Sequence[Any],
        suffix: str,
        compute: Callable[[], T],
        read: Callable[[Path, Any], tuple[T] | None],
        write: Callable[[Path, Any, T], None],
    ) -> T:
        """The value of `key` read from its file in this snapshot's folder, else computed and
        written there, one process at a time (the others wait for the file)."""
        assert self.path is not None
        file, stamp, name = _stored_file(self.path, key, suffix)
        found = read(file, stamp)
        if found is not None:
            _touch(file)
            return found[0]
        try:
            lock = open(self.path / f".stored-{name}.lock", "a+b")  # held while computing, closed below
        except OSError:
            lock = None  # a read-only folder: compute, as without one
        try:
            if lock is not None and _lock_for(lock, STORED_WAIT):
                found = read(file, stamp)  # written while this process waited
                if found is not None:
                    return found[0]
            value = compute()
            if lock is not None:
                write(file, stamp, value)
                _prune_stored(self.path, keep=file)
            return value
        finally:
            if lock is not None:
                lock.close()  # releases the lock

    def select(
        self,
        *,
        platforms: Iterable[str] | None = None,
        min_followers: float | None = None,
        max_followers: float | None = None,
        countries: Iterable[str] | None = None,
        creator_ids: Iterable[int] | None = None,
    ) -> np.ndarray:
        """Row numbers of the accounts passing these filters, with the semantics of
        `influencers.selectors.creators.accounts_filtered` (exact platform names, countries
        matched upper-cased against the stored code, no metrics: outside any follower range)."""
        mask = np.ones(len(self), dtype=bool)
        if creator_ids is not None:
            mask &= np.isin(self["creator_id"], np.array([int(c) for c in creator_ids], dtype=np.int64))
        if platforms:
            wanted = set(platforms)
            mask &= np.isin(self["platform"], [i for i, p in enumerate(self.meta["platforms"]) if p in wanted])
        if countries:
            wanted = {str(c).upper() for c in countries}
            mask &= np.isin(self["country"], [i for i, c in enumerate(self.meta["countries"]) if c in wanted])
        followers = self["followers"]
        if min_followers is not None:
            mask &= ~np.isnan(followers) & (np.nan_to_num(followers, nan=-1.0) >= float(min_followers))
        if max_followers is not None:
            mask &= ~np.isnan(followers) & (np.nan_to_num(followers, nan=-1.0) <= float(max_followers))
        return np.flatnonzero(mask)

    def audience_matrices(
        self, rows: np.ndarray, targets: Mapping[str, tuple[float, Mapping[str, float]]], today: dt.date
    ) -> tuple[dict[str, tuple[list[str], np.ndarray]], np.ndarray]:
        """What `vetting.services.matching._audience_matrices` gives for these rows: per target
        dimension (keys, shares of the newest profile over the target's sorted keys; NaN rows
        without data) and the age in days of each row's newest profile (NaN without one)."""
        as_of = self["audience_as_of"][rows]
        ages = np.where(as_of > 0, float(today.toordinal()) - as_of.astype(np.float64), np.nan)
        position = np.full(len(self), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        matrices: dict[str, tuple[list[str], np.ndarray]] = {}
        for dim in sorted(targets):
            keys = sorted(targets[dim][1])
            has = self[f"audience_{dim}_has"][rows]
            matrix = np.full((len(rows), len(keys)), np.nan)
            matrix[has] = 0.0
            codes = {k: i for i, k in enumerate(self.meta["audience_keys"][dim])}
            ptr, key_rows, values = (self[f"audience_{dim}_{part}"] for part in ("ptr", "rows", "values"))
            for j, key in enumerate(keys):
                code = codes.get(key)
                if code is None:
                    continue
                where = position[key_rows[ptr[code] : ptr[code + 1]]]
                keep = where >= 0
                matrix[where[keep], j] = values[ptr[code] : ptr[code + 1]][keep]
            matrices[dim] = (keys, matrix)
        return matrices, ages

    def term_weights(self, term: str, rows: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Each row's weight of `term` in its cached text terms (0 without it); `position` maps a
        snapshot row to its place among `rows` (-1 elsewhere)."""
        out = np.zeros(len(rows))
        code = self._terms().get(term)
        if code is None:
            return out
        ptr = self["terms_ptr"]
        where = position[self["terms_rows"][ptr[code] : ptr[code + 1]]]
        keep = where >= 0
        out[where[keep]] = self["terms_values"][ptr[code] : ptr[code + 1]][keep]
        return out

    def cosine(self, query: Mapping[str, float], idf: Mapping[str, float], rows: np.ndarray) -> np.ndarray:
        """`vetting.scoring.text_similarity.cosine(query, terms, idf)` of each row's cached text
        terms (0 without any), over the query's terms in its order, as that function sums them."""
        out = np.zeros(len(rows))
        if not query:
            return out
        q = {t: w * (idf.get(t, 1.0) if idf else 1.0) for t, w in query.items()}
        norm = math.sqrt(sum(w * w for w in q.values()))
        if norm == 0:
            return out
        position = np.full(len(self), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        for term, weight in q.items():
            out = out + weight * self.term_weights(term, rows, position)
        return np.where(self["has_text"][rows], out / norm, 0.0)

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """The catalogue IDF of `vetting.services.matching.catalogue_idf`, from the snapshot:
        log((1 + N) / (1 + df)) + 1 with N accounts with metrics, df those whose terms hold it."""
        n = int(np.count_nonzero(self["has_metrics"]))
        ptr = self["terms_ptr"]
        codes = self._terms()
        out = {}
        for term in terms:
            code = codes.get(term)
            df = 0 if code is None else int(ptr[code + 1] - ptr[code])
            out[term] = math.log((1 + n) / (1 + df)) + 1.0
        return out

    def _terms(self) -> dict[str, int]:
        if self._term_codes is None:
            self._term_codes = {t: i for i, t in enumerate(self.meta["terms"])}
        return self._term_codes


ARRAY_ALIGN = 64  # each array of a stored-arrays file starts at a multiple of this (aligned loads)


def _read_only(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {name: np.asarray(array) for name, array in arrays.items()}
    for array in out.values():
        array.setflags(write=False)
    return out


def _write_arrays(file: Path, stamp: Any, arrays: Mapping[str, np.ndarray]) -> None:
    """Write `arrays` into `file` atomically: a JSON line (the stamp, and each array's name,
    dtype, shape and offset from the data's start), then each array's bytes, aligned."""
    layout: list[tuple[str, str, list[int], int]] = []
    offset = 0
    contiguous = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    for name, array in contiguous.items():
        layout.append((name, array.dtype.str, list(array.shape), offset))
        offset += -(-array.nbytes // ARRAY_ALIGN) * ARRAY_ALIGN
    head = orjson.dumps({"key": stamp, "arrays": layout}) + b"\n"
    start = -(-len(head) // ARRAY_ALIGN) * ARRAY_ALIGN
    tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as out:
            out.write(head)
            for (_, _, _, at), array in zip(layout, contiguous.values(), strict=True):
                out.seek(start + at)
                out.write(array.data)
            out.truncate(start + offset)
        os.replace(tmp, file)
    except OSError as exc:
        logger.warning("ranking features: could not write %s: %s", file, exc)
        tmp.unlink(missing_ok=True)


def _stored_file(folder: Path, key: Sequence[Any], suffix: str) -> tuple[Path, Any, str]:
    """The file of `key`'s stored value in a snapshot's `folder`, the stamp its head holds (the
    folder's name and the key, as read back from JSON) and the name that tells them apart."""
    stamp = orjson.loads(orjson.dumps([folder.name, key]))
    name = hashlib.sha256(orjson.dumps(stamp)).hexdigest()[:32]
    return folder / f"stored-{name}{suffix}", stamp, name


def _read_arrays(file: Path, stamp: Any) -> tuple[dict[str, np.ndarray]] | None:
    """(the arrays of `file`, mapped read-only,) when it is `stamp`'s and whole; None when it is
    missing, another key's, torn or unreadable (then they are computed again and rewritten)."""
    try:
        with open(file, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # stays mapped while its arrays live
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        logger.warning("ranking features: ignoring %s: %s", file, exc)
        return None
    end = mapped.find(b"\n")
    try:
        head = orjson.loads(mapped[:end]) if end > 0 else None
        if isinstance(head, dict) and head.get("key") == stamp:
            start = -(-(end + 1) // ARRAY_ALIGN) * ARRAY_ALIGN
            arrays = {}
            for name, dtype, shape, offset in head["arrays"]:
                count = math.prod(shape)
                if count == 0:
                    array = np.zeros(shape, dtype=dtype)
                else:
                    array = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + offset).reshape(shape)
                array.setflags(write=False)
                arrays[name] = array
            return (arrays,)
    except (orjson.JSONDecodeError, ValueError, TypeError, KeyError) as exc:  # torn: too short for its arrays
        logger.warning("ranking features: ignoring %s: %s", file, exc)
        return None
    logger.warning("ranking features: ignoring %s: not the file of %s", file, stamp)
    return None


def _touch(file: Path) -> None:
    """Mark a stored value as just used (its modification time): `_prune_stored` removes the
    least recently used first. A read-only folder is left as it is."""
    try:
        os.utime(file)
    except OSError:
        pass


def _prune_stored(folder: Path, *, keep: Path | None = None) -> None:
    """Remove the stored values (and their locks) of `folder` written or used more than
    STORED_MAX_AGE ago: their keys hold a day that is over (a version can last days without a
    catalogue write, and each day's keys are new files). Then, while the values left take more
    than STORED_MAX_BYTES, the least recently used other than `keep` (the one just written)."""
    cutoff = time.time() - STORED_MAX_AGE
    left: list[tuple[float, int, Path]] = []
    for entry in [*folder.glob("stored-*"), *folder.glob(".stored-*")]:
        try:
            status = entry.stat()
            if status.st_mtime < cutoff:
                entry.unlink()
            elif entry.name.startswith("stored-"):
                left.append((status.st_mtime, status.st_size, entry))
        except OSError:
            continue  # removed by another process meanwhile
    total = sum(size for _, size, _ in left)
    for _, size, entry in sorted(left, key=lambda e: e[0]):
        if total <= STORED_MAX_BYTES:
            break
        if entry == keep:
            continue
        entry.unlink(missing_ok=True)
        total -= size


def _lock_for(handle: Any, seconds: float) -> bool:
    """Take the exclusive lock of the open file `handle`, waiting up to `seconds` for a process
    holding it; False when it is still held then (the caller goes on without it)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def build_snapshot(accounts: QuerySet[Account] | None = None) -> FeatureSnapshot:
    """Read every account's ranking inputs from the database (a few queries, JSON parsed with
    orjson). `accounts` narrows it (tests); the creator-level risk always spans all of a
    creator's accounts."""
    read_at = timezone.now()
    accounts = (Account.objects.all() if accounts is None else accounts).order_by("pk")
    risks = creator_risks(creators=accounts.values("creator_id"))
    platforms, countries, languages = _Vocabulary(), _Vocabulary(), _Vocabulary(LANGUAGE_BITS)
    # One typed array per column, filled while the rows stream by (no row is kept).
    ids, creator, platform, country, lang_bits = (
        typed_array("q"),
        typed_array("q"),
        typed_array("h"),
        typed_array("i"),
        typed_array("q"),
    )
    followers, has_metrics, has_text = typed_array("d"), typed_array("b"), typed_array("b")
    risk, confidence, verdict = typed_array("d"), typed_array("d"), typed_array("b")
    rates: list[float | None] = []
    ranked: list[Any] = []
    terms = _Entries()
    for i, r in enumerate(json_rows(accounts, ACCOUNT_FIELDS, json_fields=ACCOUNT_JSON_FIELDS, chunk_size=STREAM_ROWS)):
        ids.append(r[0])
        creator.append(r[1])
        platform.append(platforms.code(r[2] or "") or 0)
        country.append(countries.code(r[3] or "") or 0)
        bits = 0
        for lang in r[4] or []:
            code = languages.code(str(lang).lower())
            if code is not None:  # rare languages beyond the mask's capacity cannot be filtered on
                bits |= 1 << code
        lang_bits.append(bits)
        followers.append(float(r[6]) if r[6] is not None else math.nan)
        has_metrics.append(r[5] is not None)
        cr = risks.get(int(r[1]), NOT_VETTED)
        risk.append(math.nan if cr.risk is None else float(cr.risk))
        confidence.append(float(cr.confidence or 0.0))
        verdict.append(cr.has_verdict)
        rates.append(r[7])
        quality = (r[8] or {}).get("engagement_quality")
        ranked.append(None if quality is None else {"engagement_quality": quality})
        has_text.append(bool(r[9]))
        if r[9]:
            terms.add(i, r[9])
    del risks
    n = len(ids)

    def column(values: typed_array, dtype: Any) -> np.ndarray:
        return np.frombuffer(values, dtype=values.typecode).astype(dtype) if n else np.zeros(0, dtype=dtype)

    followers_column = column(followers, np.float64)
    names = platforms.names
    columns: dict[str, np.ndarray] = {
        "account_id": column(ids, np.int64),
        "creator_id": column(creator, np.int64),
        "platform": column(platform, np.int16),
        "country": column(country, np.int32),
        "languages": column(lang_bits, np.int64),
        "followers": followers_column,
        "has_metrics": column(has_metrics, bool),
        "risk": column(risk, np.float64),
        "risk_confidence": column(confidence, np.float64),
        "verdict": column(verdict, bool),
        "engagement": engagement_column([names[c] for c in platform], followers_column, rates, ranked),
        "has_text": column(has_text, bool),
    }
    del rates, ranked
    columns["terms_ptr"], columns["terms_rows"], columns["terms_values"] = terms.key_major()
    position = {int(a): i for i, a in enumerate(ids)}
    meta: dict[str, Any] = {
        "format": FORMAT,
        "platforms": platforms.names,
        "countries": countries.names,
        "languages": languages.names,
        "terms": terms.names,
        "audience_keys": {},
        # When the build began reading (this process's clock, as the auto_now timestamps are).
        "read_at": read_at.isoformat(timespec="microseconds"),
        "depth": 0,  # incremental steps since the last full build
    }
    _audience_columns(accounts, position, columns, meta)
    for array in columns.values():
        array.setflags(write=False)
    return FeatureSnapshot(columns, meta)


def _audience_columns(
    accounts: QuerySet[Account], position: dict[int, int], columns: dict[str, np.ndarray], meta: dict[str, Any]
) -> None:
    n = len(position)
    as_of = np.zeros(n, dtype=np.int32)  # proleptic ordinal of the newest profile's date, 0: none
    has = {dim: np.zeros(n, dtype=bool) for dim in DIMENSIONS}
    entries = {dim: _Entries() for dim in DIMENSIONS}
    profiles = newest_audience_profiles_of(accounts)
    fields = ("account_id", "as_of", *DIMENSIONS)
    for account_id, date, *dists in json_rows(profiles, fields, json_fields=DIMENSIONS, chunk_size=STREAM_ROWS):
        i = position[account_id]
        as_of[i] = date.toordinal()
        for dim, dist in zip(DIMENSIONS, dists, strict=True):
            shares = normalised_shares(dist)
            if shares is None:
                continue
            has[dim][i] = True
            entries[dim].add(i, shares)
    columns["audience_as_of"] = as_of
    for dim in DIMENSIONS:
        columns[f"audience_{dim}_has"] = has[dim]
        ptr, rows, values = entries[dim].key_major()
        columns[f"audience_{dim}_ptr"], columns[f"audience_{dim}_rows"], columns[f"audience_{dim}_values"] = (
            ptr,
            rows,
            values,
        )
        meta["audience_keys"][dim] = entries[dim].names


def _changed_since(since: dt.datetime) -> set[int]:
    """Accounts whose account, creator or metrics row was saved through Django since `since`
    (their auto_now timestamps): edits no follow-up announced (the admin, a creator edit)."""
    recent = Q(updated_at__gte=since) | Q(creator__updated_at__gte=since) | Q(metrics__computed_at__gte=since)
    return set(Account.objects.filter(recent).values_list("pk", flat=True))


def incremental_snapshot(base: FeatureSnapshot, changed: Collection[int]) -> FeatureSnapshot | None:
    """The snapshot of the catalogue as it is now, made from `base` by rewriting only the rows of
    the `changed` accounts (and of those saved since `base` was read, `_changed_since`): updated
    rows replaced, new accounts added, deleted ones dropped. None when a full build is due: a
    base without the fields this needs, too many steps from a full build, or too many rows.

    The creator-level columns (risk, country, languages) span every account of a creator, so
    every account of a creator a changed account belongs to, before or now, is rewritten."""
    if base.meta.get("format") != FORMAT or "read_at" not in base.meta:
        return None
    depth = int(base.meta.get("depth", 0))
    if depth >= INCREMENTAL_MAX_DEPTH:
        return None
    read_at = timezone.now()
    limit = min(max(INCREMENTAL_MIN_ROWS, INCREMENTAL_MAX_SHARE * len(base)), INCREMENTAL_MAX_ROWS)
    since = dt.datetime.fromisoformat(base.meta["read_at"]) - CLOCK_MARGIN
    ids = {int(a) for a in changed} | _changed_since(since)
    if len(ids) > limit:
        return None
    wanted = np.fromiter(ids, dtype=np.int64, count=len(ids))
    creators = set(base["creator_id"][np.isin(base["account_id"], wanted)].tolist())
    creators |= set(Account.objects.filter(pk__in=ids).values_list("creator_id", flat=True))
    fresh = set(Account.objects.filter(Q(pk__in=ids) | Q(creator_id__in=creators)).values_list("pk", flat=True))
    before = base["account_id"][np.isin(base["creator_id"], np.fromiter(creators, dtype=np.int64))]
    replaced = ids | fresh | set(before.tolist())
    if len(replaced) > limit:
        return None
    part = build_snapshot(Account.objects.filter(pk__in=fresh))
    merged = merge_snapshots(base, part, replaced)
    if merged is not None:
        merged.meta.update(
            read_at=read_at.isoformat(timespec="microseconds"),
            depth=depth + 1,
            rewrote=sorted(replaced),
            # Whose values derived per creator may differ from the base's (their accounts' rows,
            # posts or membership changed); the others' can be carried over (`base_stored_arrays`).
            rewrote_creators=sorted(creators),
            base=None if base.path is None else base.path.name,
        )
    return merged


def _extend(names: list[str], more: Sequence[str]) -> np.ndarray:
    """Append to the vocabulary `names` the names of `more` it lacks; the new code of each of
    `more`'s codes."""
    codes = {name: i for i, name in enumerate(names)}
    for name in more:
        if name not in codes:
            codes[name] = len(names)
            names.append(name)
    return np.array([codes[name] for name in more], dtype=np.int64)


def _entries(snapshot: FeatureSnapshot, prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sparse column's (key, row, value) entries."""
    ptr = np.asarray(snapshot[f"{prefix}_ptr"])
    keys = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    return keys, np.asarray(snapshot[f"{prefix}_rows"]), np.asarray(snapshot[f"{prefix}_values"])


def merge_snapshots(base: FeatureSnapshot, part: FeatureSnapshot, replaced: Collection[int]) -> FeatureSnapshot | None:
    """`base` without the rows of the `replaced` accounts, plus the rows of `part` (a snapshot of
    some accounts built on its own), ordered by account id as a full build is. `part`'s codes are
    translated into `base`'s vocabularies, extended with the values it adds (a vocabulary keeps
    values no row uses any more: they weigh nothing). None when the languages no longer fit the
    bit mask."""
    meta = orjson.loads(orjson.dumps(base.meta))
    gone = np.fromiter((int(a) for a in replaced), dtype=np.int64, count=len(replaced))
    kept = np.flatnonzero(~np.isin(base["account_id"], gone))
    ids = np.concatenate([base["account_id"][kept], part["account_id"]])
    order = np.argsort(ids, kind="stable")
    position = np.empty(len(ids), dtype=np.int64)
    position[order] = np.arange(len(ids))  # merged row of each kept base row, then of each part row
    base_position = np.full(len(base), -1, dtype=np.int64)
    base_position[kept] = position[: len(kept)]
    part_position = position[len(kept) :]

    languages = _extend(meta["languages"], part.meta["languages"])
    if len(meta["languages"]) > LANGUAGE_BITS:
        return None
    part_bits = np.asarray(part["languages"])
    language_bits = np.zeros(len(part), dtype=np.int64)
    for code, new in enumerate(languages):
        language_bits |= ((part_bits >> code) & 1) << new
    translated = {
        "platform": _extend(meta["platforms"], part.meta["platforms"])[part["platform"]].astype(np.int16),
        "country": _extend(meta["countries"], part.meta["countries"])[part["country"]].astype(np.int32),
        "languages": language_bits,
    }
    sparse = {f"{prefix}_{piece}" for prefix in SPARSE for piece in ("ptr", "rows", "values")}
    columns: dict[str, np.ndarray] = {}
    for name, array in base.columns.items():
        if name not in sparse:
            added = translated.get(name, part[name])
            columns[name] = np.concatenate([np.asarray(array)[kept], added])[order]
    for prefix in SPARSE:
        if prefix == "terms":
            names, more = meta["terms"], part.meta["terms"]
        else:
            dim = prefix.removeprefix("audience_")
            names, more = meta["audience_keys"][dim], part.meta["audience_keys"][dim]
        key_codes = _extend(names, more)
        keys, rows, values = _entries(base, prefix)
        stay = base_position[rows] >= 0
        new_keys, new_rows, new_values = _entries(part, prefix)
        keys = np.concatenate([keys[stay], key_codes[new_keys]])
        rows = np.concatenate([base_position[rows[stay]], part_position[new_rows]])
        values = np.concatenate([values[stay], new_values])
        by_key = np.lexsort((rows, keys))
        ptr = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=len(names)), out=ptr[1:])
        columns[f"{prefix}_ptr"], columns[f"{prefix}_rows"], columns[f"{prefix}_values"] = (
            ptr,
            rows[by_key],
            values[by_key].astype(np.float64),
        )
    for array in columns.values():
        array.setflags(write=False)
    return FeatureSnapshot(columns, meta)


def write_snapshot(snapshot: FeatureSnapshot, path: Path) -> None:
    """Write the snapshot as one .npy per column plus meta.json into `path`, atomically: into a
    temporary sibling folder first, renamed into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    try:
        for name, array in snapshot.columns.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        meta = {**snapshot.meta, "columns": sorted(snapshot.columns)}
        (tmp / "meta.json").write_bytes(orjson.dumps(meta))
        os.rename(tmp, path)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not path.is_dir():  # not a lost race with another process writing the same version
            raise


def load_snapshot(path: Path) -> FeatureSnapshot:
    """The snapshot in `path`, its columns memory-mapped read-only (the page cache holds one copy
    for every process of the host)."""
    meta = json.loads((path / "meta.json").read_bytes())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path} holds ranking features of format {meta.get('format')}, expected {FORMAT}")
    columns = {name: np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in meta["columns"]}
    return FeatureSnapshot(columns, meta, path=path)


def snapshot_enabled() -> bool:
    return bool(getattr(settings, "RANKING_FEATURE_SNAPSHOT", False))


def snapshot_dir() -> Path:
    return Path(getattr(settings, "RANKING_FEATURES_DIR", Path(settings.VAR_DIR) / "ranking-features"))


def folder_for(version: str) -> str:
    return f"v{FORMAT}-{hashlib.sha256(version.encode()).hexdigest()[:20]}"


_loaded: tuple[str, FeatureSnapshot] | None = None
_lock = threading.Lock()
_building = False  # this process has a background build running


def current_snapshot(
    *, wait: bool = False, changed: Collection[int] | None = None, build: bool = True
) -> FeatureSnapshot | None:
    """The snapshot of the catalogue as it is now; None when snapshots are off, the data version
    cannot be read, or no process of the host has built this version yet: then a build starts
    in the background (one at a time per host) and the caller reads the database meanwhile, so
    no request waits for a build. `wait`: build it now instead (the catalogue follow-up, benches);
    `changed`: the accounts the follow-up's change wrote, so the newest snapshot of the host can
    be brought up to date by rewriting their rows (`incremental_snapshot`); `build=False`: None
    rather than start a build (work worth doing only on a snapshot the host already has).

    The version is read before the data: a write committing during the build changes the
    version, so the snapshot labelled with the old one is never read after that commit."""
    global _loaded
    if not snapshot_enabled():
        return None
    version = data_version("catalogue")
    if version is None:
        return None
    root = snapshot_dir()
    path = root / folder_for(version)
    if changed and path.is_dir() and _missed(path, changed):
        # Another follow-up built this version from an older snapshot before this change's
        # follow-up ran (two imports committing close together): its rows of these accounts may
        # predate this change. A new version, built from that one with these rows rewritten.
        data_version_bump("catalogue")
        version = data_version("catalogue")
        if version is None:
            return None
        path = root / folder_for(version)
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    if not path.is_dir():
        if not build:
            return None
        if wait:
            _build(path, block=True, changed=changed)
        else:
            _build_in_background(path)  # inline where background threads are off (tests)
        if not path.is_dir():
            return None
    with _lock:
        if _loaded is None or _loaded[0] != version:
            _loaded = (version, load_snapshot(path))
        return _loaded[1]


def _missed(path: Path, changed: Collection[int]) -> bool:
    """Whether the incremental snapshot in `path` may not hold the rows of `changed` as they are:
    it rewrote other accounts only (a full build read them all)."""
    meta = json.loads((path / "meta.json").read_bytes())
    return int(meta.get("depth", 0)) > 0 and not {int(a) for a in changed} <= set(meta.get("rewrote", ()))


def _build_in_background(path: Path) -> None:
    global _building
    with _lock:
        if _building:
            return
        _building = True

    def work() -> None:
        global _building
        try:
            _build(path, block=False)
        finally:
            with _lock:
                _building = False

    run_outside_request("ranking-features", work)


def _build(path: Path, *, block: bool, changed: Collection[int] | None = None) -> None:
    """Build and write the snapshot into `path` unless a process of the host has: under a file
    lock, waited for (`block`) or else given up when another process is building. With
    `changed` (account ids) from the newest snapshot of the host when it can be (else in full)."""
    root = path.parent
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another process is building; a later request finds the result or retries
        try:
            if path.is_dir():
                return
            started = time.perf_counter()
            base = None if changed is None else _newest_snapshot(root)
            snapshot = None if base is None else incremental_snapshot(base, changed or ())
            how = "incrementally" if snapshot is not None else "in full"
            if snapshot is None:
                snapshot = build_snapshot()
            write_snapshot(snapshot, path)
            logger.info("ranking features: %d accounts %s in %.2f s", len(snapshot), how, time.perf_counter() - started)
            _prune(root, keep=path.name)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _newest_snapshot(root: Path) -> FeatureSnapshot | None:
    """The snapshot of this format read last from the database among the folders of `root`."""
    newest: tuple[str, Path] | None = None
    for entry in root.glob(f"v{FORMAT}-*"):
        try:
            meta = json.loads((entry / "meta.json").read_bytes())
        except (OSError, ValueError):
            continue
        read_at = meta.get("read_at")
        if meta.get("format") == FORMAT and read_at and (newest is None or read_at > newest[0]):
            newest = (read_at, entry)
    return None if newest is None else load_snapshot(newest[1])


def forget_loaded() -> None:
    """Drop this process's mapped snapshot (tests; the files stay)."""
    global _loaded
    with _lock:
        _loaded = None


def _prune(root: Path, *, keep: str) -> None:
    """Remove all but the newest KEEP_VERSIONS snapshot folders, and temporary folders of builds
    that died more than an hour ago."""
    now = time.time()
    folders = []
    for entry in root.iterdir():
        if not entry.is_dir():
            continue
        if entry.name.startswith("."):
            if now - entry.stat().st_mtime > 3600:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.name != keep:
            folders.append(entry)
    folders.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    for entry in folders[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(entry, ignore_errors=True)


def features_after_change(change: Any) -> str | None:
    """Catalogue follow-up: build the snapshot of the changed catalogue now, so the first ranking
    after an import or refresh does not wait for it."""
    if not snapshot_enabled():
        return None
    snapshot = current_snapshot(wait=True, changed=change.account_ids)
    return None if snapshot is None else f"ranking features of {len(snapshot):,} accounts ready"
