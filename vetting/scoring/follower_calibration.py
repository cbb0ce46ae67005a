"""Calibrations of the follower scorer: from scorecard logits to probabilities that hold on real
audiences, and the labelled populations that say how far to trust them (pure numpy).

A calibration holds:
- the scorecard whose logits it calibrates (the committed one, or weights refitted on a
  customer's labelled file by `fit_follower_calibration`);
- one or more *reference calibrations*, each fitted on one labelled population: per set of
  known profile fields, a Platt mapping P(fake | z) = σ(a + b·z) under a balanced prior. Per set
  of fields, because an account that shows fewer fields gets a logit with fewer terms: its
  calibration must be fitted with the same fields hidden.

The default calibration (`data/follower_calibration.json`) has three references, fitted on three
public, human-labelled sets of real Instagram accounts (see its `provenance` and
docs/scoring.md); it is built by `scripts/fit_default_follower_calibration.py` from files we do
not redistribute. Estimates use the mean of the references; intervals their envelope
(`prevalence.estimate_prevalence`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InputError
from vetting.scoring.followers import (
    FEATURES,
    FIELDS,
    FollowerBatch,
    Scorecard,
    feature_matrix,
    load_scorecard,
)
from vetting.scoring.prevalence import Platt, RowCalibration

DEFAULT_CALIBRATION_PATH = Path(__file__).with_name("data") / "follower_calibration.json"
DEFAULT_NAME = "default"

# A labelled file smaller than this cannot say much about error rates (a 95% interval on a rate
# measured on 25 accounts is ±20 points); refuse it rather than store a calibration nobody can trust.
MIN_ROWS = 100
MIN_PER_CLASS = 25
FOLDS = 5
# Refitted weights are pulled towards the committed ones: a customer's file of a few hundred
# rows should adjust the scorecard, not replace what it knows (ridge, in units where the
# balanced sample weights sum to the number of rows).
RIDGE = 1000.0
FIELD_BIT = {name: 1 << i for i, name in enumerate(FIELDS)}
ALL_FIELDS = (1 << len(FIELDS)) - 1


def fields_mask(fields: Iterable[str]) -> int:
    """The bit mask of a set of FIELDS."""
    mask = 0
    for name in fields:
        mask |= FIELD_BIT[name]
    return mask


def mask_fields(mask: int) -> frozenset[str]:
    return frozenset(name for name, bit in FIELD_BIT.items() if mask & bit)


def submasks(mask: int) -> Iterator[int]:
    """Every subset of `mask`, itself included."""
    sub = mask
    while True:
        yield sub
        if sub == 0:
            return
        sub = (sub - 1) & mask


def feature_keep(mask: int) -> np.ndarray:
    """Which scorecard features can be computed from the fields of `mask`."""
    fields = mask_fields(mask)
    return np.array([all(r in fields for r in f.requires) for f in FEATURES])


def row_masks(batch: FollowerBatch) -> np.ndarray:
    """Each row's known fields as a bit mask."""
    available = batch.field_available()
    bits = np.array([FIELD_BIT[name] for name in FIELDS])
    return (available * bits).sum(axis=1).astype(np.int64)


# --- fitting -------------------------------------------------------------------------------------


def _balanced_weights(y: np.ndarray) -> np.ndarray:
    """Sample weights under which both classes weigh the same and the weights sum to len(y)."""
    positives = max(int(y.sum()), 1)
    negatives = max(int((~y).sum()), 1)
    return np.where(y, len(y) / (2.0 * positives), len(y) / (2.0 * negatives))


