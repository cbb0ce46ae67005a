"""The growth fits (`vetting.scoring.growth.fit_history`) of a chunk's histories at once.

Fitting one history took four rolling medians and about ten medians of short series, each a
numpy call of a few microseconds on 90 numbers: a fifth of vetting an account of an import.
Here the series of equal length (an import's histories nearly all have the same number of days)
are stacked into one array per length and every median is taken along an axis, by the same
sorts and the same arithmetic as the per-account functions, so each figure is bit for bit the
one `fit_history` gives (tests/vetting/test_growth_chunk.py compares them on random and edge
case histories). The anomaly rules then run per account on their rows (`anomalies_of`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from operator import itemgetter

import numpy as np

from vetting.scoring.growth import (
    MIN_SNAPSHOTS,
    NOISE_FLOOR_SHARE,
    FollowerFit,
    FollowingFit,
    HistoryFit,
    series_points,
)

History = tuple[Sequence[dt.date], Sequence[float | None], Sequence[float | None] | None]
Points = tuple[np.ndarray, np.ndarray, list[dt.date]]


def median_rows(values: np.ndarray) -> np.ndarray:
    """`robust.median` of each row of a 2-D array (NaN for a row holding a NaN or nothing)."""
    ordered = np.sort(values, axis=1)
    size = ordered.shape[1]
    if size == 0:
        return np.full(len(ordered), np.nan)
    middle = size // 2
    out = ordered[:, middle] if size % 2 else (ordered[:, middle - 1] + ordered[:, middle]) / 2
    return np.where(np.isnan(ordered[:, -1]), np.nan, out)  # NaN sorts last


def rolling_median_rows(values: np.ndarray, window: int) -> np.ndarray:
    """`robust.rolling_median` of each row of a 2-D array."""
    values = np.asarray(values, dtype=float)
    rows, size = values.shape
    if size == 0:
        return np.empty((rows, 0))
    if np.isnan(values).any():
        return _rolling_median_sorted(values, window, known=False)
    # Every value known (the usual history). A row whose windows all have one value of it in the
    # middle (a following count that rarely changes: its rates are nearly all 0) needs no sort:
    # `_settled_rows` tells them by counting.
    settled, middle = _settled_rows(values, window)
    if not settled.any():
        return _rolling_median_sorted(values, window, known=True)
    out = np.empty((rows, size))
    out[settled] = ((middle[settled] + middle[settled]) / 2)[:, None]  # the sorts' (low + high) / 2
    if not settled.all():
        out[~settled] = _rolling_median_sorted(values[~settled], window, known=True)
    return out


def _window_bounds(size: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The first place of the window of each place, and the place after its last."""
    place = np.arange(size)
    return np.maximum(place - window, 0), np.minimum(place + window, size - 1) + 1


