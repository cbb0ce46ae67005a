"""Audience fit against a brand target (pure)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.words import en
from vetting.scoring.audience_fit import audience_fit, audience_fit_vectorised, fit_targets, overlap

TODAY = dt.date(2026, 6, 1)
TARGET = {
    "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
    "gender": {"weight": 1.0, "values": {"female": 0.6, "male": 0.4}},
    "countries": {"weight": 0.5, "values": {"CN": 0.7, "TW": 0.3}},
}


def audience_from_target(target: dict) -> dict:
    return {dim: dict(spec["values"]) for dim, spec in target.items()}


def test_perfect_match_is_one():
    fit = audience_fit(TARGET, audience_from_target(TARGET), as_of=TODAY, today=TODAY)
    assert fit.fit == pytest.approx(1.0)
    assert fit.confidence == pytest.approx(1.0)


def test_fit_falls_as_the_distributions_move_apart():
    values = []
    for shift in (0.0, 0.1, 0.3, 0.5):
        audience = audience_from_target(TARGET)
        audience["gender"] = {"female": 0.6 - shift, "male": 0.4 + shift}
        audience["countries"] = {"CN": 0.7 - shift, "TW": 0.3, "US": shift}
        values.append(audience_fit(TARGET, audience, as_of=TODAY, today=TODAY).fit)
    assert values == sorted(values, reverse=True) and len(set(values)) == 4
    disjoint = {"age": {"55-64": 1.0}, "gender": {"other": 1.0}, "countries": {"BR": 1.0}}
    assert audience_fit(TARGET, disjoint, as_of=TODAY, today=TODAY).fit == 0.0


def test_sentences_say_it_in_numbers():
    audience = {
        "age": {"18-24": 0.3, "25-34": 0.32, "35-44": 0.38},
        "gender": {"female": 0.58, "male": 0.42},
        "countries": {"CN": 0.5, "TW": 0.2, "US": 0.3},
    }
    fit = audience_fit(TARGET, audience, as_of=TODAY, today=TODAY)
    sentences = {d.dimension: en(d.sentence) for d in fit.dimensions}
    assert sentences["gender"] == "58% of the audience is women (target 60%)"
    assert sentences["age"] == "62% of the audience is aged 18–34 (target 100%)"
    assert sentences["countries"] == "50% of the audience is in CN (target 70%)"
    assert en(fit.summary).startswith("≈18% of the audience is aged 18–34, women, in CN, target 42%")  # .62·.58·.5


def test_old_or_missing_audience_data_lowers_confidence():
    audience = audience_from_target(TARGET)
    fresh = audience_fit(TARGET, audience, as_of=TODAY, today=TODAY)
    old = audience_fit(TARGET, audience, as_of=TODAY - dt.timedelta(days=360), today=TODAY)
    partial = audience_fit(TARGET, {"age": audience["age"]}, as_of=TODAY, today=TODAY)
    none = audience_fit(TARGET, None)
    assert fresh.confidence > old.confidence == pytest.approx(0.25)
    assert partial.confidence == pytest.approx(1.0 / 2.5)
    assert "no data for gender, countries" in en(partial.summary)
    assert none.fit is None and none.confidence == 0.0
    assert "days old" in en(old.summary)


def test_overlap_is_one_minus_total_variation():
    a, b = {"x": 0.2, "y": 0.8}, {"x": 0.5, "y": 0.5}
    assert overlap(a, b) == pytest.approx(1 - 0.5 * (0.3 + 0.3))


def test_vectorised_fit_matches_the_scalar_one():
    rng = np.random.default_rng(0)
    keys = {"age": ["18-24", "25-34", "35-44"], "gender": ["female", "male", "other"], "countries": ["CN", "TW", "US"]}
    matrices = {dim: (k, rng.dirichlet(np.ones(3), 6)) for dim, k in keys.items()}
    matrices["countries"][1][2] = np.nan  # account 2: no country data
    ages = np.array([0, 30, 90, 200, 400, np.nan])
    fit, conf = audience_fit_vectorised(TARGET, matrices, ages)
    for i in range(6):
        audience = {
            dim: dict(zip(k, matrices[dim][1][i])) for dim, k in keys.items() if not np.isnan(matrices[dim][1][i]).all()
        }
        as_of = None if np.isnan(ages[i]) else TODAY - dt.timedelta(days=int(ages[i]))
        scalar = audience_fit(TARGET, audience, as_of=as_of, today=TODAY)
        assert fit[i] == pytest.approx(scalar.fit, abs=1e-4)
        assert conf[i] == pytest.approx(scalar.confidence, abs=1e-4)


def test_prepared_targets_give_the_same_fit_as_the_raw_target():
    # A ranking page prepares the brand's targets once (fit_targets) for its 50 rows.
    audience = {"age": {"18-24": 0.3, "35-44": 0.7}, "gender": {"female": 0.58, "male": 0.42}}
    targets = fit_targets(TARGET)
    assert [t.dimension for t in targets] == ["age", "gender", "countries"]
    assert targets[0].focus == ["18-24", "25-34"] and targets[0].target_share == pytest.approx(1.0)
    for as_of in (TODAY, TODAY - dt.timedelta(days=400), None):
        raw = audience_fit(TARGET, audience, as_of=as_of, today=TODAY)
        prepared = audience_fit(None, audience, as_of=as_of, today=TODAY, targets=targets)
        assert prepared == raw
    assert audience_fit(None, audience, today=TODAY, targets=[]).summary == audience_fit({}, audience).summary
