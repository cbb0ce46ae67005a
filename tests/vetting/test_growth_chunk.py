"""The growth fits of a chunk at once (vetting.scoring.growth_chunk) against the per-account
reference (`fit_history`, `growth_anomalies`), bit for bit, on random histories and named edge
cases: empty, one snapshot, just too short, gaps, unknown counts, dates out of order or given
twice, flat series (ties), jumps, purges and churn."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from vetting.scoring.growth import (
    MIN_SNAPSHOTS,
    HistoryFit,
    anomalies_of,
    fit_history,
    growth_anomalies,
)
from vetting.scoring.growth_chunk import fit_histories, median_rows, rolling_median_rows
from vetting.scoring.robust import median, rolling_median

START = dt.date(2026, 1, 1)


def _same(a: object, b: object) -> bool:
    """Equal, arrays by their bytes (so -0.0, NaN and the last bit count) and dtype."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, float) and isinstance(b, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes() and type(a) is type(b)
    return type(a) is type(b) and a == b


def assert_same_fit(got: HistoryFit, expected: HistoryFit) -> None:
    assert (got.n_snapshots, got.following_given) == (expected.n_snapshots, expected.following_given)
    for name in ("followers", "following"):
        ours, theirs = getattr(got, name), getattr(expected, name)
        assert (ours is None) == (theirs is None), name
        if ours is None:
            continue
        for field in dataclasses.fields(ours):
            assert _same(getattr(ours, field.name), getattr(theirs, field.name)), (name, field.name)


