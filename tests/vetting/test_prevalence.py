"""The share of fakes from calibrated probabilities: the prior-adjusting EM and its interval.

The audiences here are drawn from a model whose exact posteriors are known (two classes with
normal logits N(±μ, 1): the log-likelihood ratio of z is 2μz), so every expected value comes
from the simulation, not from the code under test."""

from __future__ import annotations

import numpy as np
import pytest

from vetting.scoring.prevalence import (
    RowCalibration,
    adjust_to_prior,
    em_prevalence,
    estimate_prevalence,
    sigmoid,
)

MU = 1.5


def audience(n: int, share: float, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Logits of an audience with about `share` fakes, and its true share."""
    fake = rng.random(n) < share
    z = rng.normal(np.where(fake, MU, -MU), 1.0)
    return z, float(fake.mean())


def exact(n: int) -> RowCalibration:
    """The exact balanced-prior posterior of the model: σ(2μz)."""
    return RowCalibration(a=np.zeros(n), b=np.full(n, 2 * MU), prior=0.5)


@pytest.mark.parametrize("share", [0.03, 0.1, 0.3, 0.6])
def test_em_recovers_the_share_of_a_large_audience_whatever_the_share(share):
    rng = np.random.default_rng(1)
    z, truth = audience(20_000, share, rng)
    estimate = em_prevalence(exact(len(z)).posteriors(z), 0.5)[0]
    assert estimate == pytest.approx(truth, abs=0.01)


def test_the_mean_posterior_alone_is_biased_towards_the_training_prior():
    # Why the EM: averaging posteriors fitted under a 50% prior overstates a 5% share.
    rng = np.random.default_rng(2)
    z, truth = audience(20_000, 0.05, rng)
    posteriors = exact(len(z)).posteriors(z)
    assert posteriors.mean() > truth + 0.05
    assert abs(em_prevalence(posteriors, 0.5)[0] - truth) < 0.01


def test_adjusting_to_the_trained_prior_changes_nothing_and_higher_priors_raise_every_posterior():
    p = np.array([0.01, 0.3, 0.5, 0.9])
    assert adjust_to_prior(p, 0.5, 0.5) == pytest.approx(p)
    raised = adjust_to_prior(p, 0.8, 0.5)
    assert (raised > p).all()
    assert adjust_to_prior(raised, 0.5, 0.8) == pytest.approx(p)


def test_the_95_percent_interval_covers_the_truth_in_most_200_follower_audiences():
    rng = np.random.default_rng(3)
    covered = []
    for _ in range(120):
        z, truth = audience(200, 0.1, rng)
        estimate = estimate_prevalence(z, centre=exact(len(z)), references=[], bootstrap=150, seed=4)
        assert estimate.low <= estimate.share <= estimate.high
        covered.append(estimate.low <= truth <= estimate.high)
    assert np.mean(covered) >= 0.9


def test_disagreeing_references_widen_the_interval_around_the_same_point():
    rng = np.random.default_rng(5)
    z, _ = audience(300, 0.2, rng)
    centre = exact(len(z))
    alone = estimate_prevalence(z, centre=centre, references=[], seed=1)
    harsher = RowCalibration(a=np.full(len(z), 1.0), b=centre.b, prior=0.5)
    milder = RowCalibration(a=np.full(len(z), -1.0), b=centre.b, prior=0.5)
    both = estimate_prevalence(z, centre=centre, references=[harsher, milder], seed=1)
    assert both.share == alone.share
    assert both.low < alone.low and both.high > alone.high


def test_rows_are_calibrated_each_with_its_own_parameters():
    calibration = RowCalibration(a=np.array([0.0, 2.0]), b=np.array([1.0, 1.0]), prior=0.5)
    assert calibration.posteriors(np.array([0.0, 0.0])) == pytest.approx(sigmoid(np.array([0.0, 2.0])))


def test_an_empty_audience_is_refused():
    with pytest.raises(ValueError):
        estimate_prevalence(np.array([]), centre=exact(0), references=[])


def _textbook_em(posteriors: np.ndarray, trained_prior: float) -> np.ndarray:
    """The EM as first written: `adjust_to_prior` of the whole matrix at every step."""
    from vetting.scoring.prevalence import EM_MAX_ITERATIONS, EM_TOLERANCE

    matrix = np.atleast_2d(posteriors)
    prevalence = np.clip(matrix.mean(axis=1), 1e-6, 1 - 1e-6)
    for _ in range(EM_MAX_ITERATIONS):
        updated = np.clip(adjust_to_prior(matrix, prevalence, trained_prior).mean(axis=1), 1e-6, 1 - 1e-6)
        if np.abs(updated - prevalence).max() < EM_TOLERANCE:
            return updated
        prevalence = updated
    return prevalence


@pytest.mark.parametrize(
    ("n", "share", "trained_prior"), [(40, 0.0, 0.5), (100, 0.1, 0.5), (300, 0.5, 0.3), (1000, 0.9, 0.7)]
)
def test_em_gives_the_textbook_iterations_numbers_bit_for_bit(n, share, trained_prior):
    # The stored reports must not change with the faster loop: same floats, not merely close ones,
    # on bootstraps like the interval's (some rows run to the iteration limit, n=40 and 100).
    rng = np.random.default_rng(n)
    z, _ = audience(n, share, rng)
    posteriors = exact(n).posteriors(z, rng.integers(0, n, size=(200, n)))
    assert np.array_equal(em_prevalence(posteriors, trained_prior), _textbook_em(posteriors, trained_prior))
    assert np.array_equal(em_prevalence(posteriors[0], trained_prior), _textbook_em(posteriors[0], trained_prior)[:1])


def test_bootstrap_posteriors_are_the_sigmoid_of_the_calibrated_logits_bit_for_bit():
    rng = np.random.default_rng(3)
    n = 250
    z = rng.normal(0.0, 3.0, n) * np.where(rng.random(n) < 0.05, 20.0, 1.0)  # some beyond the ±40 clip
    calibration = RowCalibration(a=rng.normal(0.0, 1.0, n), b=rng.normal(1.0, 0.3, n), prior=0.4)
    rows = rng.integers(0, n, size=(200, n))
    expected = sigmoid(calibration.a[rows] + calibration.b[rows] * z[rows])
    assert np.array_equal(calibration.posteriors(z, rows), expected)
