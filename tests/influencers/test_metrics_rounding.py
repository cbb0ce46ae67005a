"""`round_6` (influencers/metrics/chunk.py) rounds a chunk's per-post rates in numpy exactly as
`round(rate, 6)` does, which the stored details' `per_post` lists are made of."""

from __future__ import annotations

import random
import struct

import numpy as np
import pytest

from influencers.metrics.chunk import round_6


def _python(values: list[float]) -> list[float]:
    return [round(v, 6) for v in values]


def _bits(values: list[float]) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def _neighbours(value: float, steps: int = 3) -> list[float]:
    around = [value]
    up = down = value
    for _ in range(steps):
        up, down = float(np.nextafter(up, np.inf)), float(np.nextafter(down, -np.inf))
        around += [up, down]
    return [v for v in around if v >= 0]


def test_rates_of_counts_round_as_python_rounds_them():
    rng = random.Random(1)
    values = [rng.randint(0, 10 ** rng.randint(1, 7)) / rng.randint(1, 10 ** rng.randint(1, 9)) for _ in range(200_000)]
    assert _bits(round_6(np.array(values))) == _bits(_python(values))


def test_values_next_to_halves_of_the_sixth_place_round_as_python_rounds_them():
    rng = random.Random(2)
    halves = [(rng.randint(0, 10**7) + 0.5) / 1e6 for _ in range(20_000)] + [0.0000005, 0.0000015, 2.5e-6, 1.0000005]
    values = [v for half in halves for v in _neighbours(half)]
    assert _bits(round_6(np.array(values))) == _bits(_python(values))


@pytest.mark.parametrize("value", [0.0, 1e-300, 5e-324, 0.1, 1 / 3, 123456.7890125, 2.0**52 / 1e6, 2.0**60, 1e300])
def test_edge_values_round_as_python_rounds_them(value):
    values = _neighbours(value, 2)
    assert _bits(round_6(np.array(values))) == _bits(_python(values))


def test_nothing_to_round():
    assert round_6(np.zeros(0)) == []
