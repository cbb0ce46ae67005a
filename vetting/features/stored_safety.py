"""A brand's brand-safety hits as kept beside the catalogue's feature snapshot
(`FeatureSnapshot.stored`), so that the host's other processes read them instead of searching
the recent posts again (`vetting.services.matching`).

A ranking needs every charged creator's penalty (a column over the whole catalogue) but the hits
and post places of a page's creators only (≤ 50 of ~30k at 100k creators). So the file holds the
penalties as arrays (exactly the floats the process that searched computed) and each creator's
hits with their posts' places as its own small JSON segment, decoded when a page first shows that
creator: reading the file costs milliseconds however many creators are charged, where decoding
every hit (32k at 100k creators) took ~200 ms. The arrays are kept with
`FeatureSnapshot.stored_arrays`, so the other processes map them (the segments are ~45 MB at 1M
creators: reading and copying them as one .npz cost ~50-100 ms per process and brand).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import orjson

from vetting.scoring.value_alignment import SafetyHit

FORMAT = 2  # bump when the layout below changes (it is part of the file's key)


def packed_arrays(
    charged: np.ndarray, amounts: np.ndarray, segments: Iterable[tuple[list[list[Any]], list[list[Any]]]]
) -> dict[str, np.ndarray]:
    """The file's arrays: `charged` (the creators with hits, ascending) and their penalties
    `amounts`; per charged creator, in their order, its hits as lists (kind, term, post id, date,
    snippet, penalty) and its posts' places (post id, url, account id) as a JSON segment of
    "blob" (creator i's at starts[i]:starts[i + 1]); and the posts with places (ascending) with
    their creator's position among the charged."""
    segments = list(segments)
    blobs = _each_dumped([[hits, places] for hits, places in segments])
    starts = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(blob) for blob in blobs], out=starts[1:])
    posts = [int(place[0]) for _, places in segments for place in places]
    owners = [i for i, (_, places) in enumerate(segments) for _ in places]
    by_post = np.argsort(np.array(posts, dtype=np.int64), kind="stable")
    return {
        "charged": np.asarray(charged, dtype=np.int64),
        "amounts": np.asarray(amounts, dtype=np.float64),
        "starts": starts,
        "blob": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "posts": np.array(posts, dtype=np.int64)[by_post],
        "owners": np.array(owners, dtype=np.int64)[by_post],
    }


