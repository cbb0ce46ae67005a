"""An account's history of public counters as arrays: how `AccountHistory` stores it (one row
per account, each column a packed array) and the pure operations on it (build from points,
merge an import's points into the stored ones, cut at a date).

One row per account, not one per day (issue 20): an import's 90-day histories were 450,000
rows per 5,000 accounts, whose inserts, index entries and foreign-key checks alone cost more
than the import's whole budget (docs/import-performance.md, "The floor"). Packed little-endian int64
arrays are read by `np.frombuffer` without parsing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from core.memo import Memo
from influencers.metrics.chunk import MISSING
from influencers.metrics.days import day_number, day_of

# One point as the catalogue's Python code passes it in: date, followers, following, posts
# (following and posts None when unknown).
Point = tuple[dt.date, int, int | None, int | None]


class AccountSnapshot(NamedTuple):
    """One point of an account's history as read back: the counters of one day (the
    architecture's AccountSnapshot, ../shared/DESIGN.md; stored packed in `AccountHistory`)."""

    date: dt.date
    followers: int
    following: int | None
    posts: int | None


_DTYPE = np.dtype("<i8")
COLUMNS = ("dates", "followers", "following", "posts")


@dataclass(frozen=True, eq=False)
class History:
    """The points of one account, by date, one per day: each a day number (days since
    1970-01-01) and three counts, `MISSING` for an unknown following or posts count."""

    days: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    posts: np.ndarray

    def __len__(self) -> int:
        return len(self.days)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return all(np.array_equal(a, b) for a, b in zip(self.columns(), other.columns(), strict=True))

    __hash__ = None  # type: ignore[assignment]  # arrays: compared by value, never hashed

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.days, self.followers, self.following, self.posts

    def packed(self) -> tuple[bytes, bytes, bytes, bytes]:
        """The four columns as stored (`AccountHistory.dates`, ...)."""
        return tuple(column.astype(_DTYPE, copy=False).tobytes() for column in self.columns())  # type: ignore[return-value]

    def until(self, day: dt.date) -> History:
        """The points dated `day` or earlier."""
        end = int(np.searchsorted(self.days, day_number(day), side="right"))
        return self if end == len(self) else self._slice(0, end)

    def newest(self, limit: int) -> History:
        """The `limit` newest points."""
        return self if len(self) <= limit else self._slice(len(self) - limit, len(self))

    def _slice(self, start: int, end: int) -> History:
        return History(*(column[start:end] for column in self.columns()))

    def points(self) -> list[AccountSnapshot]:
        """The points as Python values, oldest first (None for unknown counts)."""
        return [
            AccountSnapshot(
                day_of(day), followers, None if following == MISSING else following, None if posts == MISSING else posts
            )
            for day, followers, following, posts in zip(*(column.tolist() for column in self.columns()))
        ]


EMPTY = History(*(np.zeros(0, dtype=np.int64) for _ in COLUMNS))


def unpacked(dates: bytes, followers: bytes, following: bytes, posts: bytes) -> History:
    """A stored row's columns as a History (read-only views of the bytes: no copy)."""
    return History(*(np.frombuffer(column, dtype=_DTYPE) for column in (dates, followers, following, posts)))


def from_points(points: Sequence[Point]) -> History:
    """A History of `points` (any order; of two points on one day the later in `points` wins)."""
    return split_by_account([points])[0]


def _by_day(history: History) -> History:
    """`history` sorted by day, the last of each day's points kept."""
    days = history.days
    if len(days) < 2 or bool((days[1:] > days[:-1]).all()):
        return history
    # Stable sort of the reversed points: each day's last point comes first and `unique` keeps it.
    reversed_order = np.arange(len(days) - 1, -1, -1)
    order = reversed_order[np.argsort(days[reversed_order], kind="stable")]
    _, first = np.unique(days[order], return_index=True)
    keep = order[first]
    return History(*(column[keep] for column in history.columns()))


def _known(values: list[int | None]) -> np.ndarray:
    """`values` as int64, `MISSING` for None: each value looked up in {None: MISSING} with itself
    as the default, a loop in C (no Python call per value)."""
    return np.fromiter(map(_UNKNOWN.get, values, values), dtype=np.int64, count=len(values))


_UNKNOWN: dict[int | None, int] = {None: MISSING}


def _counts(points: list[Point], index: int) -> np.ndarray:
    """The counts at `index` of `points` as int64, `MISSING` for None: read straight into the
    array (a loop in C), or, when a count is unknown (None stops that loop), by `_known`."""
    try:
        return np.fromiter(map(itemgetter(index), points), dtype=np.int64, count=len(points))
    except TypeError:
        return _known(list(map(itemgetter(index), points)))


