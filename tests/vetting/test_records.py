"""vetting.scoring.records.asdict gives what dataclasses.asdict gives, on the scorers' own results
(messages, dates, nested dataclasses, lists, tuples, named tuples, dicts)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import namedtuple

import pytest

from vetting.scoring import risk as risk_mod
from vetting.scoring.growth import growth_anomalies
from vetting.scoring.records import asdict

Pair = namedtuple("Pair", "a b")


@dataclasses.dataclass
class _Inner:
    when: dt.date
    values: tuple[float, ...]


@dataclasses.dataclass
class _Outer:
    name: str
    inner: _Inner
    items: list[_Inner]
    table: dict
    pair: Pair
    nothing: None = None


def _growth():
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (5_000 if d >= 40 else 0) for d in range(60)]  # a bought jump on day 40
    following = [300 + (400 if 20 <= d < 23 else 0) for d in range(60)]
    return growth_anomalies(dates, followers, following)


def test_same_dicts_as_dataclasses_asdict_on_growth_and_its_signals():
    growth = _growth()
    assert growth.anomalies, "the fixture must have an anomaly with a message"
    assert asdict(growth) == dataclasses.asdict(growth)
    for signal in risk_mod.growth_signals(growth):
        assert asdict(signal) == dataclasses.asdict(signal)


def test_same_dicts_on_nested_containers():
    inner = _Inner(dt.date(2026, 3, 1), (1.5, float("nan")))
    table = {"a": [inner], ("k", 1): Pair(1, inner)}
    value = _Outer("x", inner, [inner, inner], table, Pair([1], {"z": inner}))
    fast, slow = asdict(value), dataclasses.asdict(value)
    assert repr(fast) == repr(slow)  # NaN != NaN, so compared as text
    assert fast["inner"] is not value.inner and fast["items"][0]["when"] == dt.date(2026, 3, 1)


def test_not_a_dataclass_instance():
    with pytest.raises(TypeError):
        asdict(_Inner)
    with pytest.raises(TypeError):
        asdict({"a": 1})