def _settled_rows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether each row (no NaN) has a value that is both middle order statistics of every
    window of the row, and that value (its median; for the rows settled only). The sorted
    windows' medians are then that value's, whatever the other values are. The count of the
    values below it and of those equal to it in each window tell: the value sits at the k-th
    place of a sorted window exactly when fewer than k + 1 are below it and more than k are below
    or equal. Equal means the same bits: a row where 0.0 and -0.0 meet (equal, in either order in
    a sort) is not settled. Only rows where at least half the neighbours are equal are looked at
    (the others, such as follower rates, are sorted without the counting's cost)."""
    rows, size = values.shape
    settled = np.zeros(rows, dtype=bool)
    middle = np.full(rows, np.nan)
    repeated = 2 * np.count_nonzero(values[:, 1:] == values[:, :-1], axis=1) >= size - 1
    if not repeated.any():
        return settled, middle
    some = values[repeated]
    middle[repeated] = median_rows(some)
    low, high = _window_bounds(size, window)
    counts = high - low
    column = middle[repeated, None]
    equal = some == column
    clash = (equal & (some.view(np.int64) != column.view(np.int64))).any(axis=1)
    below = np.zeros((len(some), size + 1), dtype=np.int64)
    np.cumsum(some < column, axis=1, out=below[:, 1:])
    at_most = np.zeros_like(below)
    np.cumsum(equal, axis=1, out=at_most[:, 1:])
    at_most += below
    below_in = below[:, high] - below[:, low]
    at_most_in = at_most[:, high] - at_most[:, low]
    settled[repeated] = ((below_in <= (counts - 1) // 2) & (at_most_in > counts // 2)).all(axis=1) & ~clash
    return settled, middle


def _rolling_median_sorted(values: np.ndarray, window: int, *, known: bool) -> np.ndarray:
    """`rolling_median_rows` by sorting each window; `known`: no NaN in `values`."""
    rows, size = values.shape
    pad = np.full((rows, window), np.nan)
    padded = np.concatenate([pad, values, pad], axis=1)
    # The windows copied from a strided view of the padded rows (in C, a block at a time): a
    # fancy-indexed gather of them cost as much as their sort.
    views = np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1, axis=1).copy()
    views.sort(axis=2)  # in place: the windows are a fresh array (np.sort would copy them again)
    if not known:
        counts = np.count_nonzero(~np.isnan(views), axis=2)
        low = np.take_along_axis(views, (np.maximum(counts - 1, 0) // 2)[..., None], axis=2)[..., 0]
        high = np.take_along_axis(views, (counts // 2 - (counts == 0))[..., None], axis=2)[..., 0]
        return np.where(counts > 0, (low + high) / 2, np.nan)
    # Every value known: the values within reach of each place (fewer at the ends, never none),
    # as counting them gives, the same for every row.
    first, after = _window_bounds(size, window)
    counts = after - first
    place = np.arange(size)
    return (views[:, place, (counts - 1) // 2] + views[:, place, counts // 2]) / 2


def _day_numbers(dates: Sequence[dt.date]) -> np.ndarray | None:
    """Days since the first of `dates` when they are plain dates in increasing order, the usual
    history (None otherwise: `series_points` then sorts and deduplicates them). Computed once for
    both series of a history."""
    if not dates or not set(map(type, dates)) <= {dt.date}:
        return None
    ordinals = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))  # no Python loop
    if len(ordinals) > 1 and np.diff(ordinals).min() <= 0:  # out of order, or a date given twice
        return None
    return (ordinals - ordinals[0]).astype(float)


def _points(dates: Sequence[dt.date], values: Sequence[float | None], days: np.ndarray | None) -> Points:
    """`series_points`, without its dict and sort when every value is known and `days` are the
    dates' `_day_numbers`."""
    if days is None or None in values:
        return series_points(dates, values)
    return days, np.array(values, dtype=float), list(dates)


# The day numbers (days since 1970-01-01) of the dates Python has: numpy's datetime64[D] turns
# these, and only these, into datetime.date objects.
_FIRST_DAY, _LAST_DAY = ((day - dt.date(1970, 1, 1)).days for day in (dt.date.min, dt.date.max))


def _chunk_day_numbers(
    histories: Sequence[History], given: Sequence[np.ndarray | None] | None = None
) -> list[np.ndarray | None]:
    """`_day_numbers` of the dates of each history, the chunk's dates converted at once (a few
    numpy calls per history were a twentieth of vetting an account). Equal to it: the same
    day counts, and None for a history with no date, a date not a plain date (then for every
    history: each is checked on its own) or dates not in increasing order.

    `given`: for each history, the day numbers its dates were made from (`datetime64[D]` of
    int64 days since 1970-01-01, as `vetting.selectors.evidence.snapshot_histories` reads
    them), or None: those are taken as they are instead of turning the dates back into numbers
    (an ordinal differs from them by a constant, so each history's days are the same counts)."""
    sizes = np.fromiter(map(len, map(itemgetter(0), histories)), dtype=np.int64, count=len(histories))
    ordinals = _given_day_numbers(histories, given, sizes) if given is not None else None
    if ordinals is None:
        dates = list(itertools.chain.from_iterable(map(itemgetter(0), histories)))
        if not set(map(type, dates)) <= {dt.date}:
            return [_day_numbers(history[0]) for history in histories]
        ordinals = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))
    owner = np.repeat(np.arange(len(histories)), sizes)  # the history of each date
    ends = np.cumsum(sizes)
    starts = ends - sizes
    # Each history's first day, over its days (no history is empty there).
    days = (ordinals - np.repeat(ordinals[starts[sizes > 0]], sizes[sizes > 0])).astype(float)
    unordered = set(owner[1:][(np.diff(ordinals) <= 0) & (owner[1:] == owner[:-1])].tolist())
    return [
        None if size == 0 or index in unordered else days[start:end]
        for index, (size, start, end) in enumerate(zip(sizes.tolist(), starts.tolist(), ends.tolist()))
    ]


def _given_day_numbers(
    histories: Sequence[History], given: Sequence[np.ndarray | None], sizes: np.ndarray
) -> np.ndarray | None:
    """The day numbers of every history's dates in turn, each history's from `given` or from its
    dates' ordinals (where none is given and they are plain dates); None where that cannot be
    told without looking at each date (a history given days it does not have as plain dates,
    or not as many as its dates; a history without them whose dates are not all plain dates)."""
    if len(given) != len(histories):
        return None
    parts = []
    for history, days, size in zip(histories, given, sizes.tolist(), strict=True):
        if days is None:
            dates = history[0]
            if not set(map(type, dates)) <= {dt.date}:
                return None
            days = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=size)
        elif len(days) != size or days.dtype.kind != "i":
            return None
        parts.append(days)
    ordinals = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    if len(ordinals) and (ordinals.min() < _FIRST_DAY or ordinals.max() > _LAST_DAY):
        return None
    return ordinals.astype(np.int64, copy=False)


def _chunk_values(
    histories: Sequence[History], column: int, given: Sequence[np.ndarray | None] | None = None
) -> np.ndarray | None:
    """The values of `column` (1: followers, 2: following) of every history, in turn, as one
    float array (None as NaN), or None when one is not a number (each is then converted on its own).

    `given`: for each history, its values of `column` as that float array's part (as
    `vetting.selectors.evidence.snapshot_histories` converts its chunk's columns), or None: those
    are taken as they are instead of turning the lists back into an array (a millisecond and a
    half per chunk and column). Only float arrays as long as the history's values are taken."""
    if given is None or len(given) != len(histories):
        return _listed_values(histories, column)
    parts: list[np.ndarray | list[float | None]] = []
    listed: list[float | None] = []  # the values of the histories given none, run together
    for history, values in zip(histories, given, strict=True):
        counts = history[1] if column == 1 else history[2]
        if not counts:
            continue
        if values is not None and values.dtype == np.float64 and values.shape == (len(counts),):
            if listed:
                parts.append(listed)
                listed = []
            parts.append(values)
        else:
            listed.extend(counts)
    if listed:
        parts.append(listed)
    try:
        return np.concatenate([np.asarray(part, dtype=float) for part in parts]) if parts else np.empty(0)
    except (TypeError, ValueError):
        return None


def _listed_values(histories: Sequence[History], column: int) -> np.ndarray | None:
    """`_chunk_values` of lists only."""
    values = list(
        itertools.chain.from_iterable((history[1] if column == 1 else history[2]) or () for history in histories)
    )
    try:
        return np.array(values, dtype=float)
    except (TypeError, ValueError):
        return None


def _chunk_points(
    histories: Sequence[History],
    column: int,
    days: list[np.ndarray | None],
    given: Sequence[np.ndarray | None] | None = None,
) -> list[Points | None]:
    """`_points` of `column` (1: followers, 2: following) of each history (None for a following
    column that is None), its values sliced from one array of the chunk's (`given`: as
    `_chunk_values`)."""
    values = _chunk_values(histories, column, given)
    columns = [history[column] for history in histories]
    sizes = [0 if counts is None else len(counts) for counts in columns]
    ends = list(itertools.accumulate(sizes))
    # A None converts to NaN: only a history with a NaN among its values may hold one (`None in`
    # each history's values, comparing every one with None, was a fifth of the chunk's fits).
    if values is None:
        holes = sizes
    else:
        nans = np.concatenate([[0], np.cumsum(np.isnan(values))])
        holes = (nans[ends] - nans[np.subtract(ends, sizes)]).tolist() if ends else []
    out: list[Points | None] = []
    for history, counts, day_numbers, end, size, hole in zip(histories, columns, days, ends, sizes, holes, strict=True):
        if counts is None:
            out.append(None)
        elif values is None or day_numbers is None or (hole and None in counts):
            out.append(_points(history[0], counts, day_numbers))
        else:
            out.append((day_numbers, values[end - size : end], list(history[0])))
    return out


def _by_length(series: dict[int, Points]) -> dict[int, list[int]]:
    """The keys of the series with at least MIN_SNAPSHOTS points, by their length."""
    groups: dict[int, list[int]] = defaultdict(list)
    for index, points in series.items():
        if len(points[1]) >= MIN_SNAPSHOTS:
            groups[len(points[1])].append(index)
    return groups


def _robust_scale_rows(residual: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """`growth._robust_scale` of each row."""
    mad = median_rows(np.abs(residual - median_rows(residual)[:, None]))
    return np.maximum(1.4826 * mad, floor)


def _fit_followers(series: list[Points], window: int) -> list[FollowerFit]:
    """`fit_followers` of series of one length, stacked."""
    days, vals = np.stack([s[0] for s in series]), np.stack([s[1] for s in series])
    gaps, change = np.diff(days, axis=1), np.diff(vals, axis=1)
    rate = change / gaps
    trend = rolling_median_rows(rate, window)
    level = median_rows(vals)
    residual = rate - trend
    scale_global = _robust_scale_rows(residual, np.maximum(1.0, NOISE_FLOOR_SHARE * level))
    local = 1.4826 * rolling_median_rows(np.abs(residual - median_rows(residual)[:, None]), window * 2)
    scale_local = np.maximum(np.nan_to_num(local, nan=0.0), scale_global[:, None])
    z = residual / scale_local
    trend_per_day = median_rows(rate)
    # Each row's arrays taken by iterating the matrices and its figures by one tolist (indexing
    # each matrix and converting each figure per account cost more than the fields' values).
    return [
        FollowerFit(s[2], *rows, *figures)
        for s, rows, figures in zip(
            series,
            zip(vals, gaps, change, trend, residual, scale_local, z, strict=True),
            zip(
                level.tolist(),
                scale_global.tolist(),
                trend_per_day.tolist(),
                _extremes(gaps.max(axis=1)),
                _extremes(z.max(axis=1)),
                _extremes(z.min(axis=1)),
                strict=True,
            ),
            strict=True,
        )
    ]


def _fit_following(series: list[Points], window: int) -> list[FollowingFit]:
    """`fit_following` of series of one length, stacked."""
    days, vals = np.stack([s[0] for s in series]), np.stack([s[1] for s in series])
    gaps, change = np.diff(days, axis=1), np.diff(vals, axis=1)
    rate = change / gaps
    trend = rolling_median_rows(rate, window)
    residual = rate - trend
    scale = _robust_scale_rows(residual, np.maximum(2.0, 0.002 * median_rows(vals)))
    z = residual / scale[:, None]
    rows = zip(gaps, change, trend, z, _extremes(np.abs(z).max(axis=1)), strict=True)
    return [FollowingFit(s[2], *row) for s, row in zip(series, rows, strict=True)]


def _extremes(values: np.ndarray) -> list[float]:
    """`growth.extreme` of each of `values`."""
    return (values + 0.0).tolist()


def fit_histories(
    histories: Sequence[History],
    *,
    window: int = 14,
    days: Sequence[np.ndarray | None] | None = None,
    counts: Sequence[tuple[np.ndarray, np.ndarray] | None] | None = None,
) -> list[HistoryFit]:
    """`[fit_history(dates, followers, following, window=window) for ... in histories]`, the
    series of each length fitted together. `days`: the day numbers each history's dates were
    made from, where known (`_chunk_day_numbers`). `counts`: each history's followers and
    following as float arrays (NaN for None), where known (`_chunk_values`)."""
    days = _chunk_day_numbers(histories, days)
    given_followers = given_following = None
    if counts is not None and len(counts) == len(histories):
        given_followers = [None if pair is None else pair[0] for pair in counts]
        given_following = [None if pair is None else pair[1] for pair in counts]
    followers = {
        i: points for i, points in enumerate(_chunk_points(histories, 1, days, given_followers)) if points is not None
    }
    # A following series is fitted only where the follower one is long enough (as fit_history).
    following = {
        i: points
        for i, points in enumerate(_chunk_points(histories, 2, days, given_following))
        if points is not None and len(followers[i][1]) >= MIN_SNAPSHOTS
    }
    follower_fits: dict[int, FollowerFit] = {}
    for indices in _by_length(followers).values():
        follower_fits.update(zip(indices, _fit_followers([followers[i] for i in indices], window)))
    following_fits: dict[int, FollowingFit] = {}
    for indices in _by_length(following).values():
        following_fits.update(zip(indices, _fit_following([following[i] for i in indices], window)))
    return [
        HistoryFit(len(followers[i][1]), follower_fits.get(i), following_fits.get(i), history[2] is not None)
        for i, history in enumerate(histories)
    ]