def carried_arrays(
    base: Mapping[str, np.ndarray], rewritten: np.ndarray, fresh: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The `packed_arrays` of a newer catalogue made from an older one's (`base`) without
    decoding it: the segments and penalties of every charged creator not in `rewritten` (creator
    ids whose posts may have changed) are copied as they are, and those of `fresh` (the packed
    arrays of the rewritten creators searched again; its creators all among `rewritten`) put in
    their place, in creator order. Byte for byte what packing the same hits at once gives: each
    creator's segment and penalty depend on its own posts only. The copies go by runs of
    consecutive segments (a few per rewritten creator), not one by one."""
    charged, starts, amounts = (np.asarray(base[name]) for name in ("charged", "starts", "amounts"))
    fresh_charged, fresh_starts = np.asarray(fresh["charged"]), np.asarray(fresh["starts"])
    kept = np.flatnonzero(~np.isin(charged, np.asarray(rewritten, dtype=np.int64)))
    creators = np.concatenate([charged[kept], fresh_charged])
    is_fresh = np.repeat([False, True], [len(kept), len(fresh_charged)])
    source = np.concatenate([kept, np.arange(len(fresh_charged))])  # the segment's index in its source
    order = np.argsort(creators, kind="stable")
    is_fresh, source = is_fresh[order], source[order]
    lengths = np.empty(len(order), dtype=np.int64)
    lengths[~is_fresh] = np.diff(starts)[source[~is_fresh]]
    lengths[is_fresh] = np.diff(fresh_starts)[source[is_fresh]]
    new_starts = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_starts[1:])

    # Runs of segments consecutive in one source are copied as one slice of its blob.
    breaks = np.flatnonzero((is_fresh[1:] != is_fresh[:-1]) | (source[1:] != source[:-1] + 1)) + 1
    pieces = []
    for first, last in zip(np.r_[0, breaks].tolist(), np.r_[breaks, len(order)].tolist(), strict=True):
        if first == last:
            continue
        blob, blob_starts = (fresh["blob"], fresh_starts) if is_fresh[first] else (base["blob"], starts)
        pieces.append(np.asarray(blob)[int(blob_starts[source[first]]) : int(blob_starts[source[last - 1] + 1])])

    # A post's owner is its creator's position among the charged: renumbered for the new order.
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    base_owner = np.full(len(charged), -1, dtype=np.int64)
    base_owner[kept] = position[: len(kept)]
    base_posts, base_owners = np.asarray(base["posts"]), np.asarray(base["owners"])
    carried = base_owner[base_owners] >= 0
    posts = np.concatenate([base_posts[carried], np.asarray(fresh["posts"])])
    owners = np.concatenate([base_owner[base_owners][carried], position[len(kept) :][np.asarray(fresh["owners"])]])
    by_post = np.argsort(posts, kind="stable")
    return {
        "charged": creators[order].astype(np.int64),
        "amounts": np.concatenate([amounts[kept], np.asarray(fresh["amounts"])])[order].astype(np.float64),
        "starts": new_starts,
        "blob": np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint8),
        "posts": posts[by_post].astype(np.int64),
        "owners": owners[by_post].astype(np.int64),
    }


# What separates two values in `_each_dumped`'s one orjson.dumps: the string "\x00" between them.
_SEPARATOR = b',"\\u0000",'


def _each_dumped(values: list[Any]) -> list[bytes]:
    """`orjson.dumps` of each value, from one call over them all, split where a "\x00" string was
    put between each two (280k calls at 1M creators took 150-470 ms, one call ~50 ms): orjson
    writes a list's items as it writes them alone. When the separator also occurs inside a
    value (a "\x00" string of their own: never from PostgreSQL, whose text holds no NUL), the
    pieces are more than the values and each is dumped on its own instead."""
    if not values:
        return []
    joined = orjson.dumps([item for value in values for item in (value, "\x00")][:-1])
    pieces = joined[1:-1].split(_SEPARATOR)
    if len(pieces) == len(values):
        return pieces
    return [orjson.dumps(value) for value in values]


class StoredSafety:
    """The arrays of `packed_arrays` (mapped from the file, or as made): the penalties at once, a
    creator's hits and places decoded on first use (thread-safe: a segment decoded twice at once
    gives equal values)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.charged = np.asarray(arrays["charged"])
        self.amounts = np.asarray(arrays["amounts"])
        self.starts = np.asarray(arrays["starts"])
        self.blob = np.asarray(arrays["blob"])
        self.posts = np.asarray(arrays["posts"])
        self.owners = np.asarray(arrays["owners"])
        for array in (self.charged, self.amounts):
            array.setflags(write=False)
        self._segments: dict[int, tuple[list[SafetyHit], dict[int, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def index_of(self, creator: Any) -> int | None:
        """The position of `creator` among the charged creators (None: no hits)."""
        try:
            key = int(creator)
        except (TypeError, ValueError):
            return None
        at = int(np.searchsorted(self.charged, key))
        return at if at < len(self.charged) and int(self.charged[at]) == key else None

    def segment(self, i: int) -> tuple[list[SafetyHit], dict[int, dict[str, Any]]]:
        """The hits and post places of the i-th charged creator."""
        found = self._segments.get(i)
        if found is None:
            hits, places = orjson.loads(self.blob[int(self.starts[i]) : int(self.starts[i + 1])].tobytes())
            found = (
                [SafetyHit(*hit) for hit in hits],  # kind, term, post id, date, snippet, penalty
                {post: {"url": url, "account_id": account} for post, url, account in places},
            )
            with self._lock:
                found = self._segments.setdefault(i, found)
        return found

    @property
    def hits_by_creator(self) -> Mapping[int, list[SafetyHit]]:
        return _Hits(self)

    @property
    def post_places(self) -> Mapping[int, dict[str, Any]]:
        return _Places(self)


class _Hits(Mapping[int, list[SafetyHit]]):
    """Creator id → its hits, in the order the matcher found them."""

    def __init__(self, stored: StoredSafety) -> None:
        self.stored = stored

    def __getitem__(self, creator: int) -> list[SafetyHit]:
        i = self.stored.index_of(creator)
        if i is None:
            raise KeyError(creator)
        return self.stored.segment(i)[0]

    def get(self, creator: int, default: Any = None) -> Any:
        """Mapping.get without raising and catching a KeyError for each creator without hits
        (most of a ranking page's: ~4 us a row of the page)."""
        i = self.stored.index_of(creator)
        return default if i is None else self.stored.segment(i)[0]

    def __iter__(self) -> Iterator[int]:
        return iter(self.stored.charged.tolist())

    def __len__(self) -> int:
        return len(self.stored.charged)


class _Places(Mapping[int, dict[str, Any]]):
    """Post id → {"url", "account_id"} of every post with a hit."""

    def __init__(self, stored: StoredSafety) -> None:
        self.stored = stored

    def __getitem__(self, post: int) -> dict[str, Any]:
        posts = self.stored.posts
        try:
            key = int(post)
        except (TypeError, ValueError):
            raise KeyError(post) from None
        at = int(np.searchsorted(posts, key))
        if at >= len(posts) or int(posts[at]) != key:
            raise KeyError(post)
        return self.stored.segment(int(self.stored.owners[at]))[1][key]

    def __iter__(self) -> Iterator[int]:
        return iter(self.stored.posts.tolist())

    def __len__(self) -> int:
        return len(self.stored.posts)
