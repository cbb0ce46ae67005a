"""What `vetting.scoring.risk` keeps and hands out again instead of working it out anew: the
two growth signals of a history without anomalies (`_STEADY`) and the engagement signals without
a rate. Each must be what the general form gives (`_growth_signals`, signals made anew), to the
stored JSON text, key order and number types included, and the caller's to change without
changing the next account's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.stored_json import stored_json
from vetting import messages as m
from vetting.scoring import risk
from vetting.scoring.engagement import EngagementReport
from vetting.scoring.growth import GrowthReport, growth_anomalies


def _history(jump: int) -> GrowthReport:
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (jump if d >= 40 else 0) for d in range(60)]
    return growth_anomalies(dates, followers, [300] * 60)


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
