"""`combine` in one pass over the signals (the decisive signal and the worst risk found by a loop,
the summary's signal-naming messages made once per names): the same result as the form it
replaced, kept here as the reference, to the stored JSON text, the figures it fills in on each
signal, and the types and key order of everything it returns, on random signals with ties,
signals without data, kinds of evidence missing, unknown signal names and numpy figures."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import numpy as np
import pytest

from core.stored_json import stored_json
from tests.core.same_values import assert_same
from vetting import messages as m
from vetting.scoring import risk as risk_mod
from vetting.scoring.risk import (
    BREADTH_KINDS,
    DECISIVE_MIN_CONFIDENCE,
    INSUFFICIENT,
    LEVELS,
    MIN_CONFIDENCE,
    MIN_KINDS,
    RULE,
    SIGNAL_EVIDENCE,
    SIGNAL_WEIGHTS,
    RiskResult,
    Signal,
    combination_text,
    level_of,
    missing_evidence,
)


def _reference_evidence(signals, available, level, confidence, missing) -> dict[str, Any]:
    kinds = sorted(
        {SIGNAL_EVIDENCE[s.name] for s in available if SIGNAL_EVIDENCE.get(s.name) in BREADTH_KINDS},
        key=BREADTH_KINDS.index,
    )
    breadth = confidence >= MIN_CONFIDENCE and len(kinds) >= MIN_KINDS
    carrier = None
    if level in ("medium", "high"):
        bound = next(b for b, name in LEVELS if name == level)
        carriers = [s for s in available if s.confidence >= DECISIVE_MIN_CONFIDENCE and s.decisive * s.rated >= bound]
        carrier = max(carriers, key=lambda s: (s.decisive * s.rated, s.confidence), default=None)
    met = level is not None and (breadth or carrier is not None)
    return {
        "met": met,
        "rule": "breadth" if met and breadth else "decisive" if met else None,
        "level_if_enough": level,
        "confidence": round(confidence, 4),
        "min_confidence": MIN_CONFIDENCE,
        "kinds": kinds,
        "min_kinds": MIN_KINDS,
        "decisive_signal": carrier.name if carrier is not None else None,
        "decisive_confidence": None if carrier is None else round(carrier.confidence, 4),
        "decisive_min_confidence": DECISIVE_MIN_CONFIDENCE,
        "missing": missing,
    }


def _reference(signals: list[Signal]) -> RiskResult:
    """`combine` as it was before the one-pass form (b894655..504a658)."""
    available = [s for s in signals if s.risk is not None]
    total_weight = sum(s.weight for s in signals)
    missing = missing_evidence(signals)
    if not available:
        evidence = _reference_evidence(signals, available, None, 0.0, missing)
        nothing = m.NO_SIGNAL_DATA()
        return RiskResult(
            None,
            INSUFFICIENT,
            0.0,
            signals,
            nothing,
            m.SUMMARY_NOTHING(),
            combination={"rule": RULE, "signals_with_data": 0, "text": nothing.as_dict()},
            evidence=evidence,
        )
    w = sum(s.weight for s in available)
    for s in available:
        s.mean_part = s.weight * s.rated / w
        s.floor_part = 0.0
    mean = sum(s.mean_part for s in available)
    decider = max(available, key=lambda s: s.decisive * s.rated)
    floor = decider.decisive * decider.rated
    worst = max(s.rated for s in available)
    if floor > mean:
        risk = min(floor, worst)
        decider.floor_part = risk - mean
        how = m.DECIDED_BY(signal=decider.name)
    else:
        risk, how = mean, m.WEIGHTED_MEAN()
    for s in available:
        s.contribution = s.mean_part + s.floor_part
    risk_mod._points(available, risk)
    confidence = sum(s.weight * s.confidence for s in available) / total_weight
    computed = level_of(risk)
    evidence = _reference_evidence(signals, available, computed, confidence, missing)
    level = computed if evidence["met"] else INSUFFICIENT
    combination: dict[str, Any] = {
        "rule": RULE,
        "signals_with_data": len(available),
        "weight_with_data": round(w, 4),
        "mean": round(mean, 4),
        "floor": round(floor, 4),
        "floor_signal": decider.name,
        "floor_label": decider.label,
        "floor_risk": round(decider.rated, 4),
        "floor_factor": decider.decisive,
        "used": "floor" if floor > mean else "mean",
        "risk": round(risk, 4),
    }
    combination["text"] = combination_text(combination).as_dict()
    top = sorted(available, key=lambda s: -s.contribution)[:2]
    missing_names = [s.name for s in signals if not s.available]
    if level == INSUFFICIENT:
        parts = [m.SUMMARY_INSUFFICIENT(level=computed, risk=risk, confidence=confidence)]
    else:
        parts = [m.SUMMARY_LEVEL(level=level, risk=risk)]
    if top and top[0].contribution > 0:
        parts.append(m.SUMMARY_MOSTLY(signals=[s.name for s in top if s.contribution > 0]))
    if missing_names:
        parts.append(m.SUMMARY_NO_DATA_FOR(signals=missing_names))
    return RiskResult(risk, level, confidence, signals, how, m.JOINED(items=parts), combination, evidence)


# Few distinct figures, so that decisive floors and risks tie between signals (max() keeps the
# first of equal ones) and whole levels are met exactly.
_RISKS = [None, None, 0.0, 0.1, 0.3, 0.3, 0.5, 0.6, 0.6, 0.8, 1.0]
_CONFIDENCES = [0.0, 0.3, 0.5, 0.5, 1.0]
_NAMES = [*SIGNAL_WEIGHTS, "not_a_known_signal"]


def _random_signals(rng: random.Random) -> list[Signal]:
    names = rng.sample(_NAMES, rng.randint(1, len(_NAMES)))
    signals = []
    for name in names:
        weight, decisive = SIGNAL_WEIGHTS.get(name, (rng.choice([0.05, 0.3]), rng.choice([0.5, 1.0, 1.2])))
        if rng.random() < 0.2:  # the same factor for several signals: ties between their floors
            decisive = 0.8
        risk = rng.choice(_RISKS)
        if risk is not None and rng.random() < 0.15:
            risk = np.float64(risk)
        signals.append(
            Signal(
                name=name,
                label=name.replace("_", " "),
                value=None,
                benchmark=None,
                risk=risk,
                weight=weight,
                decisive=decisive,
                confidence=rng.choice(_CONFIDENCES),
            )
        )
    return signals


def _same(ours: RiskResult, theirs: RiskResult) -> None:
    assert stored_json(ours.as_report()) == stored_json(theirs.as_report())
    assert stored_json(ours.as_dict()) == stored_json(theirs.as_dict())
    assert_same(ours.combination, theirs.combination)
    assert_same(ours.evidence, theirs.evidence)
    assert (ours.risk, ours.level, ours.confidence) == (theirs.risk, theirs.level, theirs.confidence)
    assert type(ours.risk) is type(theirs.risk) and type(ours.confidence) is type(theirs.confidence)
    assert ours.combined_by == theirs.combined_by and ours.summary == theirs.summary
    for a, b in zip(ours.signals, theirs.signals, strict=True):
        for f in dataclasses.fields(Signal):
            assert_same(getattr(a, f.name), getattr(b, f.name))


@pytest.mark.parametrize("seed", range(400))
def test_the_same_result_as_the_reference(seed):
    signals = _random_signals(random.Random(seed))
    copies = [dataclasses.replace(s) for s in signals]
    _same(risk_mod.combine(signals), _reference(copies))


def test_ties_between_decisive_floors_pick_the_first_signal():
    def signals() -> list[Signal]:
        return [
            Signal("growth_anomalies", "a", None, None, 0.6, 0.2, 1.0),
            Signal("engagement_rate", "b", None, None, 0.6, 0.15, 1.0),
            Signal("comment_authenticity", "c", None, None, 0.0, 0.15, 0.8),
        ]

    ours, theirs = risk_mod.combine(signals()), _reference(signals())
    assert ours.combination["floor_signal"] == "growth_anomalies"
    _same(ours, theirs)


def test_the_summary_messages_kept_per_names_are_not_the_callers_to_change():
    def signals() -> list[Signal]:
        return [
            Signal("engagement_rate", "b", None, None, 0.5, 0.15, 0.8, confidence=1.0),
            Signal("audience_quality", "a", None, None, None, 0.3, 1.0, confidence=0.0),
        ]

    first = risk_mod.combine(signals())
    first.summary.params["items"][1]["params"]["signals"].append("changed")
    first.summary.params["items"][2]["params"]["signals"].append("changed")
    _same(risk_mod.combine(signals()), _reference(signals()))
