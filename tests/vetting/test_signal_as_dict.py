"""Signal.as_dict lists the signal's fields itself: it must stay `asdict(signal)` plus its three
derived keys, in the same order (the stored report's JSON text follows it), with the same copies,
on every kind of signal (with and without data, evidence as lists, dicts and messages)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np

from vetting.scoring import risk as risk_mod
from vetting.scoring.engagement import PostStats, engagement_report
from vetting.scoring.growth import growth_anomalies


def _reference(signal: risk_mod.Signal) -> dict:
    out = dataclasses.asdict(signal)
    out["available"] = signal.available
    out["level"] = signal.level
    out["evidence_kind"] = risk_mod.SIGNAL_EVIDENCE.get(signal.name, "")
    for key in ("risk", "contribution", "confidence", "mean_part", "floor_part"):
        if isinstance(out[key], float):
            out[key] = round(out[key], 4)
    return out


def _signals() -> list[risk_mod.Signal]:
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (5_000 if d >= 40 else 0) for d in range(60)]
    following = [300 + (400 if 20 <= d < 23 else 0) for d in range(60)]
    growth = growth_anomalies(dates, followers, following)
    posts = [
        PostStats(i, dt.datetime(2026, 2, 1, tzinfo=dt.UTC) - dt.timedelta(days=i), 100 + 900 * (i == 4), 5, views=None)
        for i in range(12)
    ]
    engagement = engagement_report(platform="instagram", followers=10_000.0, posts=posts)
    signals = (
        risk_mod.audience_signals(None)
        + risk_mod.growth_signals(growth)
        + risk_mod.growth_signals(None)
        + risk_mod.engagement_signals(engagement)
        + risk_mod.reach_signals(engagement)
        + risk_mod.reuse_signals(None)
    )
    risk_mod.combine(signals)  # fills the contributions and points
    signals[2].risk = np.float64(0.123456)  # a numpy figure is rounded too
    return signals


def test_same_dict_as_asdict_with_the_derived_keys():
    signals = _signals()
    assert any(s.evidence for s in signals) and any(s.evidence_lines for s in signals)
    for signal in signals:
        ours, theirs = signal.as_dict(), _reference(signal)
        assert list(ours) == list(theirs)
        assert json.dumps(ours, default=str) == json.dumps(theirs, default=str)


def test_every_field_is_in_the_dict_and_copied():
    fields = [f.name for f in dataclasses.fields(risk_mod.Signal)]
    signal = next(s for s in _signals() if s.evidence_lines)
    out = signal.as_dict()
    assert list(out)[: len(fields)] == fields
    assert out["evidence_lines"] is not signal.evidence_lines
    assert out["evidence_lines"][0]["params"] is not signal.evidence_lines[0].params