def _newton_logistic(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, start: np.ndarray, penalty: np.ndarray, centre: np.ndarray
) -> np.ndarray:
    """Weighted logistic regression: minimise Σ w·logloss + ½(β−centre)ᵀ·penalty·(β−centre) by
    Newton steps, each halved until the objective falls (plain Newton can overshoot and diverge
    on nearly separable classes)."""

    def objective(beta: np.ndarray) -> float:
        z = X @ beta
        loss = np.logaddexp(0.0, z) - y * z
        d = beta - centre
        return float(w @ loss + 0.5 * d @ penalty @ d)

    beta = start.astype(float).copy()
    current = objective(beta)
    for _ in range(200):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ beta, -40, 40)))
        gradient = X.T @ (w * (p - y)) + penalty @ (beta - centre)
        hessian = (X * (w * p * (1 - p))[:, None]).T @ X + penalty + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-6:
            candidate = beta - scale * step
            value = objective(candidate)
            if value <= current:
                break
            scale /= 2.0
        else:
            break
        beta, improvement, current = candidate, current - value, value
        if improvement < 1e-10 * max(1.0, abs(current)):
            break
    return beta


def fit_platt(logits: np.ndarray, y: np.ndarray) -> Platt:
    """σ(a + b·z) fitted by weighted maximum likelihood under a balanced prior (a small ridge
    keeps nearly separable data finite)."""
    X = np.column_stack([np.ones(len(logits)), logits])
    beta = _newton_logistic(
        X, y.astype(float), _balanced_weights(y), np.array([0.0, 1.0]), 1e-2 * np.eye(2), np.zeros(2)
    )
    return Platt(a=float(beta[0]), b=float(beta[1]), prior=0.5)


def fit_weights(X: np.ndarray, y: np.ndarray, start: Scorecard, *, ridge: float = RIDGE) -> tuple[float, np.ndarray]:
    """Intercept and weights by balanced logistic regression, pulled towards `start`'s weights.
    X holds feature values with unknown ones already 0."""
    prior = np.concatenate([[start.intercept], start.weights])
    penalty = ridge * np.eye(len(prior))
    penalty[0, 0] = 0.0
    beta = _newton_logistic(
        np.column_stack([np.ones(len(X)), X]), y.astype(float), _balanced_weights(y), prior, penalty, prior
    )
    return float(beta[0]), beta[1:]


def restricted_logits(intercept: float, weights: np.ndarray, X: np.ndarray, K: np.ndarray, mask: int) -> np.ndarray:
    """Logits with only the features the fields of `mask` allow."""
    return intercept + (np.where(K & feature_keep(mask), X, 0.0) * weights).sum(axis=1)