def _history(rng: np.random.Generator, size: int) -> tuple[list, list, list | None]:
    days = np.cumsum(rng.choice([1, 1, 1, 1, 2, 3, 9], size=size)) if size else np.array([], dtype=int)
    dates = [START + dt.timedelta(days=int(d)) for d in days]
    level = float(rng.choice([80, 5_000, 250_000, 3_000_000]))
    steps = rng.normal(level * 0.002, level * 0.001, size=size) * rng.choice([0, 1], size=size, p=[0.2, 0.8])
    followers: list = list(np.maximum(level + np.cumsum(steps), 0).astype(int))
    followers = [int(v) for v in followers]
    if size > 20:
        at = int(rng.integers(5, size - 5))
        for i in range(at, size):  # a bought package, sometimes purged later
            followers[i] += 10_000 if i < at + 8 or rng.random() < 0.5 else 0
    following: list | None = [int(300 + (i * 37) % 11 + (900 if i % 17 == 3 else 0)) for i in range(size)]
    if rng.random() < 0.2:
        following = None
    if size and rng.random() < 0.3:  # unknown counts
        for i in rng.choice(size, size=max(1, size // 10), replace=False):
            followers[int(i)] = None
            if following is not None:
                following[int(i)] = None
    if size > 3 and rng.random() < 0.15:  # out of order, and a date given twice
        dates[1], dates[2] = dates[2], dates[1]
        dates[-1] = dates[-2]
    return dates, followers, following


EDGE_CASES = {
    "empty": ([], [], []),
    "one snapshot": ([START], [100], [5]),
    "just too short": ([START + dt.timedelta(days=i) for i in range(MIN_SNAPSHOTS - 1)], [100] * 9, [5] * 9),
    "just long enough": ([START + dt.timedelta(days=i) for i in range(MIN_SNAPSHOTS)], list(range(10)), None),
    "flat (ties)": ([START + dt.timedelta(days=i) for i in range(40)], [7_000] * 40, [300] * 40),
    "following too short": (
        [START + dt.timedelta(days=i) for i in range(30)],
        [1_000 + 5 * i for i in range(30)],
        [None] * 25 + [1] * 5,
    ),
    "following unknown": ([START + dt.timedelta(days=i) for i in range(30)], [1_000 + 5 * i for i in range(30)], None),
    "followers unknown": ([START + dt.timedelta(days=i) for i in range(30)], [None] * 30, [3] * 30),
    "out of order, a date twice": (
        [START + dt.timedelta(days=(i * 7) % 30) for i in range(30)] + [START],
        [1_000 + 5 * ((i * 7) % 30) for i in range(30)] + [999],
        [300] * 31,
    ),
    "dates with a time": (
        # every other one 13 hours later: the next calendar day, the same number of whole days
        [dt.datetime(2026, 1, 1, 12) + dt.timedelta(days=2 * i, hours=13 * (i % 2)) for i in range(30)],
        [1_000 + 5 * i for i in range(30)],
        None,
    ),
    "one big gap": (
        [START + dt.timedelta(days=i + (40 if i > 15 else 0)) for i in range(30)],
        [2_000 + 3 * i + (5_000 if i > 20 else 0) for i in range(30)],
        [10 + (400 if i in (7, 9) else 0) for i in range(30)],
    ),
}


def _compare(histories: list) -> None:
    fits = fit_histories(histories)
    assert len(fits) == len(histories)
    for fit, (dates, followers, following) in zip(fits, histories, strict=True):
        assert_same_fit(fit, fit_history(dates, followers, following))
        viral = [dates[len(dates) // 2]] if dates else []
        expected = growth_anomalies(dates, followers, following, viral_dates=viral)
        assert anomalies_of(fit, viral_dates=viral).as_dict() == expected.as_dict()


@pytest.mark.parametrize("seed", range(12))
def test_chunk_fits_are_the_per_account_fits(seed):
    rng = np.random.default_rng(seed)
    # Mostly one length (as an import), some others, some too short.
    sizes = [90] * 25 + [int(s) for s in rng.integers(0, 120, size=15)]
    _compare([_history(rng, size) for size in sizes])


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_alone_and_in_a_chunk(name):
    _compare([EDGE_CASES[name]])
    rng = np.random.default_rng(1)
    _compare([_history(rng, 90), EDGE_CASES[name], _history(rng, 90)])


def test_the_random_histories_have_anomalies_to_compare():
    # The comparison above means something only if the rules fire on some of these histories.
    rng = np.random.default_rng(3)
    reports = [anomalies_of(fit) for fit in fit_histories([_history(rng, 90) for _ in range(40)])]
    kinds = {a.kind for r in reports for a in r.anomalies}
    assert {"jump", "following_churn"} <= kinds


@pytest.mark.parametrize("seed", range(10))
def test_row_medians_are_the_one_dimensional_ones(seed):
    rng = np.random.default_rng(seed)
    rows, size, window = int(rng.integers(1, 6)), int(rng.integers(1, 60)), int(rng.integers(1, 30))
    values = rng.choice([0.0, 1.5, -2.0, rng.normal()], size=(rows, size)) + rng.integers(0, 2, size=(rows, size))
    values[rng.random((rows, size)) < 0.15] = np.nan
    assert _same(rolling_median_rows(values, window), np.stack([rolling_median(row, window) for row in values]))
    assert _same(median_rows(values), np.array([median(row) for row in values]))
    assert np.isnan(median_rows(np.empty((2, 0)))).all()


@pytest.mark.parametrize("seed", range(8))
def test_the_chunks_day_numbers_and_points_are_each_historys(seed):
    # The chunk's dates and values converted at once (`_chunk_day_numbers`, `_chunk_points`) are
    # the per-history conversions, on a random chunk with every edge case (empty, unordered,
    # dates with a time, unknown counts, a following of None), NaN and numbers given as text.
    from decimal import Decimal

    from vetting.scoring.growth_chunk import _chunk_day_numbers, _chunk_points, _day_numbers, _points

    rng = np.random.default_rng(seed)
    odd = (
        [START + dt.timedelta(days=i) for i in range(12)],
        [float("nan"), "7", Decimal("1.5"), *range(9)],
        [np.float64(2.5)] * 12,
    )
    histories = [_history(rng, int(size)) for size in rng.integers(0, 100, size=12)]
    histories += [*EDGE_CASES.values(), odd]
    order = rng.permutation(len(histories))
    plain_dates = [h for h in histories if all(type(d) is dt.date for d in h[0])]  # converted at once
    assert len(plain_dates) < len(histories)
    for chunk in ([histories[i] for i in order], plain_dates):
        days = _chunk_day_numbers(chunk)
        assert len(days) == len(chunk)
        for ours, (dates, _, _) in zip(days, chunk, strict=True):
            theirs = _day_numbers(dates)
            assert (ours is None and theirs is None) or _same(ours, theirs)
        for column in (1, 2):
            for ours, history, day_numbers in zip(_chunk_points(chunk, column, days), chunk, days, strict=True):
                if history[column] is None:
                    assert ours is None
                    continue
                theirs = _points(history[0], history[column], day_numbers)
                assert ours is not None
                assert _same(ours[0], theirs[0]) and _same(ours[1], theirs[1]) and ours[2] == theirs[2]


@pytest.mark.parametrize("seed", range(8))
def test_given_day_numbers_are_the_dates_day_numbers(seed):
    # The day numbers a history's dates were read as (`snapshot_histories(days=...)`), given for
    # some histories of a chunk, give the days its dates give; so do the fits. Days that are not
    # the dates' (another count, beyond the dates Python has) are not taken as they are.
    from vetting.scoring.growth_chunk import _chunk_day_numbers

    rng = np.random.default_rng(seed)
    histories = [_history(rng, int(size)) for size in rng.integers(0, 100, size=12)] + list(EDGE_CASES.values())
    epoch = dt.date(1970, 1, 1)

    def days_of(dates: list) -> np.ndarray | None:
        if rng.random() < 0.3 or not all(type(d) is dt.date for d in dates):
            return None
        return np.array([(d - epoch).days for d in dates], dtype=np.int64)

    given = [days_of(h[0]) for h in histories]
    assert any(d is not None for d in given) and any(d is None for d in given)
    expected = _chunk_day_numbers(histories)
    for ours, theirs in zip(_chunk_day_numbers(histories, given), expected, strict=True):
        assert (ours is None and theirs is None) or _same(ours, theirs)
    for ours, theirs in zip(fit_histories(histories, days=given), fit_histories(histories), strict=True):
        assert_same_fit(ours, theirs)
    # Counts that are not the dates' are not taken as given: the dates decide.
    wrong = [None if d is None else d[:-1] for d in given]
    for ours, theirs in zip(_chunk_day_numbers(histories, wrong), expected, strict=True):
        assert (ours is None and theirs is None) or _same(ours, theirs)
    beyond = [None if d is None else np.full(len(d), 10**8, dtype=np.int64) for d in given]
    for ours, theirs in zip(_chunk_day_numbers(histories, beyond), expected, strict=True):
        assert (ours is None and theirs is None) or _same(ours, theirs)


@pytest.mark.parametrize("seed", range(10))
def test_row_medians_of_known_values_are_the_one_dimensional_ones(seed):
    # Every value known (the usual history): the counts of the windows come from the places alone.
    rng = np.random.default_rng(seed)
    rows, size, window = int(rng.integers(1, 6)), int(rng.integers(1, 100)), int(rng.integers(1, 40))
    values = rng.choice([0.0, 1.5, -2.0, rng.normal()], size=(rows, size)) + rng.integers(0, 2, size=(rows, size))
    assert _same(rolling_median_rows(values, window), np.stack([rolling_median(row, window) for row in values]))
    assert rolling_median_rows(np.empty((3, 0)), window).shape == (3, 0)


def _settling_rows(rng: np.random.Generator, rows: int, size: int) -> np.ndarray:
    """Rows a rolling median may settle by counting (`_settled_rows`) and rows it may not: flat,
    mostly one value with spikes (a following count that rarely changes), 0.0 and -0.0 mixed,
    infinities, the spikes bunched at an end or in the middle, and ordinary noise."""
    out = np.empty((rows, size))
    for row in out:
        base = float(rng.choice([0.0, -0.0, 3.0, -1.5, np.inf, 1e308]))
        row[:] = base
        kind = int(rng.integers(0, 6))
        spikes = int(rng.integers(0, max(size // 2, 1) + 1))
        if kind == 0:  # spikes anywhere
            where = rng.choice(size, size=min(spikes, size), replace=False)
        elif kind == 1:  # spikes bunched at the start or the end
            where = np.arange(min(spikes, size)) if rng.random() < 0.5 else np.arange(size - min(spikes, size), size)
        elif kind == 2:  # bunched in the middle
            start = max(size // 2 - spikes // 2, 0)
            where = np.arange(start, min(start + spikes, size))
        elif kind == 3:  # the other zero
            where = rng.choice(size, size=min(spikes, size), replace=False)
            row[where] = 0.0 if np.signbit(base) else -0.0  # against a base of 0.0 or -0.0
            continue
        elif kind == 4:  # noise
            row[:] = rng.normal(size=size).round(1)
            continue
        else:  # flat
            continue
        row[where] = rng.choice([base + 1.0, base - 2.0, -np.inf, np.inf, 0.0, -0.0], size=len(where))
    return out


# Rows of 1e308: a window's (low + high) / 2 is inf on both paths, as numpy warns (expected here).
@pytest.mark.filterwarnings("ignore:overflow encountered in add:RuntimeWarning")
@pytest.mark.parametrize("seed", range(40))
def test_rolling_medians_settled_by_counting_are_the_sorted_ones(seed):
    # The rows whose windows share one middle value are not sorted; the rest of the chunk is.
    # Every kind of row side by side, at lengths from 0 to beyond the windows, against the
    # per-account sorting `rolling_median`: the same bits (0.0 against -0.0 too).
    rng = np.random.default_rng(seed)
    size = int(rng.choice([0, 1, 2, 3, 9, 28, 29, 30, 57, 89, 120]))
    window = int(rng.choice([1, 2, 14, 28, 60]))
    values = _settling_rows(rng, int(rng.integers(1, 12)), size)
    got = rolling_median_rows(values, window)
    assert _same(got, np.stack([rolling_median(row, window) for row in values]).reshape(values.shape))


def test_settled_rows_are_the_ones_counting_can_tell():
    from vetting.scoring.growth_chunk import _settled_rows

    zeros = np.zeros(40)
    spiked = zeros.copy()
    spiked[[3, 20, 31]] = [5.0, -7.0, 2.0]
    crowded = zeros.copy()
    crowded[10:25] = 1.0  # the windows about 17 hold more ones than zeros
    both_zeros = zeros.copy()
    both_zeros[::3] = -0.0
    noise = np.arange(40.0)
    settled, middle = _settled_rows(np.stack([zeros, spiked, crowded, both_zeros, noise]), 7)
    assert settled.tolist() == [True, True, False, False, False]
    assert middle[:2].tolist() == [0.0, 0.0]


def _searched(fit: HistoryFit) -> HistoryFit:
    """`fit` with NaN extremes: `anomalies_of` then searches every day, as before they existed."""
    nan = float("nan")
    followers = fit.followers and dataclasses.replace(fit.followers, z_high=nan, z_low=nan)
    following = fit.following and dataclasses.replace(fit.following, z_far=nan)
    return dataclasses.replace(fit, followers=followers, following=following)


@pytest.mark.parametrize("seed", range(6))
def test_the_extremes_only_skip_searches_that_find_nothing(seed):
    # The anomaly rules, with and without the fits' extremes, at thresholds from ones nothing
    # passes to ones most days pass; histories with anomalies, without, and with a NaN count.
    rng = np.random.default_rng(seed)
    histories = [_history(rng, int(size)) for size in rng.choice([90, 90, 40, 12], size=30)]
    histories += list(EDGE_CASES.values())
    nan_count = _history(rng, 60)
    nan_count[1][30] = float("nan")
    histories.append(nan_count)
    fits = fit_histories(histories)
    assert any(fit.followers is not None and np.isnan(fit.followers.z).any() for fit in fits)
    for z_threshold in (0.5, 2.0, 6.0, 40.0):
        for fit in fits:
            ours = anomalies_of(fit, z_threshold=z_threshold)
            assert ours.as_dict() == anomalies_of(_searched(fit), z_threshold=z_threshold).as_dict()


def _given_counts(history: tuple) -> tuple[np.ndarray, np.ndarray] | None:
    """A history's followers and following as `snapshot_histories(counts=...)` reads them: int64
    columns (-1 for an unknown following) converted at once, NaN for the unknown ones. None for a
    history with counts such a column cannot hold (the growth fits then convert its lists)."""
    dates, followers, following = history
    if not all(type(c) is int for c in followers) or not all(type(c) is int or c is None for c in following or ()):
        return None
    column = np.array([-1 if c is None else c for c in following or []], dtype=np.int64)
    known = np.where(column == -1, np.nan, column.astype(float))
    if following is None:  # never read so: an array of NaN the fits must not take
        known = np.full(len(followers), np.nan)
    return np.array(followers, dtype=np.int64).astype(float), known


def _huge(rng: np.random.Generator, size: int) -> tuple[list, list, list | None]:
    """A history of counts beyond 2**53 (their floats rounded), up to MAX_COUNT, with unknown
    following counts."""
    dates = [START + dt.timedelta(days=i) for i in range(size)]
    base = 2**63 - 1 - 2**40 * size
    followers = [base + int(rng.integers(0, 2**40)) * i for i in range(size)]
    if size:
        followers[-1] = 2**63 - 1
    following: list = [2**53 + int(rng.integers(0, 3)) for _ in range(size)]
    for i in range(0, size, 7):
        following[i] = None
    return dates, followers, following


@pytest.mark.parametrize("seed", range(8))
def test_given_counts_give_the_per_account_fits(seed):
    # Each history's counts given as the floats read from its int64 columns (for some histories
    # of a chunk; the others converted from their lists), with None and absent following counts,
    # huge counts, empty histories and mixed lengths: every fit is `fit_history`'s of the lists.
    from vetting.scoring.growth_chunk import _chunk_values

    rng = np.random.default_rng(seed)
    histories = [_history(rng, int(size)) for size in rng.choice([0, 5, 12, 60, 90, 90, 90], size=20)]
    histories += [_huge(rng, int(size)) for size in (0, 1, 30, 90, 90)] + list(EDGE_CASES.values())
    histories = [histories[i] for i in rng.permutation(len(histories))]
    given = [_given_counts(h) if rng.random() < 0.8 else None for h in histories]
    assert sum(g is not None for g in given) > len(given) // 2 and None in given
    assert any(h[2] is None and g is not None for h, g in zip(histories, given, strict=True))
    fits = fit_histories(histories, counts=given)
    for fit, (dates, followers, following) in zip(fits, histories, strict=True):
        assert_same_fit(fit, fit_history(dates, followers, following))
    for column in (1, 2):
        part = [None if g is None else g[column - 1] for g in given]
        ours, theirs = _chunk_values(histories, column, part), _chunk_values(histories, column)
        assert ours is not None and theirs is not None and _same(ours, theirs)
        assert np.count_nonzero(ours >= 2.0**53) > 0


# The integer counts are made from float ones holding NaN (missing following): a cast numpy warns of.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_counts_not_the_historys_are_not_taken():
    # Counts of another length, or not floats, are not taken as given: the lists decide.
    rng = np.random.default_rng(5)
    histories = [_history(rng, 90) for _ in range(6)] + [_huge(rng, 40)]
    given = [_given_counts(h) for h in histories]
    expected = fit_histories(histories)
    shorter = [None if g is None else (g[0][:-1], g[1][:-1]) for g in given]
    as_ints = [None if g is None else (g[0].astype(np.int64), np.zeros(len(g[1]), dtype=np.int64)) for g in given]
    for wrong in (shorter, as_ints, given[:-1]):
        for ours, theirs in zip(fit_histories(histories, counts=wrong), expected, strict=True):
            assert_same_fit(ours, theirs)
