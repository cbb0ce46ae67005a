"""Robust statistics shared by the scorers (growth history, engagement of recent posts)."""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, insort
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


@functools.lru_cache(maxsize=256)
def window_index(size: int, width: int) -> np.ndarray:
    """Indices of the `size` windows of `width` places over a padded series (row i: i … i+width-1),
    the rows of sliding_window_view as an index kept per shape (the series of one catalogue have
    few lengths; building the view cost a third of the rolling median)."""
    index = np.arange(size)[:, None] + np.arange(width)
    index.flags.writeable = False
    return index


def rolling_median(values: np.ndarray, window: int) -> np.ndarray:
    """The median of the values within `window` places of each (fewer at the ends), NaN
    ignored: np.nanmedian over the windows, computed by sorting each window once (NaN sorts
    last) and reading its middle, because np.nanmedian of short rows goes through masked
    arrays and cost a third of vetting an account (tests/vetting/test_rolling_median.py checks
    the two give the same numbers)."""
    values = np.asarray(values, dtype=float)
    padded = np.concatenate([np.full(window, np.nan), values, np.full(window, np.nan)])
    views = np.sort(padded[window_index(len(values), 2 * window + 1)], axis=1)
    counts = np.count_nonzero(~np.isnan(views), axis=1)
    rows = np.arange(len(views))
    low = views[rows, np.maximum(counts - 1, 0) // 2]
    high = views[rows, counts // 2 - (counts == 0)]
    return np.where(counts > 0, (low + high) / 2, np.nan)


def median(values: ArrayLike) -> np.floating:
    """np.median of a 1-D float array (NaN when it holds a NaN or nothing), by one sort: the
    growth scorer takes about ten medians of short series per account, and np.median's general
    path (partition, mean of the middle, NaN checks) cost ten times the sort
    (tests/vetting/test_rolling_median.py checks the two give the same numbers)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    size = ordered.size
    if size == 0 or np.isnan(ordered[-1]):  # NaN sorts last
        return np.float64(np.nan)
    middle = size // 2
    if size % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# Plain-Python twins of the two for the dozen values of an account's recent posts, where numpy's
# cost per call (arrays made, dispatch) was most of finding its engagement changes. The same
# numbers (tests/vetting/test_rolling_median.py compares them with the numpy versions), but for
# the sign of a zero median when the values hold both 0.0 and -0.0 (equal values may sort
# either way round).


def median_of(values: Sequence[float]) -> float:
    """`median` of a short sequence of floats: NaN when it holds a NaN or nothing."""
    if not values or any(map(math.isnan, values)):
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def rolling_median_of(values: Sequence[float], window: int) -> list[float]:
    """`rolling_median` of a short sequence of floats (NaN ignored; NaN where a window has none)."""
    if any(map(math.isnan, values)):
        return _rolling_median_with_gaps(values, window)
    # No NaN (an account's post rates): one window kept sorted as it slides, each value inserted
    # after its equals as it enters and the leftmost of its equals taken out as it leaves, rather
    # than every window sorted anew (a dozen windows of an account's rates). Equal values stay in
    # the order of the series, as a stable sort of the window leaves them, so the middle values
    # are the same floats down to the sign of a zero.
    size = len(values)
    ordered = sorted(values[: window + 1])
    out = []
    for i in range(size):
        if i:
            if i + window < size:
                insort(ordered, values[i + window])
            if i > window:
                del ordered[bisect_left(ordered, values[i - window - 1])]
        count = len(ordered)
        out.append((ordered[(count - 1) // 2] + ordered[count // 2]) / 2)
    return out


def _rolling_median_with_gaps(values: Sequence[float], window: int) -> list[float]:
    out = []
    for i in range(len(values)):
        inside = sorted([v for v in values[max(0, i - window) : i + window + 1] if v == v])
        count = len(inside)
        out.append((inside[(count - 1) // 2] + inside[count // 2]) / 2 if count else math.nan)
    return out
