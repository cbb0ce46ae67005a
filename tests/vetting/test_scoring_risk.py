"""Combined risk: weights, decisive signals, contributions, missing data (pure)."""

from __future__ import annotations

import pytest

from tests.words import en
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
    assert "decisive" in en(result.combined_by)
    top = max(result.signals, key=lambda s: s.contribution)
    assert top.name == "audience_quality"


def test_missing_signals_lower_confidence_and_are_not_counted_as_clean():
    full = combine([sig("engagement_rate", 0.6)] + [sig(n, 0.0) for n in SIGNAL_WEIGHTS if n != "engagement_rate"])
    sparse = combine([sig("engagement_rate", 0.6)] + [sig(n, None) for n in SIGNAL_WEIGHTS if n != "engagement_rate"])
    assert sparse.confidence < full.confidence
    assert sparse.risk > full.risk  # absent signals do not dilute the one that has data
    assert "no data for" in en(sparse.summary)


def test_no_data_at_all_is_not_enough_evidence():
    result = combine([sig(n, None) for n in SIGNAL_WEIGHTS])
    assert result.risk is None and result.level == "insufficient" and result.confidence == 0.0
    assert result.missing == ["follower_sample", "history", "posts", "comments", "images"]


@pytest.mark.parametrize(("risk", "level"), [(0.1, "low"), (0.35, "medium"), (0.7, "high")])
def test_levels(risk, level):
    others = [sig(n, 0.0) for n in ("audience_quality", "engagement_rate", "comment_authenticity")]
    assert combine([sig("growth_anomalies", risk), *others]).level == level


# --- No verdict without evidence --------------------------------------------------------------


def test_one_post_is_not_enough_for_a_level_even_a_high_one():
    """The real-data case: no follower sample, no history, one post far below the benchmark."""
    signals = [
        sig("audience_quality", None),
        sig("mass_followers", None),
        sig("growth_anomalies", None),
        sig("following_churn", None),
        sig("engagement_rate", 1.0, confidence=1 / 12),
        sig("engagement_pattern", 0.0, confidence=1 / 12),
        sig("comment_authenticity", None),
        sig("reused_images", None),
    ]
    result = combine(signals)
    assert result.level == "insufficient"
    assert result.risk == pytest.approx(0.8)  # the indicative figure is kept
    assert result.evidence["met"] is False and result.evidence["level_if_enough"] == "high"
    assert result.missing == ["follower_sample", "history", "comments", "images"]


def test_clean_posts_alone_never_read_low_risk():
    """20,791 real accounts read "Low risk · 0/100" on a few posts: low needs two kinds of evidence."""
    signals = [sig(n, None) for n in SIGNAL_WEIGHTS if n not in ("engagement_rate", "engagement_pattern")]
    signals += [sig("engagement_rate", 0.0), sig("engagement_pattern", 0.0)]
    result = combine(signals)
    assert result.risk == 0.0 and result.level == "insufficient"
    assert result.evidence["kinds"] == ["posts"]


def test_two_kinds_of_evidence_with_enough_confidence_give_a_level():
    def signals(post_confidence: float) -> list[Signal]:
        present = {"growth_anomalies": 1.0, "following_churn": 1.0}
        present.update({"engagement_rate": post_confidence, "engagement_pattern": post_confidence})
        return [sig(n, 0.0 if n in present else None, confidence=present.get(n, 0.0)) for n in SIGNAL_WEIGHTS]

    # history (0.25 × 1) + posts (0.25 × 0.4) of 1.15 = 0.304 < 0.35: two kinds, not enough confidence ...
    thin = combine(signals(0.4))
    assert thin.confidence == pytest.approx(0.35 / 1.15) and thin.level == "insufficient"
    assert thin.evidence["kinds"] == ["history", "posts"]
    # ... with twelve posts (confidence 1): 0.50 / 1.15 = 0.43.
    full = combine(signals(1.0))
    assert full.level == "low" and full.evidence["rule"] == "breadth"


def test_a_decisive_signal_with_its_own_confidence_carries_a_high_level_alone():
    signals = [sig(n, None) for n in SIGNAL_WEIGHTS if n != "audience_quality"]
    result = combine([*signals, sig("audience_quality", 1.0, confidence=0.9)])  # 墨墨酱's 96.5% fake sample
    assert result.level == "high" and result.evidence["rule"] == "decisive"
    assert result.evidence["decisive_signal"] == "audience_quality"
    weak = combine([*signals, sig("audience_quality", 1.0, confidence=0.3)])  # a sample of ~20 followers
    assert weak.level == "insufficient"


