"""Audience quality: the estimated share of fake accounts among an account's followers, from a
follower sample, with its interval and the calibration that produced it (pure numpy).

Each sampled follower is scored by the scorecard (`followers`), its logit calibrated for the
fields it shows (`follower_calibration`), and the share of fakes estimated by the prior-adjusting
EM with an interval that carries the calibration's own uncertainty (`prevalence`). Followers
whose profile shows too little to judge (confidence < MIN_CONFIDENCE_FOR_SHARE) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vetting.scoring.follower_calibration import FollowerCalibration, load_default_calibration, row_masks
from vetting.scoring.followers import (
    MIN_CONFIDENCE_FOR_SHARE,
    BatchScores,
    FollowerBatch,
    FollowerProfile,
    audience_types,
    reasons_for,
    score_batch,
)
from vetting.scoring.prevalence import adjust_to_prior, estimate_prevalence

METHOD = (
    "prior-adjusting EM (Saerens et al. 2002) over calibrated per-follower probabilities; 95% interval: "
    "envelope of bootstrap intervals under each reference calibration"
)
TYPES = ("real", "suspicious", "mass_follower", "influencer", "unknown")


@dataclass
class AudienceQuality:
    """Estimated fake share of an account's followers, from a follower sample."""

    fake_share: float | None
    interval: tuple[float, float] | None
    n: int  # followers the estimate rests on
    n_sampled: int
    flagged: int  # followers more likely fake than not
    mean_confidence: float
    audience_types: dict[str, float]
    calibration: str
    method: str = METHOD

    def summary_line(self) -> str:
        """`estimated fake share: NN.N% (95% interval LL.L–UU.U%, n=N)`."""
        if self.fake_share is None or self.interval is None:
            return f"estimated fake share: n/a (no scorable rows, n={self.n})"
        lo, hi = self.interval
        return (
            f"estimated fake share: {self.fake_share * 100:.1f}% "
            f"(95% interval {lo * 100:.1f}–{hi * 100:.1f}%, n={self.n})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "fake_share": self.fake_share,
            "interval": list(self.interval) if self.interval else None,
            "n": self.n,
            "n_sampled": self.n_sampled,
            "flagged": self.flagged,
            "mean_confidence": self.mean_confidence,
            "audience_types": self.audience_types,
            "calibration": self.calibration,
            "method": self.method,
        }


@dataclass
class ScoredAudience:
    """Per-follower results and the audience quality they add up to."""

    scores: BatchScores
    probability: np.ndarray  # calibrated, at the audience's estimated share of fakes
    types: list[str]
    quality: AudienceQuality


def score_audience(batch: FollowerBatch, calibration: FollowerCalibration | None = None) -> ScoredAudience:
    """Score every follower and estimate the audience's share of fakes."""
    calibration = calibration or load_default_calibration()
    scores = score_batch(batch, calibration.scorecard)
    n_sampled = len(batch)
    centre, references = calibration.row_calibrations(row_masks(batch))
    posteriors = centre.posteriors(scores.logit)  # under a balanced prior
    use = scores.confidence >= MIN_CONFIDENCE_FOR_SHARE
    n = int(use.sum())
    if n == 0:
        probability = posteriors
        share = interval = None
    else:
        estimate = estimate_prevalence(
            scores.logit[use],
            centre=_rows(centre, use),
            references=[_rows(r, use) for r in references],
        )
        share, interval = estimate.share, (estimate.low, estimate.high)
        probability = adjust_to_prior(posteriors, share, centre.prior)
    types = audience_types(batch, scores, probability)
    type_share = {t: 0.0 for t in TYPES}
    for t in types:
        type_share[t] += 1.0 / n_sampled
    quality = AudienceQuality(
        fake_share=share,
        interval=interval,
        n=n,
        n_sampled=n_sampled,
        flagged=int((probability[use] >= 0.5).sum()),
        mean_confidence=float(scores.confidence[use].mean()) if n else 0.0,
        audience_types=type_share,
        calibration=calibration.name,
    )
    return ScoredAudience(scores=scores, probability=probability, types=types, quality=quality)


def _rows(calibration: Any, use: np.ndarray) -> Any:
    return type(calibration)(a=calibration.a[use], b=calibration.b[use], prior=calibration.prior)


def audience_quality(batch: FollowerBatch, calibration: FollowerCalibration | None = None) -> AudienceQuality:
    """The audience quality of a follower sample (see `score_audience`)."""
    return score_audience(batch, calibration).quality


def score_profiles(
    profiles: Sequence[FollowerProfile], calibration: FollowerCalibration | None = None
) -> tuple[list[dict[str, Any]], AudienceQuality]:
    """Per-profile {fake_probability, confidence, reasons, type} and the audience quality."""
    batch = FollowerBatch.from_profiles(profiles)
    scored = score_audience(batch, calibration)
    rows = [
        {
            "fake_probability": float(scored.probability[i]),
            "confidence": float(scored.scores.confidence[i]),
            "reasons": reasons_for(batch, scored.scores, i),
            "type": scored.types[i],
        }
        for i in range(len(batch))
    ]
    return rows, scored.quality
