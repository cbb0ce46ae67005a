"""The rolling median of the growth and engagement scorers (vetting.scoring.robust) against
numpy's own nanmedian over the same windows, and a hand-checked series."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from vetting.scoring.robust import median, rolling_median


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
