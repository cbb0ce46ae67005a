"""Fit and evaluate the follower scorecard: on the synthetic labelled set, then the terms that
only real data can set, on real labelled sets.

Stage 1, `python -m vetting.scoring.calibration`, refits and rewrites
`data/follower_scorecard.json` (deterministic: fixed seeds). The fit is a logistic regression
(Newton/IRLS with a small L2 penalty, numpy only) on the synthetic profiles of `synthetic.py`,
with each field hidden at random in augmented copies so that every weight still makes sense
when some fields are missing; weights whose sign contradicts the literature are held at 0.
The intercept is then moved from the balanced training prior to the documented base rate.

Stage 2, `fit_real_weights` (run by `scripts/fit_default_follower_calibration.py
--refit-weights`), fits the weights of REAL_DATA_FEATURES on public human-labelled sets of real
accounts, every other weight held at its stage-1 value. Those terms are held at 0 in stage 1 (the
generator does not say how real fakes and real users differ there) and stage 1 keeps the
stage-2 values already in the file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from vetting.scoring import synthetic
from vetting.scoring.followers import (
    FEATURE_NAMES,
    FEATURES,
    FIELDS,
    SCORECARD_PATH,
    FollowerBatch,
    Scorecard,
    batch_from_synthetic,
    feature_matrix,
)

TRAIN_SEED = 7
CALIBRATION_SEED = 20240601
TRAIN_N = 30_000
CALIBRATION_N = 20_000
BASE_RATE = 0.15  # prior fake share the probabilities refer to (SRF: 10% of newest followers, ~30% overall)
HIDE_PROBABILITY = 0.25  # chance each field is hidden in an augmented copy
AUGMENTED_COPIES = 4
L2 = 1.0
MAX_FEATURE_LOGIT = 4.0  # largest log-odds change one feature may cause
# Tighter caps for features with weak external evidence whose strength would otherwise come from
# the generator alone: a "random-looking" handle is a trade rule, and usernames rebuilt from
# aggregate columns (e.g. only a digit ratio) can look random for real and fake rows alike.
FEATURE_LOGIT_CAPS = {"username_random": 1.0, "name_username_mismatch": 1.0}
MAX_FPR_AT_THRESHOLD = 0.03  # decision threshold: the largest TPR with FPR at most this on the synthetic set
# Terms whose weight comes from real labelled accounts (stage 2): on three public sets, fakes
# follow more than twice as many accounts as follow them far more often than real users do, a
# step the synthetic generator's smooth ratios do not carry (docs/scoring.md, leave-one-set-out).
REAL_DATA_FEATURES = ("following_over_twice_followers",)
# Stage-2 ridge towards the stage-1 weight, in units where each labelled set weighs 1,000
# (balanced classes): small, because each real term has thousands of accounts behind it.
REAL_RIDGE = 10.0
REAL_SET_WEIGHT = 1000.0

# Field sets the scorer is evaluated with, besides "all fields".
PROFILES = {
    "counts, picture, private, username (SRF-like)": (
        "username",
        "followers_count",
        "following_count",
        "media_count",
        "has_profile_pic",
        "is_private",
    ),
    "counts, picture, private, bio, username (InstaFake-like)": (
        "username",
        "followers_count",
        "following_count",
        "media_count",
        "has_profile_pic",
        "is_private",
        "biography",
    ),
    "counts only": ("followers_count", "following_count", "media_count"),
}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    labels = labels.astype(bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def tpr_at_fpr(scores: np.ndarray, labels: np.ndarray, max_fpr: float) -> tuple[float, float]:
    """(best TPR, its threshold) among thresholds whose FPR is at most `max_fpr`."""
    labels = labels.astype(bool)
    neg = np.sort(scores[~labels])[::-1]
    k = int(math.floor(max_fpr * len(neg)))
    # threshold strictly above the (k+1)-th highest negative keeps at most k negatives above it
    threshold = np.nextafter(neg[k], np.inf) if k < len(neg) else -np.inf
    return float((scores[labels] >= threshold).mean()), float(threshold)


def _mask_fields(K: np.ndarray, fields_kept: np.ndarray) -> np.ndarray:
    """Known-matrix restricted to features whose inputs are all in the kept fields (per row)."""
    field_pos = {name: i for i, name in enumerate(FIELDS)}
    out = K.copy()
    for j, feat in enumerate(FEATURES):
        need = np.ones(len(K), dtype=bool)
        for r in feat.requires:
            need &= fields_kept[:, field_pos[r]]
        out[:, j] &= need
    return out


def fit_logistic(
    X: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray, *, l2: float = L2, iters: int = 60
) -> tuple[float, np.ndarray]:
    """Box-constrained L2 logistic regression (numpy only): Newton steps on the free weights;
    a weight that leaves its box is fixed at the bound it crossed (an active-set method)."""
    n, d = X.shape
    A = np.hstack([np.ones((n, 1)), X])
    beta = np.zeros(d + 1)
    free = np.ones(d + 1, dtype=bool)
    lo = np.concatenate([[-np.inf], lower])
    hi = np.concatenate([[np.inf], upper])
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    for _ in range(iters):
        z = A @ beta
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        grad = A.T @ (p - y) + penalty * beta
        w = p * (1 - p)
        H = (A * w[:, None]).T @ A + np.diag(penalty + 1e-9)
        idx = np.flatnonzero(free)
        step = np.zeros(d + 1)
        step[idx] = np.linalg.solve(H[np.ix_(idx, idx)], grad[idx])
        beta_new = beta - step
        out = free & ((beta_new < lo) | (beta_new > hi))
        if out.any():
            beta_new = np.clip(beta_new, lo, hi)
            free &= ~out
        if np.max(np.abs(beta_new - beta)) < 1e-7:
            beta = beta_new
            break
        beta = beta_new
    return float(beta[0]), beta[1:]


def _logits(intercept: float, weights: np.ndarray, X: np.ndarray, K: np.ndarray) -> np.ndarray:
    return intercept + (np.where(K, X, 0.0) * weights).sum(axis=1)


def _training_matrix() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, known-matrix and labels of the synthetic training set (seeded)."""
    train = synthetic.generate(TRAIN_N, fake_share=0.5, seed=TRAIN_SEED)
    X, K = feature_matrix(batch_from_synthetic(train))
    return X, K, train.is_fake.astype(float)