# --- calibrations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceCalibration:
    """Platt mappings fitted on one labelled population, per set of fields it knew."""

    name: str
    known: int
    platts: dict[int, Platt]
    rows: int
    fakes: int
    source: str = ""

    def platt_for(self, mask: int) -> Platt:
        return self.platts[mask & self.known]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "known_fields": sorted(mask_fields(self.known)),
            "rows": self.rows,
            "fakes": self.fakes,
            "source": self.source,
            "platt_by_fields": {str(m): [round(p.a, 6), round(p.b, 6)] for m, p in sorted(self.platts.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferenceCalibration:
        return cls(
            name=data["name"],
            known=fields_mask(data["known_fields"]),
            platts={int(m): Platt(a=float(a), b=float(b)) for m, (a, b) in data["platt_by_fields"].items()},
            rows=int(data["rows"]),
            fakes=int(data["fakes"]),
            source=data.get("source", ""),
        )


def reference_from_labelled(
    name: str, logits_for: Any, y: np.ndarray, known: int, *, source: str = ""
) -> ReferenceCalibration:
    """A reference calibration from labelled rows: `logits_for(mask)` gives the rows' logits with
    only the fields of `mask`; one Platt mapping per subset of `known` (subsets that allow the
    same features share one fit)."""
    fitted: dict[tuple[bool, ...], Platt] = {}
    platts: dict[int, Platt] = {}
    for mask in submasks(known):
        key = tuple(feature_keep(mask))
        if key not in fitted:
            fitted[key] = fit_platt(logits_for(mask), y) if any(key) else Platt(a=0.0, b=0.0)
        platts[mask] = fitted[key]
    return ReferenceCalibration(name=name, known=known, platts=platts, rows=len(y), fakes=int(y.sum()), source=source)


@dataclass(frozen=True)
class FollowerCalibration:
    """A named calibration: the scorecard it calibrates, its reference calibrations, where it
    came from and how well it did under cross-validation."""

    name: str
    scorecard: Scorecard
    references: tuple[ReferenceCalibration, ...]
    provenance: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def row_calibrations(self, masks: np.ndarray) -> tuple[RowCalibration, list[RowCalibration]]:
        """For accounts with these field masks: the centre calibration (mean of the references'
        parameters) and each reference's, per account."""
        references = [RowCalibration.of([ref.platt_for(int(m)) for m in masks]) for ref in self.references]
        centre = RowCalibration(
            a=np.mean([r.a for r in references], axis=0), b=np.mean([r.b for r in references], axis=0), prior=0.5
        )
        return centre, references

    def as_dict(self) -> dict[str, Any]:
        card = self.scorecard
        return {
            "name": self.name,
            "scorecard": {
                "intercept": card.intercept,
                "weights": {f.name: float(w) for f, w in zip(FEATURES, card.weights)},
                "importance": {f.name: float(v) for f, v in zip(FEATURES, card.importance)},
            },
            "references": [r.as_dict() for r in self.references],
            "provenance": self.provenance,
            "metrics": self.metrics,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, default_scorecard: Scorecard | None = None) -> FollowerCalibration:
        card = default_scorecard or load_scorecard()
        stored = data.get("scorecard")
        if stored:
            card = Scorecard(
                intercept=float(stored["intercept"]),
                # A calibration stored before a feature existed was fitted without it: weight 0.
                weights=np.array([float(stored["weights"].get(f.name, 0.0)) for f in FEATURES]),
                importance=np.array([float(stored["importance"].get(f.name, 0.0)) for f in FEATURES]),
                threshold=card.threshold,
                base_rate=card.base_rate,
                meta={"calibration": data.get("name", "")},
            )
        return cls(
            name=data["name"],
            scorecard=card,
            references=tuple(ReferenceCalibration.from_dict(r) for r in data["references"]),
            provenance=dict(data.get("provenance") or {}),
            metrics=dict(data.get("metrics") or {}),
        )


@lru_cache(maxsize=2)
def load_default_calibration(path: str | None = None) -> FollowerCalibration:
    """The committed default calibration (its references are public real labelled sets)."""
    data = json.loads(Path(path or DEFAULT_CALIBRATION_PATH).read_text(encoding="utf-8"))
    return FollowerCalibration.from_dict({**data, "scorecard": None})


# --- metrics -------------------------------------------------------------------------------------


def roc_auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(sorted_scores):
        j = i
        while j + 1 < len(sorted_scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    positives, negatives = int(y.sum()), int((~y).sum())
    return float((ranks[y].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-scores, kind="mergesort")
    hits = y[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / max(hits.sum(), 1))


def tpr_at_fpr(scores: np.ndarray, y: np.ndarray, fpr: float = 0.05) -> tuple[float, float, float]:
    """(TPR, FPR, threshold) of the lowest threshold whose false-positive rate is at most `fpr`."""
    negatives = np.sort(scores[~y])[::-1]
    k = int(math.floor(fpr * len(negatives)))
    threshold = float(np.nextafter(negatives[k], np.inf)) if k < len(negatives) else float(negatives.min())
    return float((scores[y] >= threshold).mean()), float((scores[~y] >= threshold).mean()), threshold


def ranking_metrics(scores: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tpr, fpr, _ = tpr_at_fpr(scores, y)
    return {
        "roc_auc": round(roc_auc(scores, y), 4),
        "average_precision": round(average_precision(scores, y), 4),
        "tpr_at_fpr_5pct": round(tpr, 4),
        "fpr_at_that_threshold": round(fpr, 4),
    }


# --- fitting a customer calibration ----------------------------------------------------------------


def _folds(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """A stratified fold number per row."""
    rng = np.random.default_rng(seed)
    folds = np.empty(len(y), dtype=int)
    for label in (True, False):
        rows = rng.permutation(np.flatnonzero(y == label))
        folds[rows] = np.arange(len(rows)) % k
    return folds


def check_labelled(y: np.ndarray, *, source: str) -> None:
    """Refuse a labelled set too small or too one-sided to calibrate on, saying why."""
    fakes, genuine = int(y.sum()), int((~y).sum())
    if fakes == 0 or genuine == 0:
        only = "fake" if genuine == 0 else "genuine"
        raise InputError(
            f"every labelled account is {only}: a calibration needs both fake and genuine accounts",
            source=source,
            field="is_fake",
        )
    if len(y) < MIN_ROWS or min(fakes, genuine) < MIN_PER_CLASS:
        raise InputError(
            f"{len(y)} labelled accounts ({fakes} fake, {genuine} genuine) are too few: a calibration needs at "
            f"least {MIN_ROWS} accounts with at least {MIN_PER_CLASS} of each class",
            source=source,
            field="is_fake",
        )


def fit_follower_calibration(
    batch: FollowerBatch,
    y: np.ndarray,
    *,
    name: str,
    source: str,
    start: Scorecard | None = None,
    folds: int = FOLDS,
    seed: int = 0,
) -> FollowerCalibration:
    """Refit the scorecard's weights on a labelled follower file (pulled towards `start`, the
    committed scorecard by default) and calibrate it by `folds`-fold cross-validation: every
    account is scored by weights fitted without it, each fold's out-of-fold scores give one
    reference calibration (their spread makes the intervals), and the cross-validated ranking
    metrics are stored with the calibration."""
    y = np.asarray(y, dtype=bool)
    check_labelled(y, source=source)
    card = start or load_scorecard()
    X, K = feature_matrix(batch)
    Xk = np.where(K, X, 0.0)
    known = fields_mask(name for name, share in zip(FIELDS, batch.field_available().mean(axis=0)) if share >= 0.5)
    fold_of = _folds(y, folds, seed)
    fold_weights = [fit_weights(Xk[fold_of != k], y[fold_of != k], card) for k in range(folds)]

    def out_of_fold(mask: int, rows: np.ndarray) -> np.ndarray:
        z = np.empty(len(y))
        for k, (intercept, weights) in enumerate(fold_weights):
            held_out = fold_of == k
            z[held_out] = restricted_logits(intercept, weights, X[held_out], K[held_out], mask)
        return z[rows]

    def fold_logits(k: int) -> Any:
        rows = np.flatnonzero(fold_of == k)
        return lambda mask: out_of_fold(mask, rows)

    references = tuple(
        reference_from_labelled(
            f"{name}: fold {k + 1} of {folds}", fold_logits(k), y[fold_of == k], known, source=source
        )
        for k in range(folds)
    )
    intercept, weights = fit_weights(Xk, y, card)
    spread = np.array([X[K[:, j], j].std() if K[:, j].any() else 0.0 for j in range(len(FEATURES))])
    refitted = Scorecard(
        intercept=intercept,
        weights=weights,
        importance=np.abs(weights) * spread,
        threshold=card.threshold,
        base_rate=card.base_rate,
        meta={"calibration": name},
    )
    scores = out_of_fold(known, np.arange(len(y)))
    metrics = {
        "cross_validation": f"{folds}-fold, stratified, seed {seed}",
        **ranking_metrics(scores, y),
        "rows": len(y),
        "fakes": int(y.sum()),
    }
    provenance = {
        "source": source,
        "rows": len(y),
        "fake_share": round(float(y.mean()), 4),
        "known_fields": sorted(mask_fields(known)),
        "method": "scorecard weights refitted (balanced logistic regression, ridge towards the committed weights); "
        f"Platt calibration per set of known fields on {folds}-fold out-of-fold scores",
    }
    return FollowerCalibration(
        name=name, scorecard=refitted, references=references, provenance=provenance, metrics=metrics
    )
