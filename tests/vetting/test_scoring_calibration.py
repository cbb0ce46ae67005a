"""How the scorecard's weights are fitted (vetting/scoring/calibration.py): the terms only real
labelled data may set, and the synthetic stage that must leave them alone.

The labelled sets here are built by hand: they test the fitting code (which weights move, signs,
caps, set weighting), never the model's accuracy — that is bench/vetting_validity.py on real data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vetting.scoring import calibration
from vetting.scoring.follower_calibration import FollowerCalibration, load_default_calibration
from vetting.scoring.followers import FEATURE_INDEX, FEATURES, SCORECARD_PATH, load_scorecard

TERM = "following_over_twice_followers"


def labelled_set(n: int, term_when_fake: float, term_when_real: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Half fakes, half real; every feature noise except the real-data term, which is set per class."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(FEATURES)))
    y = np.arange(n) < n // 2
    X[:, FEATURE_INDEX[TERM]] = np.where(y, term_when_fake, term_when_real) + 0.05 * rng.random(n)
    return X, y


def test_real_data_terms_are_fitted_and_every_other_weight_is_kept():
    start = load_scorecard().weights
    sets = {"a": labelled_set(400, 1.2, 0.1, seed=1), "b": labelled_set(300, 0.9, 0.0, seed=2)}
    fitted = calibration.fit_real_weights(sets, start)
    j = FEATURE_INDEX[TERM]
    others = np.arange(len(FEATURES)) != j
    assert np.array_equal(fitted[others], start[others])
    assert fitted[j] > 0.5
    largest = max(X[:, j].max() for X, _ in sets.values())
    assert fitted[j] * largest <= calibration.MAX_FEATURE_LOGIT + 1e-9  # no term adds more than the cap


def test_a_real_data_term_never_takes_the_sign_the_literature_rules_out():
    fitted = calibration.fit_real_weights(
        {"a": labelled_set(400, 0.0, 1.0, seed=3), "b": labelled_set(400, 0.1, 0.8, seed=4)}, load_scorecard().weights
    )
    assert fitted[FEATURE_INDEX[TERM]] == 0.0


def test_each_labelled_set_weighs_the_same_whatever_its_size():
    start = load_scorecard().weights
    j = FEATURE_INDEX[TERM]

    def only_the_term(when_fake: list[float], when_real: list[float]) -> tuple[np.ndarray, np.ndarray]:
        X = np.zeros((len(when_fake) + len(when_real), len(FEATURES)))
        X[:, j] = when_fake + when_real
        return X, np.array([True] * len(when_fake) + [False] * len(when_real))

    agrees = only_the_term([1.0, 1.2, 0.8, 1.1], [0.0, 0.1, 0.0, 0.2])
    contrary = only_the_term([0.3, 0.2, 0.4, 0.3], [0.5, 0.6, 0.4, 0.5])
    repeated = (np.tile(contrary[0], (20, 1)), np.tile(contrary[1], 20))
    once = calibration.fit_real_weights({"a": agrees, "b": contrary}, start)[j]
    twenty_times = calibration.fit_real_weights({"a": agrees, "b": repeated}, start)[j]
    assert once > 0.5
    assert twenty_times == pytest.approx(once, rel=1e-6)


def test_the_synthetic_stage_keeps_the_real_data_terms_in_the_file(tmp_path):
    stored = json.loads(SCORECARD_PATH.read_text(encoding="utf-8"))
    stored["weights"][TERM] = 0.77
    stored["real_data_fit"] = {"sets": {"x": {"rows": 1}}}
    path = tmp_path / "scorecard.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    data = calibration.fit(write=False, path=path)
    assert data["weights"][TERM] == 0.77
    assert data["real_data_fit"] == {"sets": {"x": {"rows": 1}}}
    committed = load_scorecard().meta["weights"]
    assert all(data["weights"][name] == committed[name] for name in committed if name != TERM)


def test_the_committed_scorecard_says_which_real_sets_set_its_real_data_terms():
    card = load_scorecard()
    fit = card.meta["real_data_fit"]
    assert set(fit["features"]) == set(calibration.REAL_DATA_FEATURES)
    assert set(fit["sets"]) == {r.name for r in load_default_calibration().references}
    assert card.weights[FEATURE_INDEX[TERM]] == pytest.approx(fit["weights"][TERM]) and fit["weights"][TERM] > 0


def test_a_calibration_stored_before_a_term_existed_reads_its_weight_as_zero():
    stored = FollowerCalibration(
        name="old", scorecard=load_scorecard(), references=load_default_calibration().references
    ).as_dict()
    del stored["scorecard"]["weights"][TERM]
    del stored["scorecard"]["importance"][TERM]
    again = FollowerCalibration.from_dict(stored)
    assert again.scorecard.weights[FEATURE_INDEX[TERM]] == 0.0
