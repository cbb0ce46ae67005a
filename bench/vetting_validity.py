"""How well the fake-follower scorer does on labelled accounts: ranking and audience shares.

usage:
  python bench/vetting_validity.py LABELLED.csv [LABELLED.csv ...]          the catalogue's calibration
  python bench/vetting_validity.py LABELLED.csv --calibrate-on OTHER.csv    calibrate on another file first
  python bench/vetting_validity.py A.csv B.csv C.csv --leave-one-out        the real-data scorecard terms
                                                                             and a default-style calibration
                                                                             fitted on all files but one,
                                                                             tested on it
  python bench/vetting_validity.py                                          the synthetic generator (says so)

A labelled CSV has the `score_followers` input columns plus `is_fake` (true/false). For each file
it prints ROC AUC, average precision, TPR at FPR ≤ 5%, and, on audiences of 200 followers drawn
from the file (at the file's own share of fakes and at 10%), the mean absolute error of the
estimated fake share, how often its 95% interval covers the truth, and the interval's mean width.
Numbers, not assertions: docs/scoring.md quotes them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
django.setup()

import numpy as np  # noqa: E402

from vetting.scoring import synthetic  # noqa: E402
from vetting.scoring.audience_quality import audience_quality  # noqa: E402
from vetting.scoring.calibration import REAL_DATA_FEATURES, labelled_features, with_real_weights  # noqa: E402
from vetting.scoring.follower_calibration import (  # noqa: E402
    FollowerCalibration,
    fields_mask,
    fit_follower_calibration,
    load_default_calibration,
    ranking_metrics,
    reference_from_labelled,
    restricted_logits,
)
from vetting.scoring.follower_io import read_labelled_follower_csv  # noqa: E402
from vetting.scoring.followers import (  # noqa: E402
    FEATURE_INDEX,
    FIELDS,
    FollowerBatch,
    Scorecard,
    batch_from_synthetic,
    feature_matrix,
    score_batch,
)

AUDIENCE = 200


def subset(batch: FollowerBatch, rows: np.ndarray) -> FollowerBatch:
    values = {}
    for name in FIELDS:
        column = getattr(batch, name)
        values[name] = column[rows] if isinstance(column, np.ndarray) else [column[i] for i in rows]
    return FollowerBatch(**values)


def audiences(
    batch: FollowerBatch,
    y: np.ndarray,
    calibration: FollowerCalibration,
    *,
    prevalence: float | None,
    reps: int,
    seed: int,
) -> tuple[float, float, float]:
    """(mean absolute error, interval coverage, mean interval width) over `reps` audiences."""
    rng = np.random.default_rng(seed)
    fakes, genuine = np.flatnonzero(y), np.flatnonzero(~y)
    errors, covered, widths = [], [], []
    for _ in range(reps):
        if prevalence is None:
            rows = rng.choice(len(y), AUDIENCE, replace=True)
        else:
            k = rng.binomial(AUDIENCE, prevalence)
            rows = np.concatenate([rng.choice(fakes, k, replace=True), rng.choice(genuine, AUDIENCE - k, replace=True)])
        truth = float(y[rows].mean())
        quality = audience_quality(subset(batch, rows), calibration)
        if quality.fake_share is None or quality.interval is None:
            continue
        low, high = quality.interval
        errors.append(abs(quality.fake_share - truth))
        covered.append(low <= truth <= high)
        widths.append(high - low)
    return float(np.mean(errors)), float(np.mean(covered)), float(np.mean(widths))


def default_style(files: dict[str, tuple[FollowerBatch, np.ndarray]], card: Scorecard) -> FollowerCalibration:
    """A calibration of `card` built like the committed default (one reference per file)."""
    references = []
    for name, (batch, y) in files.items():
        X, K = feature_matrix(batch)
        known = fields_mask(n for n, share in zip(FIELDS, batch.field_available().mean(axis=0)) if share >= 0.5)
        references.append(
            reference_from_labelled(
                name, lambda mask, X=X, K=K: restricted_logits(card.intercept, card.weights, X, K, mask), y, known
            )
        )
    return FollowerCalibration(name="+".join(files), scorecard=card, references=tuple(references))


def report(name: str, batch: FollowerBatch, y: np.ndarray, calibration: FollowerCalibration, reps: int) -> None:
    scores = score_batch(batch, calibration.scorecard)
    metrics = ranking_metrics(scores.logit, y)
    print(
        f"{name}: {len(y)} accounts, {y.mean():.1%} fake; calibration {calibration.name!r}\n"
        f"  ranking: ROC AUC {metrics['roc_auc']:.3f}, average precision {metrics['average_precision']:.3f}, "
        f"TPR {metrics['tpr_at_fpr_5pct']:.3f} at FPR {metrics['fpr_at_that_threshold']:.3f}"
    )
    for label, prevalence in (("own share", None), ("10% fake", 0.10)):
        started = time.perf_counter()
        mae, coverage, width = audiences(batch, y, calibration, prevalence=prevalence, reps=reps, seed=7)
        print(
            f"  {AUDIENCE}-follower audiences at {label}: share error (MAE) {mae:.3f}, 95% interval covers the truth "
            f"in {coverage:.0%} (mean width {width:.3f}; {reps} audiences, {time.perf_counter() - started:.1f}s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled", nargs="*", help="labelled CSV files")
    parser.add_argument(
        "--calibrate-on", help="fit a calibration on this labelled file first (calibrate_follower_scorer)"
    )
    parser.add_argument(
        "--leave-one-out", action="store_true", help="fit weights and calibration on the other files, test on each"
    )
    parser.add_argument(
        "--committed-weights",
        action="store_true",
        help="with --leave-one-out: keep the committed scorecard weights (calibration only)",
    )
    parser.add_argument("--reps", type=int, default=200, help="audiences per measurement (default 200)")
    args = parser.parse_args()
    if not args.labelled:
        print(
            "no labelled file given: using the SYNTHETIC generator (vetting/scoring/synthetic.py); its numbers test the"
        )
        print("code, not the model: the scorer's weights were fitted on this generator.")
        data = synthetic.generate(4000, fake_share=0.3, seed=99)
        report(
            "synthetic",
            batch_from_synthetic(data),
            np.asarray(data.is_fake, dtype=bool),
            load_default_calibration(),
            args.reps,
        )
        return 0
    files = {Path(p).stem: read_labelled_follower_csv(p) for p in args.labelled}
    if args.leave_one_out:
        committed = load_default_calibration().scorecard
        for name, (batch, y) in files.items():
            others = {k: v for k, v in files.items() if k != name}
            card = committed
            if not args.committed_weights:
                card = with_real_weights(
                    committed, {k: labelled_features(b, labels) for k, (b, labels) in others.items()}
                )
                fitted = ", ".join(f"{f}={card.weights[FEATURE_INDEX[f]]:.3f}" for f in REAL_DATA_FEATURES)
                print(f"{name} held out; real-data terms fitted on {', '.join(others)}: {fitted}")
            report(name, batch, y, default_style(others, card), args.reps)
        return 0
    calibration = load_default_calibration()
    if args.calibrate_on:
        batch, y = read_labelled_follower_csv(args.calibrate_on)
        calibration = fit_follower_calibration(batch, y, name=Path(args.calibrate_on).stem, source=args.calibrate_on)
        print(f"calibrated on {args.calibrate_on}: cross-validated {calibration.metrics}")
    for name, (batch, y) in files.items():
        report(name, batch, y, calibration, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
