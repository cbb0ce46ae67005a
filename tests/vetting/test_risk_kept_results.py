"""What `vetting.scoring.risk` keeps and hands out again instead of working it out anew: the
combination of signals combined before (`combine` → `_COMBINED`), the two growth signals of a
history without anomalies (`_STEADY`) and the engagement signals without a rate. Each must be
what the general form gives (`_combine`, `_growth_signals`, signals made anew), to the stored
JSON text, key order and number types included, and the caller's to change without changing
the next account's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from core.stored_json import stored_json
from tests.core.same_values import assert_same
from vetting import messages as m
from vetting.scoring import risk
from vetting.scoring.engagement import EngagementReport, PostStats, engagement_report
from vetting.scoring.growth import GrowthReport, growth_anomalies


def _history(jump: int) -> GrowthReport:
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (jump if d >= 40 else 0) for d in range(60)]
    return growth_anomalies(dates, followers, [300] * 60)


def _engagement() -> EngagementReport:
    posts = [
        PostStats(i, dt.datetime(2026, 2, 1, tzinfo=dt.UTC) - dt.timedelta(days=i), 100 + 900 * (i == 4), 5, views=None)
        for i in range(12)
    ]
    return engagement_report(platform="instagram", followers=10_000.0, posts=posts)


def _mixed() -> list[risk.Signal]:
    engagement = _engagement()
    return (
        risk.audience_signals(None)
        + risk.growth_signals(_history(5_000))
        + risk.engagement_signals(engagement)
        + risk.reach_signals(engagement)
        + risk.comment_signals(None)
        + risk.reuse_signals(None)
    )


def _steady() -> list[risk.Signal]:
    return risk.audience_signals(None) + risk.growth_signals(_history(0)) + risk.engagement_signals(None)


def _nothing() -> list[risk.Signal]:
    return risk.audience_signals(None) + risk.growth_signals(None) + risk.comment_signals(None)


def _copies(signals: list[risk.Signal]) -> list[risk.Signal]:
    return [dataclasses.replace(s, evidence_lines=list(s.evidence_lines)) for s in signals]


def _set(signals: list[risk.Signal], index: int, **figures) -> list[risk.Signal]:
    for name, value in figures.items():
        setattr(signals[index], name, value)
    return signals


def _same_result(ours: risk.RiskResult, theirs: risk.RiskResult) -> None:
    assert stored_json(ours.as_report()) == stored_json(theirs.as_report())
    assert_same(ours.as_dict(), theirs.as_dict())
    for a, b in zip(ours.signals, theirs.signals, strict=True):
        assert_same(a.as_dict(), b.as_dict())


# Signals, and whether combine keeps their result (a key that JSON writes exactly).
CASES = {
    "mixed": (_mixed, True),
    "steady history, no posts": (_steady, True),
    "no data at all": (_nothing, True),
    "an int risk": (lambda: _set(_steady(), 2, risk=1), True),
    "a float risk of the same value": (lambda: _set(_steady(), 2, risk=1.0), True),
    "a negative zero risk": (lambda: _set(_steady(), 2, risk=-0.0), True),
    "a negative zero confidence": (lambda: _set(_steady(), 2, confidence=-0.0), True),
    "a numpy risk": (lambda: _set(_steady(), 2, risk=np.float64(0.4)), False),
    "a NaN confidence": (lambda: _set(_steady(), 2, confidence=math.nan), False),
    "an infinite decisive factor": (lambda: _set(_mixed(), 2, decisive=math.inf), False),
    "another weight": (lambda: _set(_steady(), 2, weight=0.5), True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_kept_combination_is_the_general_one(name):
    make, kept = CASES[name]
    signals = make()
    assert (risk._combine_key(signals) is not None) is kept
    expected = risk._combine(_copies(signals))
    risk._COMBINED.clear()
    first = risk.combine(_copies(signals))
    assert len(risk._COMBINED) == int(kept)
    second = risk.combine(_copies(signals))  # from _COMBINED when kept
    _same_result(first, expected)
    _same_result(second, expected)


def test_equal_figures_of_another_type_or_sign_are_not_taken_for_each_other():
    risk._COMBINED.clear()
    for figures in ({"risk": 1}, {"risk": 1.0}, {"risk": True}, {"confidence": 0.0}, {"confidence": -0.0}):
        signals = _set(_steady(), 2, **figures)
        _same_result(risk.combine(_copies(signals)), risk._combine(_copies(signals)))
    assert len(risk._COMBINED) == 5


def test_a_kept_combination_is_the_callers_to_change():
    risk._COMBINED.clear()
    first = risk.combine(_mixed())
    expected = risk._combine(_mixed())
    first.combination["text"]["params"]["n"] = 99
    first.combination["risk"] = 2.0
    first.evidence["kinds"].append("changed")
    first.evidence["missing"].clear()
    for result in (risk.combine(_mixed()), risk.combine(_mixed())):
        _same_result(result, expected)
        assert result.combination is not first.combination and result.evidence is not first.evidence


def test_the_kept_combinations_are_bounded(monkeypatch):
    monkeypatch.setattr(risk, "COMBINED_MAX", 3)
    risk._COMBINED.clear()
    for weight in (0.1, 0.2, 0.3, 0.4, 0.5):
        risk.combine(_set(_steady(), 2, weight=weight))
        assert len(risk._COMBINED) <= 3


@pytest.mark.parametrize("snapshots", [15, 60, 120])
def test_the_signals_of_a_steady_history_are_the_general_ones(snapshots):
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(snapshots)]
    report = growth_anomalies(dates, [5_000 + 3 * d for d in range(snapshots)], [200] * snapshots)
    assert report.available and not report.anomalies
    expected = risk._growth_signals(report)
    first = risk.growth_signals(report)
    assert first == expected
    for signal in first:  # changed by the caller: the next account's are not
        signal.evidence.append({"changed": True})
        signal.evidence_lines.append(m.NO_IMAGES())
        signal.points = 9
    second = risk.growth_signals(report)
    assert second == expected
    assert [stored_json(s.as_report()) for s in second] == [stored_json(s.as_report()) for s in expected]
    assert all(a is not b and a.evidence is not b.evidence for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize(
    "figures",
    [{"anomalous_gain_share": -0.0}, {"anomalous_gain_share": 0}, {"n_snapshots": np.int64(30)}, {"churn_bursts": 0.0}],
    ids=repr,
)
def test_figures_of_another_type_or_sign_make_the_steady_signals_anew(figures):
    report = GrowthReport(available=True, **{"n_snapshots": 30, "anomalous_gain_share": 0.0, **figures})
    assert risk._steady_key(report) is None
    risk.growth_signals(GrowthReport(available=True, n_snapshots=30))  # the usual figures, kept
    signals = risk.growth_signals(report)
    expected = risk._growth_signals(report)
    assert [stored_json(s.as_report()) for s in signals] == [stored_json(s.as_report()) for s in expected]


def test_a_history_with_anomalies_is_not_taken_for_a_steady_one():
    report = _history(5_000)
    assert report.anomalies
    assert [stored_json(s.as_report()) for s in risk.growth_signals(report)] == [
        stored_json(s.as_report()) for s in risk._growth_signals(report)
    ]


def _engagement_made_anew(note) -> list[risk.Signal]:
    return [
        risk.Signal(
            name=name,
            label=risk.SIGNAL_LABELS[name],
            value=None,
            benchmark=None,
            risk=None,
            weight=risk.SIGNAL_WEIGHTS[name][0],
            decisive=risk.SIGNAL_WEIGHTS[name][1],
            confidence=0.0,
            explanation=note,
        )
        for name in ("engagement_rate", "engagement_pattern")
    ]


@pytest.mark.parametrize(
    "report, note",
    [
        (None, m.NO_POSTS()),
        (EngagementReport(False, "instagram", 1e4, 0, note=m.NO_STORED_RATE()), m.NO_STORED_RATE()),
        (EngagementReport(False, "instagram", 1e4, 0), m.NO_POSTS()),
        (EngagementReport(True, "instagram", 1e4, 3, engagement_rate=None, note=m.NO_BENCHMARK()), m.NO_BENCHMARK()),
    ],
)
def test_the_engagement_signals_without_a_rate_are_made_anew_each_time(report, note):
    first = risk.engagement_signals(report)
    assert first == _engagement_made_anew(note)
    for signal in first:
        signal.explanation = m.NO_IMAGES()
        signal.evidence_lines.append(m.NO_IMAGES())
    second = risk.engagement_signals(report)
    assert second == _engagement_made_anew(note)
    assert [s.as_report() for s in second] == [s.as_report() for s in _engagement_made_anew(note)]
