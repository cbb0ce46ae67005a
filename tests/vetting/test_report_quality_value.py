"""The report's engagement quality of one rate (`engagement.engagement_quality_of`) is numpy's
`engagement_quality` of it, bit for bit, whatever the rate and median (0, negative, huge, tiny,
infinite, NaN, integers)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from vetting.scoring.engagement import engagement_quality
from vetting.scoring.engagement import engagement_quality_of as _quality_of

ODD = [0.0, -0.0, -0.5, 0.5, 1.0, -1.0, 1e-300, 5e-324, 1e300, 1.7e308, math.inf, -math.inf, math.nan, 3, -2]


def _numpy(rate, median) -> float:
    with np.errstate(all="ignore"):
        return float(engagement_quality(np.array([rate]), np.array([median]))[0])


def _bits(value: float) -> bytes:
    return np.float64(value).tobytes()


@pytest.mark.parametrize("seed", range(5))
def test_one_rates_quality_is_numpys(seed):
    rng = random.Random(seed)
    pairs = [(a, b) for a in ODD for b in ODD if b]
    pairs += [(rng.lognormvariate(-4, 2), rng.lognormvariate(-4, 1)) for _ in range(2000)]
    pairs += [(-0.5 * m, m) for m in (0.012, 0.3, 7.0)]  # ratio + 0.5 == 0
    for rate, median in pairs:
        ours = _quality_of(rate, median)
        assert type(ours) is float
        assert _bits(ours) == _bits(_numpy(rate, median)) or (math.isnan(ours) and math.isnan(_numpy(rate, median))), (
            rate,
            median,
        )