def test_a_decisive_signal_never_makes_low_evidenced():
    signals = [sig(n, None) for n in SIGNAL_WEIGHTS if n != "audience_quality"]
    result = combine([*signals, sig("audience_quality", 0.0, confidence=1.0)])
    assert result.level == "insufficient"


# --- Levels agree with their parts -------------------------------------------------------------


def test_the_level_is_never_worse_than_every_signal_shown():
    """Random signals, decisive factors up to 1.5 (above what SIGNAL_WEIGHTS allows): the level
    never exceeds the worst signal's own level, and the points add up to the risk shown."""
    import random

    order = {"low": 0, "medium": 1, "high": 2}
    rng = random.Random(15)
    for _ in range(2000):
        signals = []
        for name in SIGNAL_WEIGHTS:
            risk = None if rng.random() < 0.3 else rng.choice([0.0, rng.random(), 0.29, 0.3, 0.59, 0.6, 1.0])
            s = sig(name, risk, confidence=rng.random())
            s.decisive = rng.uniform(0, 1.5)
            signals.append(s)
        result = combine(signals)
        shown = [s for s in result.signals if s.available]
        if not shown:
            continue
        computed = result.evidence["level_if_enough"]
        assert order[computed] <= max(order[s.level] for s in shown)
        assert result.risk <= max(s.risk for s in shown) + 1e-12
        assert sum(s.points for s in shown) == round(result.risk * 100)
        assert sum(s.contribution for s in shown) == pytest.approx(result.risk)


def test_high_with_six_clean_signals_names_the_red_one_and_shows_the_rule():
    """Ethan Brooks on the demo: six signals at 0 and reach far below followers (0.88)."""
    signals = [sig(n, 0.0) for n in SIGNAL_WEIGHTS if n != "views_per_follower"]
    signals.append(sig("views_per_follower", 0.88))
    result = combine(signals)
    assert result.level == "high" and result.risk == pytest.approx(0.704)
    red = [s for s in result.signals if s.level == "high"]
    assert [s.name for s in red] == ["views_per_follower"]
    # 0.10 × 0.88 / 1.15 = 0.0765 from the mean, and the floor tops it up to 0.704.
    assert red[0].mean_part == pytest.approx(0.088 / 1.15) and red[0].points == 70
    assert en(result.combination["text"]) == (
        "weighted mean of 9 signals with data 0.08; decisive floor: Views far below followers 0.88 × 0.80 "
        "= 0.70; risk = the larger = 0.70"
    )


def test_the_reach_signal_is_separate_from_the_engagement_rate():
    from vetting.scoring.engagement import EngagementReport
    from vetting.scoring.risk import engagement_signals, reach_signals

    bench = {
        "platform": "tiktok",
        "tier": "mid",
        "low": 0.03,
        "high": 0.09,
        "median": 0.06,
        "formula": "(likes+comments+shares)/views",
        "denominator": "views",
        "views_per_follower": {"median": 0.2, "low": 0.05},
        "sources": {},
    }
    report = EngagementReport(
        available=True,
        platform="tiktok",
        formula=bench["formula"],
        engagement_rate=0.044,
        er_ratio=0.73,
        position="within",
        benchmark=bench,
        posts_used=30,
        followers=200_000,
        views_per_follower=0.036,
    )
    rate, _pattern = engagement_signals(report)
    (reach,) = reach_signals(report)
    assert rate.risk == 0.0 and "within the benchmark" in en(rate.explanation)
    assert reach.label == "Views far below followers" and reach.risk > 0.6
    assert "3.6% of followers" in en(reach.explanation)
    # Not applicable (a follower-based platform): no signal, so no lost confidence.
    follower_based = EngagementReport(
        True, "instagram", 200_000, 30, 0.02, benchmark={**bench, "denominator": "followers"}
    )
    assert reach_signals(follower_based) == []


def test_the_floor_points_are_part_of_the_deciding_signals_points():
    signals = [sig(n, 0.0) for n in SIGNAL_WEIGHTS if n != "audience_quality"]
    result = combine([*signals, sig("audience_quality", 1.0)])
    (decider,) = [s for s in result.signals if s.floor_part > 0]
    # mean part 0.30 / 1.15 = 0.26 → 26 points; the floor tops the risk up to 1.00 → 74 more.
    assert (decider.points, decider.floor_points) == (100, 74)
    assert all(s.floor_points == 0 for s in result.signals if s is not decider)
