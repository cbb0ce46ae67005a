"""The rolling median of the growth and engagement scorers (vetting.scoring.robust) against
numpy's own nanmedian over the same windows, and a hand-checked series; their plain-Python twins
for a dozen values (`median_of`, `rolling_median_of`) against them, bit for bit."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from vetting.scoring.robust import _rolling_median_with_gaps, median, median_of, rolling_median, rolling_median_of


def test_hand_checked_series():
    # window 1: each value with its neighbours; the ends have two values (their mean).
    values = np.array([1.0, 9.0, 2.0, 8.0, 3.0])
    assert rolling_median(values, 1).tolist() == [5.0, 2.0, 8.0, 3.0, 5.5]


@pytest.mark.parametrize("seed", range(20))
def test_same_numbers_as_nanmedian_with_gaps_and_ties(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 120))
    window = int(rng.integers(1, 15))
    values = rng.choice([rng.normal(0, 50), 0.0, 3.0, 7.5], size=size) + rng.integers(0, 3, size=size)
    values[rng.random(size) < 0.2] = np.nan  # missing days inside the series too
    padded = np.concatenate([np.full(window, np.nan), values, np.full(window, np.nan)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "All-NaN slice": a window without values
        expected = np.nanmedian(np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1), axis=1)
    np.testing.assert_array_equal(rolling_median(values, window), expected)


def test_a_window_without_any_value_is_nan():
    values = np.array([np.nan, np.nan, np.nan, np.nan, 4.0])
    out = rolling_median(values, 1)
    assert np.isnan(out[:3]).all() and out[3:].tolist() == [4.0, 4.0]


@pytest.mark.parametrize("seed", range(20))
def test_median_is_numpys_median_bit_for_bit(seed):
    # The scorers' medians (growth trend, noise, engagement changes) must not move a stored number.
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 100))
    values = rng.choice([rng.normal(0, 1e4), 0.0, 3.0, -7.5, 1e-9], size=size) * rng.integers(1, 4, size=size)
    got, expected = median(values), np.median(values)
    assert got.tobytes() == np.float64(expected).tobytes()
    assert median(values.astype(int)) == np.median(values.astype(int))  # integer counts too


def test_median_with_nan_or_nothing_is_nan():
    assert np.isnan(median(np.array([1.0, np.nan, 3.0])))
    assert np.isnan(median(np.array([])))
    assert median(np.array([4.0, 1.0])) == 2.5 and median(np.array([5.0])) == 5.0


def _series(rng: np.random.Generator) -> np.ndarray:
    # Without -0.0: equal values may sort either way round, so a median of zeros may differ in
    # the sign of its zero (the twins' inputs, logarithms and their residuals, hold no -0.0).
    size = int(rng.integers(0, 40))
    values = rng.choice([rng.normal(0, 3), 0.0, 1.5, -2.25, 1e-9, np.log(1e-6)], size=size)
    values = values + rng.integers(0, 3, size=size) * rng.normal(0, 1, size=size)
    if rng.random() < 0.5:
        values[rng.random(size) < 0.15] = rng.choice([np.nan, np.inf, -np.inf])
    return values


@pytest.mark.parametrize("seed", range(40))
def test_plain_twins_give_the_same_numbers(seed):
    rng = np.random.default_rng(seed)
    values = _series(rng)
    window = int(rng.integers(1, 8))
    assert np.array(rolling_median_of(values.tolist(), window)).tobytes() == rolling_median(values, window).tobytes()
    assert np.float64(median_of(values.tolist())).tobytes() == np.float64(median(values)).tobytes()


def test_plain_twins_hand_checked():
    assert rolling_median_of([1.0, 9.0, 2.0, 8.0, 3.0], 1) == [5.0, 2.0, 8.0, 3.0, 5.5]
    out = rolling_median_of([math.nan, math.nan, math.nan, math.nan, 4.0], 1)
    assert all(math.isnan(v) for v in out[:3]) and out[3:] == [4.0, 4.0]
    assert median_of([4.0, 1.0]) == 2.5 and median_of([5.0, 1.0, 3.0]) == 3.0
    assert math.isnan(median_of([])) and math.isnan(median_of([1.0, math.nan, 3.0]))


@pytest.mark.parametrize("seed", range(20))
def test_rolling_twin_without_nan_is_its_general_form_bit_for_bit(seed):
    # Without NaN the windows are sorted unfiltered: the same windows in the same order as the
    # general form's, so the same bits even for signed zeros and infinities.
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 40))
    values = rng.choice([rng.normal(0, 3), 0.0, -0.0, 1.5, np.inf, -np.inf, np.log(1e-6)], size=size).tolist()
    window = int(rng.integers(1, 8))
    fast = rolling_median_of(values, window)
    assert np.array(fast, dtype=float).tobytes() == np.array(_rolling_median_with_gaps(values, window)).tobytes()