class ChunkHistories:
    """`from_points` of each list of points (an import's chunk: hundreds of accounts of 90 points
    each), converted in one pass over all of them, each column by a loop in C; a History (or its
    packed columns) is cut out of the chunk's columns only when asked for. An account whose
    points go in as they are (a new one) takes a slice of the chunk's packed bytes, which spares
    it a History and four numpy conversions (as much as its points' conversion cost)."""

    def __init__(self, points_by_account: Sequence[Sequence[Point]]) -> None:
        sizes = [len(points) for points in points_by_account]
        self._bounds = [0, *accumulate(sizes)]
        total = self._bounds[-1]
        self._columns: tuple[np.ndarray, ...] = ()
        self._packed: tuple[bytes, ...] = ()
        self._histories: list[History] | None = None
        if total == 0:
            self._histories = [EMPTY for _ in sizes]
            return
        flat = list(chain.from_iterable(points_by_account))
        # Each distinct date converted once: a chunk's points share a few weeks of dates, and
        # numpy's conversion of a date object costs a microsecond.
        days = np.fromiter(map(Memo(day_number).__getitem__, map(itemgetter(0), flat)), dtype=np.int64, count=total)
        columns = (days, _counts(flat, 1), _counts(flat, 2), _counts(flat, 3))
        bounds = self._bounds
        # Each account's days already strictly rising (the usual file) need no sort: checked for the
        # whole chunk at once, where an account starts a rise is not required.
        rising = np.diff(days) > 0
        rising[[bound - 1 for bound in bounds[1:-1] if 0 < bound < total]] = True
        if bool(rising.all()):
            self._columns = columns
            self._packed = tuple(column.astype(_DTYPE, copy=False).tobytes() for column in columns)
        else:
            self._histories = [
                _by_day(History(*(column[start:end] for column in columns)))
                for start, end in zip(bounds[:-1], bounds[1:], strict=True)
            ]

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def size(self, index: int) -> int:
        """The number of points (days) of the `index`th history."""
        if self._histories is not None:
            return len(self._histories[index])
        return self._bounds[index + 1] - self._bounds[index]

    def history(self, index: int) -> History:
        if self._histories is not None:
            return self._histories[index]
        start, end = self._bounds[index], self._bounds[index + 1]
        return History(*(column[start:end] for column in self._columns))

    def packed(self, index: int) -> tuple[bytes, bytes, bytes, bytes]:
        """`history(index).packed()`, cut out of the chunk's packed columns when it has them."""
        if not self._packed:
            return self.history(index).packed()
        start, end = 8 * self._bounds[index], 8 * self._bounds[index + 1]  # int64: 8 bytes a value
        dates, followers, following, posts = self._packed
        return dates[start:end], followers[start:end], following[start:end], posts[start:end]

    def histories(self) -> list[History]:
        return [self.history(index) for index in range(len(self))]


def split_by_account(
    points_by_account: Sequence[Sequence[Point]],
) -> list[History]:
    """`from_points` of each list, converted in one pass over all of them (`ChunkHistories`)."""
    return ChunkHistories(points_by_account).histories()


@dataclass(frozen=True)
class Merge:
    """The stored history after an import's points, and what happened to each point."""

    history: History
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def merged(current: History, given: History, *, replace: bool = False) -> Merge:
    """`current` with `given`'s points: a new day is added; on a day `current` has, `given`'s
    known counts replace the stored ones and its unknown ones (`MISSING`) keep them, as an
    import keeps a column its file leaves out, unless `replace` (a refresh: the platform's
    counters of the day as they are now, unknown included)."""
    return merged_each([current], [given], replace=replace)[0]


def merged_each(currents: Sequence[History], givens: Sequence[History], *, replace: bool = False) -> list[Merge]:
    """`merged(current, given)` of each pair, computed for all the pairs at once: an import's chunk
    of stored histories, where numpy's cost per call (some 50 µs a merge) was most of the work of
    a 90-point history. A history nothing changes is returned as it is."""
    if len(currents) != len(givens):
        raise ValueError(f"{len(currents)} stored histories but {len(givens)} given")
    count = len(currents)
    current_sizes = np.array([len(history) for history in currents], dtype=np.int64)
    given_sizes = np.array([len(history) for history in givens], dtype=np.int64)
    if not count or not given_sizes.sum():
        return [Merge(history, 0, 0, 0) for history in currents]
    before = _joined(currents)
    given = _joined(givens)
    given_owner = np.repeat(np.arange(count), given_sizes)
    # One sorted key per point, (account, day): the pairs' days compared in one searchsorted.
    days = np.concatenate([before[0], given[0]])
    low, span = int(days.min()), int(days.max() - days.min()) + 1
    before_keys = np.repeat(np.arange(count), current_sizes) * span + (before[0] - low)
    given_keys = given_owner * span + (given[0] - low)
    at = np.searchsorted(before_keys, given_keys)
    same_day = np.zeros(len(given_keys), dtype=bool)
    inside = at < len(before_keys)
    same_day[inside] = before_keys[at[inside]] == given_keys[inside]
    old = at[same_day]
    after = [column.copy() for column in before]
    changed = np.zeros(len(old), dtype=bool)
    for index in (1, 2, 3):
        values = given[index][same_day]
        if not replace:
            values = np.where(values == MISSING, before[index][old], values)
        changed |= values != before[index][old]
        after[index][old] = values
    new = ~same_day
    created = np.bincount(given_owner[new], minlength=count)
    updated = np.bincount(given_owner[same_day][changed], minlength=count)
    unchanged = np.bincount(given_owner[same_day], minlength=count) - updated
    if new.any():
        order = np.argsort(np.concatenate([before_keys, given_keys[new]]), kind="stable")
        after = [np.concatenate([column, given[index][new]])[order] for index, column in enumerate(after)]
    bounds = np.cumsum([0, *(current_sizes + created).tolist()]).tolist()
    results = []
    for index, (made, changed_days, kept) in enumerate(zip(created.tolist(), updated.tolist(), unchanged.tolist())):
        if made or changed_days:
            start, end = bounds[index], bounds[index + 1]
            history = History(*(column[start:end] for column in after))
        else:
            history = currents[index]
        results.append(Merge(history, made, changed_days, kept))
    return results


def _joined(histories: Sequence[History]) -> list[np.ndarray]:
    """The four columns of `histories` end to end."""
    return [
        np.concatenate([history.columns()[index] for history in histories]).astype(np.int64, copy=False)
        for index in range(len(COLUMNS))
    ]
