"""`RiskResult.as_report` / `Signal.as_report` (the vetting report's risk, messages and containers
taken as they are): the same JSON as `as_dict()` once stored (`stored_json`) or made JSON-safe
for the API (`reports._json_safe`), on every kind of signal and on random figures."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from core.messages import Message
from core.stored_json import stored_json
from tests.core.same_values import assert_same
from tests.vetting.test_signal_as_dict import _signals
from vetting.scoring import risk as risk_mod
from vetting.services.reports import _json_safe


def _same_json(ours: dict, theirs: dict) -> None:
    assert stored_json(ours) == stored_json(theirs)
    assert_same(_json_safe(ours), _json_safe(theirs))


def test_every_kind_of_signal_and_the_combination():
    signals = _signals()
    result = risk_mod.combine(signals)
    assert result.combined_by is not None and result.summary is not None
    _same_json(result.as_report(), result.as_dict())
    for signal in signals:
        _same_json(signal.as_report(), signal.as_dict())


def test_no_data_at_all():
    result = risk_mod.combine(risk_mod.audience_signals(None) + risk_mod.growth_signals(None))
    assert result.risk is None
    _same_json(result.as_report(), result.as_dict())


@pytest.mark.parametrize("seed", range(10))
def test_random_figures_and_messages(seed):
    rng = random.Random(seed)
    result = risk_mod.combine(_signals())
    for signal in result.signals:
        for name in ("risk", "confidence", "contribution", "mean_part", "floor_part"):
            setattr(signal, name, rng.choice([rng.random(), np.float64(rng.random()), 1, 0, None, 1 / 3]))
        signal.value = rng.choice([signal.value, np.float64(0.5), 3, "text", None, (1.5, 2), [1.5, {"a": math.nan}]])
        # Non-finite parameters are written as null by both paths (a message kept as a Message
        # is made JSON-safe as its dict would be).
        odd = Message("x.y", {"ratio": rng.choice([math.inf, -math.inf, 0.25]), "items": [1, (2, 3)]})
        signal.evidence = rng.choice([signal.evidence, None, {"rows": [1, {"x": np.float32(0.1)}], "m": odd}])
        signal.explanation = rng.choice([signal.explanation, odd])
        signal.evidence_lines = [*signal.evidence_lines, odd]
        _same_json(signal.as_report(), signal.as_dict())
    result.combined_by = rng.choice([result.combined_by, None, odd])
    _same_json(result.as_report(), result.as_dict())


FIGURES = ("risk", "confidence", "contribution", "mean_part", "floor_part")


@pytest.mark.parametrize(
    "value",
    [
        *(0.0, -0.0, 0, 1, 1.0, np.float64(0.0), np.float64(-0.0), np.float64(0.123456), math.nan, 0.123456, -1e-9),
        *(None, True, np.float64(1.0), 1.00004, 0.99996, 1.00005, np.float64(0.99996)),  # ones: kept
    ],
    ids=repr,
)
def test_figures_are_rounded_as_round_does_zeros_kept_as_they_are(value):
    # Zeros skip `round` (it gives them back): the figures must be what round(v, 4) gives
    # for floats (numpy's included), sign and type alike, and anything else as it is.
    signal = risk_mod.combine(_signals()).signals[0]
    # (A NaN or negative risk has no level: level_of refuses it, as before.)
    names = FIGURES if value is None or value >= 0 else FIGURES[1:]
    for name in names:
        setattr(signal, name, value)
    report = signal.as_report()
    expected = round(value, 4) if isinstance(value, float) else value
    for name in names:
        got = report[name]
        assert type(got) is type(expected)
        if expected is None or isinstance(expected, int):
            assert got == expected
        elif math.isnan(expected):
            assert math.isnan(got)
        else:
            assert got == expected and math.copysign(1, got) == math.copysign(1, expected)
    assert stored_json(report)


def _engagement_reports() -> list:
    import datetime as dt

    from vetting.scoring.engagement import PostStats, StoredEngagement, engagement_report

    rng = random.Random(4)
    when = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    out = []
    for platform, stored in (("instagram", None), ("tiktok", StoredEngagement(0.04, "f", 9)), ("nowhere", None)):
        posts = [
            PostStats(i, when - dt.timedelta(days=i), 100 + i % 7, rng.choice([0, 5]), views=rng.choice([None, 9_000]))
            for i in range(rng.choice([12, 30]))
        ]
        for post in posts[3::7]:
            post.likes, post.views = 90_000, 400_000  # spikes
        out.append(engagement_report(platform=platform, followers=10_000.0, posts=posts, stored=stored))
        out.append(engagement_report(platform=platform, followers=0.0, posts=posts[:2]))
        out.append(engagement_report(platform=platform, followers=5.0, posts=[]))
        silent = [PostStats(p.post_id, p.posted_at, p.likes, 0, views=p.views) for p in posts]  # no comments
        out.append(engagement_report(platform=platform, followers=10_000.0, posts=silent, stored=stored))
    return out


def test_engagement_and_growth_reports():
    import datetime as dt

    from vetting.scoring.growth import growth_anomalies

    engagements = _engagement_reports()
    assert any(r.changes for r in engagements) and any(r.note for r in engagements)
    assert any(r.likes_per_comment == math.inf for r in engagements)
    for report in engagements:
        _same_json(report.as_report(), report.as_dict())
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (5_000 if d >= 40 else 0) - (4_000 if d >= 50 else 0) for d in range(60)]
    following = [300 + (400 if 20 <= d < 23 else 0) for d in range(60)]
    growths = [growth_anomalies(dates, followers, following), growth_anomalies(dates[:3], followers[:3], None)]
    assert growths[0].anomalies and growths[1].note
    for report in growths:
        _same_json(report.as_report(), report.as_dict())


def test_growth_reports_without_anomalies():
    from vetting.scoring.growth import GrowthReport

    steady = GrowthReport(available=True, n_snapshots=30, trend_per_day=2.5, noise_per_day=np.float64(0.5))
    odd = GrowthReport(available=False, n_snapshots=2, anomalies=(), note=Message("x.y", {}))  # type: ignore[arg-type]
    odd.extra = 1  # type: ignore[attr-defined]  # not a field: not reported
    for report in (steady, odd, GrowthReport(available=True, n_snapshots=0)):
        ours, theirs = report.as_report(), report.as_dict()
        assert list(ours) == list(theirs)
        _same_json(ours, theirs)
        assert ours["anomalies"] == [] and ours["anomalies"] is not report.anomalies