def _importance(weights: np.ndarray, X: np.ndarray, K: np.ndarray) -> np.ndarray:
    return np.abs(weights) * np.where(K, X, 0.0).std(axis=0)


def _bounds(span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signs from the literature; no single feature may add more than its cap to the log-odds
    (over `span`, the largest value it takes), so one artefact of a data set cannot dominate."""
    signs = np.array([f.sign for f in FEATURES], dtype=float)
    caps = np.array([FEATURE_LOGIT_CAPS.get(f.name, MAX_FEATURE_LOGIT) for f in FEATURES])
    span = np.maximum(span, 1e-9)
    return np.where(signs > 0, 0.0, -caps / span), np.where(signs > 0, caps / span, 0.0)


def synthetic_checks(intercept: float, weights: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The decision threshold and the metrics of a scorecard on the synthetic calibration set, per
    field profile, and on the stress set (fakes that look more human than the sources say)."""
    cal = synthetic.generate(CALIBRATION_N, fake_share=0.5, seed=CALIBRATION_SEED)
    Xc, Kc = feature_matrix(batch_from_synthetic(cal))
    yc = cal.is_fake
    s_all = _logits(intercept, weights, Xc, Kc)
    _, t_logit = tpr_at_fpr(s_all, yc, MAX_FPR_AT_THRESHOLD)
    threshold = 1.0 / (1.0 + math.exp(-t_logit))
    flagged = s_all >= t_logit

    def evaluate(Kx: np.ndarray) -> dict[str, float]:
        s = _logits(intercept, weights, Xc, Kx)
        f = s >= tpr_at_fpr(s, yc, MAX_FPR_AT_THRESHOLD)[1]  # the profile's own threshold
        return {
            "roc_auc": round(roc_auc(s, yc), 4),
            "tpr_at_5pct_fpr": round(tpr_at_fpr(s, yc, 0.05)[0], 4),
            "tpr_at_threshold": round(float(f[yc].mean()), 4),
            "fpr_at_threshold": round(float(f[~yc].mean()), 4),
        }

    by_profile = {"all fields": evaluate(Kc)}
    for label, kept_fields in PROFILES.items():
        kept = np.tile(np.array([name in kept_fields for name in FIELDS]), (len(yc), 1))
        by_profile[label] = evaluate(_mask_fields(Kc, kept))

    stress = synthetic.generate(
        CALIBRATION_N, fake_share=0.5, seed=CALIBRATION_SEED + 1, populations=synthetic.harder()
    )
    Xh, Kh = feature_matrix(batch_from_synthetic(stress))
    sh = _logits(intercept, weights, Xh, Kh)
    fh = sh >= t_logit
    stress_metrics = {
        "roc_auc": round(roc_auc(sh, stress.is_fake), 4),
        "tpr_at_5pct_fpr": round(tpr_at_fpr(sh, stress.is_fake, 0.05)[0], 4),
        "tpr_at_threshold": round(float(fh[stress.is_fake].mean()), 4),
        "fpr_at_threshold": round(float(fh[~stress.is_fake].mean()), 4),
    }
    block = {
        "n": CALIBRATION_N,
        "seed": CALIBRATION_SEED,
        "fake_share": 0.5,
        "threshold_rule": (
            f"largest TPR with FPR <= {MAX_FPR_AT_THRESHOLD} on the synthetic calibration set; for samples "
            "with fewer fields the same FPR target sets the threshold of that field profile"
        ),
        "target_fpr": MAX_FPR_AT_THRESHOLD,
        "tpr_at_threshold": round(float(flagged[yc].mean()), 4),
        "fpr_at_threshold": round(float(flagged[~yc].mean()), 4),
        "by_fields": by_profile,
        "stress_harder_fakes": stress_metrics,
    }
    return threshold, block


def _stored(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def fit(write: bool = True, path: Path = SCORECARD_PATH) -> dict[str, Any]:
    """Stage 1: fit the scorecard on the synthetic set, keep the real-data terms already in the
    file, evaluate it, and (optionally) write the JSON data file."""
    rng = np.random.default_rng(TRAIN_SEED)
    X, K, y = _training_matrix()
    Xs, ys = [np.where(K, X, 0.0)], [y]
    for _ in range(AUGMENTED_COPIES):
        kept = rng.random((len(y), len(FIELDS))) >= HIDE_PROBABILITY
        Km = _mask_fields(K, kept)
        Xs.append(np.where(Km, X, 0.0))
        ys.append(y)
    X_all, y_all = np.vstack(Xs), np.concatenate(ys)
    lower, upper = _bounds(X.max(axis=0))
    # The real-data terms are left out of the design, not held at 0 inside it: the active-set
    # fit freezes any weight its first joint step pushes past a bound, and a column tied at 0
    # would drag its correlated neighbours there.
    synthetic_terms = np.array([f.name not in REAL_DATA_FEATURES for f in FEATURES])
    intercept, fitted = fit_logistic(X_all[:, synthetic_terms], y_all, lower[synthetic_terms], upper[synthetic_terms])
    weights = np.zeros(len(FEATURES))
    weights[synthetic_terms] = fitted
    # Balanced training prior (0.5) → documented base rate.
    intercept += math.log(BASE_RATE / (1 - BASE_RATE))
    previous = _stored(path)
    for j, feat in enumerate(FEATURES):
        if feat.name in REAL_DATA_FEATURES:
            weights[j] = float(previous.get("weights", {}).get(feat.name, 0.0))
    data = _scorecard_data(intercept, weights, _importance(weights, X, K))
    if "real_data_fit" in previous:
        data["real_data_fit"] = previous["real_data_fit"]
    if write:
        _write(data, path)
    return data


def _scorecard_data(intercept: float, weights: np.ndarray, importance: np.ndarray) -> dict[str, Any]:
    threshold, checks = synthetic_checks(intercept, weights)
    return {
        "version": 1,
        "description": (
            "Logistic scorecard for fake/bought follower accounts. logit = intercept + sum(weight * feature); "
            "unknown features contribute 0. Fitted by vetting/scoring/calibration.py on the synthetic set of "
            "vetting/scoring/synthetic.py (no scraped data), the terms in real_data_fit on public labelled "
            "real accounts; see docs/scoring.md."
        ),
        "intercept": round(intercept, 6),
        "base_rate": BASE_RATE,
        "threshold": round(threshold, 6),
        "weights": {name: round(float(w), 6) for name, w in zip(FEATURE_NAMES, weights)},
        "importance": {name: round(float(v), 6) for name, v in zip(FEATURE_NAMES, importance)},
        "feature_sources": {f.name: f.source for f in FEATURES},
        "fit": {
            "train_n": TRAIN_N,
            "train_seed": TRAIN_SEED,
            "augmented_copies": AUGMENTED_COPIES,
            "hide_probability": HIDE_PROBABILITY,
            "l2": L2,
            "constraints": (
                f"weights opposite to the literature's direction are held at 0; no feature adds more than "
                f"{MAX_FEATURE_LOGIT} to the log-odds ({FEATURE_LOGIT_CAPS} for weakly documented ones); "
                f"{list(REAL_DATA_FEATURES)} are held at 0 here and fitted on real labelled accounts"
            ),
        },
        "calibration": checks,
    }


def _write(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _projected_newton(
    A: np.ndarray,
    offset: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    centre: np.ndarray,
    penalty: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Minimise Σ w·logloss(offset + A·β) + ½ Σ penalty·(β − centre)² within [lower, upper]:
    Newton steps on the coordinates not held at a bound, halved until the objective falls."""

    def objective(beta: np.ndarray) -> float:
        z = offset + A @ beta
        d = beta - centre
        return float(w @ (np.logaddexp(0.0, z) - y * z) + 0.5 * d @ (penalty * d))

    beta = np.clip(centre.astype(float), lower, upper)
    current = objective(beta)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(offset + A @ beta, -40, 40)))
        gradient = A.T @ (w * (p - y)) + penalty * (beta - centre)
        hessian = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty + 1e-9)
        held = ((beta <= lower) & (gradient > 0)) | ((beta >= upper) & (gradient < 0))
        idx = np.flatnonzero(~held)
        if not len(idx):
            break
        step = np.zeros_like(beta)
        step[idx] = np.linalg.solve(hessian[np.ix_(idx, idx)], gradient[idx])
        scale = 1.0
        while scale > 1e-8:
            candidate = np.clip(beta - scale * step, lower, upper)
            value = objective(candidate)
            if value <= current:
                break
            scale /= 2.0
        else:
            break
        improvement, beta, current = current - value, candidate, value
        if improvement < 1e-10 * max(1.0, abs(current)):
            break
    return beta


def fit_real_weights(
    labelled: Mapping[str, tuple[np.ndarray, np.ndarray]], weights: np.ndarray, *, ridge: float = REAL_RIDGE
) -> np.ndarray:
    """Stage 2: the scorecard weights with those of REAL_DATA_FEATURES fitted on labelled real
    sets, each given as (feature values with unknown ones 0, is_fake). Every other weight stays as
    given (it enters as a fixed offset); each set weighs the same and its classes are balanced, so
    no set's size or fake share decides; the intercept is free (ranking only; probabilities are
    the calibration's job); ridge towards the given weights, within the signs and caps."""
    free = np.array([f.name in REAL_DATA_FEATURES for f in FEATURES])
    X = np.vstack([x for x, _ in labelled.values()])
    y = np.concatenate([labels for _, labels in labelled.values()]).astype(float)
    w = (
        np.concatenate(
            [
                np.where(labels, 0.5 / max(labels.sum(), 1), 0.5 / max((~labels).sum(), 1))
                for _, labels in labelled.values()
            ]
        )
        * REAL_SET_WEIGHT
    )
    lower, upper = _bounds(X.max(axis=0))
    A = np.column_stack([np.ones(len(X)), X[:, free]])
    centre = np.concatenate([[0.0], weights[free]])
    penalty = np.concatenate([[0.0], np.full(int(free.sum()), ridge)])
    beta = _projected_newton(
        A,
        X[:, ~free] @ weights[~free],
        y,
        w,
        centre,
        penalty,
        np.concatenate([[-np.inf], lower[free]]),
        np.concatenate([[np.inf], upper[free]]),
    )
    fitted = weights.astype(float).copy()
    fitted[free] = beta[1:]
    return fitted


def with_real_weights(card: Scorecard, labelled: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> Scorecard:
    """`card` with its real-data terms refitted on `labelled` (not written anywhere): what the
    leave-one-set-out validation scores a held-out set with."""
    weights = fit_real_weights(labelled, card.weights)
    X, K, _ = _training_matrix()
    return Scorecard(
        intercept=card.intercept,
        weights=weights,
        importance=_importance(weights, X, K),
        threshold=card.threshold,
        base_rate=card.base_rate,
        meta={"real_data_fit": sorted(labelled)},
    )


def labelled_features(batch: FollowerBatch, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(feature values with unknown ones 0, labels): one labelled set as `fit_real_weights` takes it."""
    X, K = feature_matrix(batch)
    return np.where(K, X, 0.0), y


def refit_real_weights(
    labelled: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    sources: Mapping[str, str] | None = None,
    write: bool = True,
    path: Path = SCORECARD_PATH,
) -> dict[str, Any]:
    """Stage 2 on the committed scorecard: fit the real-data terms, refresh their importance and
    the synthetic checks, record where the weights came from, and (optionally) write the file."""
    stored = _stored(path)
    weights = np.array([float(stored["weights"].get(name, 0.0)) for name in FEATURE_NAMES])
    weights = fit_real_weights(labelled, weights)
    X, K, _ = _training_matrix()
    data = _scorecard_data(float(stored["intercept"]), weights, _importance(weights, X, K))
    data["real_data_fit"] = {
        "features": list(REAL_DATA_FEATURES),
        "weights": {name: data["weights"][name] for name in REAL_DATA_FEATURES},
        "method": (
            "balanced logistic regression on the labelled sets below (each set weighs the same), every other "
            f"weight held at its synthetic value, ridge {REAL_RIDGE} towards the synthetic weight (0), "
            "signs and caps as in the synthetic fit; validated leave one set out (docs/scoring.md)"
        ),
        "sets": {
            name: {"rows": len(labels), "fakes": int(labels.sum()), "source": (sources or {}).get(name, "")}
            for name, (_, labels) in labelled.items()
        },
    }
    if write:
        _write(data, path)
    return data


if __name__ == "__main__":  # pragma: no cover - a maintenance script
    result = fit()
    print(json.dumps({k: result[k] for k in ("intercept", "threshold", "weights", "calibration")}, indent=2))
