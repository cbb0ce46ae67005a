"""The rolling median of the growth and engagement scorers (vetting.scoring.robust) against
numpy's own nanmedian over the same windows, and a hand-checked series."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from vetting.scoring.robust import rolling_median


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
