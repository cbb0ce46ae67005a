"""Combined risk: weights, decisive signals, contributions, missing data (pure)."""

from __future__ import annotations

import pytest

from vetting.scoring.risk import SIGNAL_WEIGHTS, Signal, combine


def sig(name: str, risk: float | None, confidence: float = 1.0) -> Signal:
    weight, decisive = SIGNAL_WEIGHTS[name]
    return Signal(
        name,
        name.replace("_", " "),
        value=risk,
        benchmark="b",
        risk=risk,
        weight=weight,
        decisive=decisive,
        confidence=confidence,
    )


def test_clean_signals_give_low_risk_and_full_confidence():
    result = combine([sig(name, 0.0) for name in SIGNAL_WEIGHTS])
    assert result.risk == 0.0 and result.level == "low"
    assert result.confidence == pytest.approx(1.0)


def test_contributions_add_up_to_the_risk():
    signals = [
        sig("audience_quality", 0.2),
        sig("growth_anomalies", 0.5),
        sig("engagement_rate", 0.1),
        sig("comment_authenticity", 0.3),
        sig("mass_followers", 0.0),
        sig("following_churn", 0.0),
        sig("engagement_pattern", 0.0),
    ]
    result = combine(signals)
    assert sum(s.contribution for s in result.signals) == pytest.approx(result.risk)
    weights = {s.name: s.weight for s in signals}
    expected_mean = sum(weights[s.name] * s.risk for s in signals) / sum(weights.values())
    assert result.risk >= expected_mean - 1e-9


def test_one_conclusive_signal_makes_risk_high():
    signals = [sig(name, 0.0) for name in SIGNAL_WEIGHTS if name != "audience_quality"]
    signals.append(sig("audience_quality", 1.0))
    result = combine(signals)
    assert result.level == "high" and result.risk == pytest.approx(1.0)
    assert "decisive" in result.combined_by
    top = max(result.signals, key=lambda s: s.contribution)
    assert top.name == "audience_quality"


def test_missing_signals_lower_confidence_and_are_not_counted_as_clean():
    full = combine([sig("engagement_rate", 0.6)] + [sig(n, 0.0) for n in SIGNAL_WEIGHTS if n != "engagement_rate"])
    sparse = combine([sig("engagement_rate", 0.6)] + [sig(n, None) for n in SIGNAL_WEIGHTS if n != "engagement_rate"])
    assert sparse.confidence < full.confidence
    assert sparse.risk > full.risk  # absent signals do not dilute the one that has data
    assert "no data for" in sparse.summary


def test_no_data_at_all_is_unknown():
    result = combine([sig(n, None) for n in SIGNAL_WEIGHTS])
    assert result.risk is None and result.level == "unknown" and result.confidence == 0.0


@pytest.mark.parametrize(("risk", "level"), [(0.1, "low"), (0.35, "medium"), (0.7, "high")])
def test_levels(risk, level):
    assert combine([sig("growth_anomalies", risk)]).level == level
