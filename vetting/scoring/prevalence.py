"""The share of fakes in an audience, from calibrated per-follower probabilities (pure numpy).

Why not count the followers scored above a threshold and correct with the scorer's error rates
(adjusted counting)? Because those rates are exactly what changes from one population to the
next: on a hand-labelled real follower sample the scorer caught 47% of the fakes at its threshold
where the correction assumed 80.5%, so a true 10.1% came out as 5.9%. What moves least between
populations is how scores *rank* accounts; what moves most is the share of fakes itself.

So the estimate is the prior-adjusting EM of Saerens, Latinne & Decaestecker (2002, "Adjusting
the outputs of a classifier to new a priori probabilities"): given posteriors p_i calibrated
under a training prior π₀, iterate

    π ← mean_i  (π/π₀)·p_i / ((π/π₀)·p_i + ((1−π)/(1−π₀))·(1−p_i))

to the maximum-likelihood prevalence of this audience. It needs calibrated posteriors, not error
rates at a threshold, and it adapts to any share of fakes.

Its interval carries two uncertainties: the sample (a bootstrap over the audience's rows) and the
calibration itself (the same bootstrap under every reference calibration: one per labelled real
population the calibration was fitted on). The interval is the envelope of those bootstrap
intervals, so it is as wide as the populations we have seen disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EM_TOLERANCE = 1e-7
EM_MAX_ITERATIONS = 500
BOOTSTRAP_SAMPLES = 200
INTERVAL = (2.5, 97.5)  # percentiles: a 95% interval


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def adjust_to_prior(posteriors: np.ndarray, prior: float | np.ndarray, trained_prior: float) -> np.ndarray:
    """Posteriors calibrated under `trained_prior`, re-expressed under `prior` (Bayes' rule)."""
    prior = np.asarray(prior, dtype=float)
    if posteriors.ndim == 2 and prior.ndim == 1:
        prior = prior[:, None]
    a = (prior / trained_prior) * posteriors
    b = ((1.0 - prior) / (1.0 - trained_prior)) * (1.0 - posteriors)
    return a / (a + b)


def em_prevalence(posteriors: np.ndarray, trained_prior: float = 0.5) -> np.ndarray:
    """Maximum-likelihood share of positives of each row of `posteriors` (rows × accounts; a 1-D
    array is one audience). Converges monotonically (it is an EM); clipped away from 0 and 1 so
    that the ratios stay finite."""
    matrix = np.atleast_2d(np.asarray(posteriors, dtype=float))
    prevalence = np.clip(matrix.mean(axis=1), 1e-6, 1 - 1e-6)
    # Each step is `adjust_to_prior(matrix, prevalence, trained_prior)` computed term by term as
    # it does, with 1 − p taken once and the two terms written into buffers kept across steps:
    # a bootstrap is 200 rows × the sample, iterated up to EM_MAX_ITERATIONS times, and these
    # full-size passes and allocations were most of vetting an account that has a follower sample
    # (tests/vetting/test_prevalence.py checks the same numbers bit for bit).
    complement = 1.0 - matrix
    up, down = np.empty_like(matrix), np.empty_like(matrix)
    for _ in range(EM_MAX_ITERATIONS):
        np.multiply((prevalence / trained_prior)[:, None], matrix, out=up)
        np.multiply(((1.0 - prevalence) / (1.0 - trained_prior))[:, None], complement, out=down)
        np.add(up, down, out=down)
        np.divide(up, down, out=up)
        updated = np.clip(up.mean(axis=1), 1e-6, 1 - 1e-6)
        if np.abs(updated - prevalence).max() < EM_TOLERANCE:
            prevalence = updated
            break
        prevalence = updated
    return prevalence if np.ndim(posteriors) == 2 else prevalence[:1]


@dataclass(frozen=True)
class Platt:
    """A calibration of scorecard logits: P(fake | z) = σ(a + b·z) under the prior `prior`."""

    a: float
    b: float
    prior: float = 0.5


@dataclass(frozen=True)
class RowCalibration:
    """One calibration applied to an audience: its Platt parameters for each account (accounts
    that show different fields are calibrated differently) under one training prior."""

    a: np.ndarray
    b: np.ndarray
    prior: float = 0.5

    @classmethod
    def of(cls, platts: Sequence[Platt]) -> RowCalibration:
        priors = {p.prior for p in platts}
        if len(priors) > 1:
            raise ValueError("one calibration has one training prior")
        return cls(
            a=np.array([p.a for p in platts]), b=np.array([p.b for p in platts]), prior=priors.pop() if priors else 0.5
        )

    def posteriors(self, logits: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Posteriors of the accounts (or of `rows`, an index array of any shape)."""
        if rows is None:
            return sigmoid(self.a + self.b * logits)
        # sigmoid(a[rows] + b[rows]·logits[rows]) computed in place in one buffer: a bootstrap's
        # rows are 200 × the sample, and a temporary per operation cost more than the arithmetic
        # (tests/vetting/test_prevalence.py checks the same numbers bit for bit).
        out = np.multiply(self.b[rows], logits[rows])
        np.add(self.a[rows], out, out=out)
        np.clip(out, -40.0, 40.0, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)
        np.add(1.0, out, out=out)
        return np.divide(1.0, out, out=out)


@dataclass(frozen=True)
class PrevalenceEstimate:
    """An audience's estimated share of fakes with its 95% interval."""

    share: float
    low: float
    high: float
    n: int


def estimate_prevalence(
    logits: np.ndarray,
    *,
    centre: RowCalibration,
    references: Sequence[RowCalibration],
    bootstrap: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> PrevalenceEstimate:
    """The share of fakes among accounts with scorecard `logits`: EM under the `centre`
    calibration; the interval is the envelope of bootstrap intervals under every reference
    calibration (and the centre). Deterministic for a seed."""
    z = np.asarray(logits, dtype=float)
    n = len(z)
    if n == 0:
        raise ValueError("no accounts to estimate from")
    share = float(em_prevalence(centre.posteriors(z), centre.prior)[0])
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=(bootstrap, n))
    lows, highs = [share], [share]
    for calibration in (centre, *references):
        replicates = em_prevalence(calibration.posteriors(z, rows), calibration.prior)
        low, high = np.percentile(replicates, INTERVAL)
        lows.append(float(low))
        highs.append(float(high))
    return PrevalenceEstimate(share=share, low=min(lows), high=max(highs), n=n)
