"""Audience fit: how well an account's audience matches a brand's target audience.

Per dimension (age, gender, countries, languages, interests) the fit is the overlap of the two
distributions, Σₖ min(targetₖ, audienceₖ) (= 1 − total variation distance): 1 for identical
distributions, falling linearly as mass moves apart, 0 when disjoint. A target listing only some
keys (e.g. countries {"CN": 0.7, "TW": 0.3}) treats every other key as 0.

The overall fit is the weighted mean over the dimensions present on both sides (weights from
`Brand.target_audience`). Sentences say it in numbers people read: "62% of the audience is
female (target 100%)", plus a joint estimate over all dimensions assuming independence
("≈31% of the audience is female, 18–34, in CN or TW").

Confidence: the share of target weight whose dimension the audience data covers, times a
freshness factor 0.5^(age in days / 180) (audience data half-life of six months), 0 without data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from core.messages import Message
from vetting import messages as m

DIMENSIONS = ("age", "gender", "countries", "languages", "interests")
HALF_LIFE_DAYS = 180.0
FOCUS_MASS = 0.5  # keys with the largest target shares covering at least this much are "the target"


@dataclass
class DimensionFit:
    """Fit on one dimension, with the numbers behind the sentence."""

    dimension: str
    weight: float
    fit: float | None
    focus: list[str]
    audience_share: float | None  # share of the audience inside the focus keys
    target_share: float  # share the brand wants inside the focus keys
    sentence: Message


@dataclass
class AudienceFit:
    """Overall fit in [0, 1] (None without audience data), its confidence and explanation."""

    fit: float | None
    confidence: float
    dimensions: list[DimensionFit] = field(default_factory=list)
    joint_share: float | None = None
    joint_target: float | None = None
    summary: Message | None = None
    as_of: str | None = None
    age_days: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _normalise(dist: Mapping[str, float] | None) -> dict[str, float]:
    if not dist:
        return {}
    clean = {str(k): float(v) for k, v in dist.items() if v is not None and float(v) > 0}
    total = sum(clean.values())
    return {k: v / total for k, v in clean.items()} if total > 0 else {}


def overlap(target: Mapping[str, float], audience: Mapping[str, float]) -> float:
    """Σₖ min(targetₖ, audienceₖ) of two normalised distributions."""
    return sum(min(v, audience.get(k, 0.0)) for k, v in target.items())


def _focus(target: dict[str, float]) -> list[str]:
    keys, mass, last = [], 0.0, None
    for key, share in sorted(target.items(), key=lambda kv: (-kv[1], kv[0])):
        if mass >= FOCUS_MASS and (last is None or share < last - 1e-9):
            break  # enough mass, and no tie with the last key taken
        keys.append(key)
        mass += share
        last = share
    return keys


def _describe(dimension: str, keys: list[str]) -> Message:
    """Who the keys of a dimension are: "women", "aged 18–34", "in CN or TW" (a Message)."""
    if dimension == "gender":
        return m.WHO_GENDER(genders=keys)
    if dimension == "age":
        bounds = []
        for k in keys:
            parts = k.replace("+", "-200").split("-")
            try:
                bounds.append((int(parts[0]), int(parts[1])))
            except (ValueError, IndexError):
                return m.WHO_AGE_BANDS(bands=keys)
        bounds.sort()
        contiguous = all(b[0] == a[1] + 1 for a, b in zip(bounds, bounds[1:]))
        if contiguous:
            if bounds[-1][1] >= 200:
                return m.WHO_AGED_OVER(low=bounds[0][0])
            return m.WHO_AGED(low=bounds[0][0], high=bounds[-1][1])
        return m.WHO_AGE_BANDS(bands=keys)
    if dimension == "countries":
        return m.WHO_IN(countries=keys)
    if dimension == "languages":
        return m.WHO_SPEAKING(languages=keys)
    return m.WHO_INTERESTED(interests=keys)


@dataclass(frozen=True)
class FitTarget:
    """One dimension of a brand's target audience, with what every audience's fit to it shares:
    its weight, normalised distribution, focus keys, their target share and who they are."""

    dimension: str
    weight: float
    values: dict[str, float]
    focus: list[str]
    target_share: float
    who: Message


def fit_targets(target_audience: Mapping[str, Any] | None) -> list[FitTarget]:
    """The dimensions of a Brand.target_audience that `audience_fit` scores, prepared once: a
    ranking page explains the fit of 50 audiences to the same target."""
    out = []
    for dim, (weight, values) in target_vectors(target_audience).items():
        keys = _focus(values)
        out.append(FitTarget(dim, weight, values, keys, sum(values[k] for k in keys), _describe(dim, keys)))
    return out


def audience_fit(
    target_audience: Mapping[str, Any] | None,
    audience: Mapping[str, Mapping[str, float] | None] | None,
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    targets: list[FitTarget] | None = None,
) -> AudienceFit:
    """Fit of `audience` ({dimension: distribution}) to a Brand.target_audience (`targets`:
    its `fit_targets`, when the caller prepared them)."""
    if targets is None:
        targets = fit_targets(target_audience)
    if not targets:
        return AudienceFit(fit=None, confidence=0.0, summary=m.FIT_NO_TARGET())
    today = today or dt.date.today()
    age_days = (today - as_of).days if as_of else None
    freshness = 0.5 ** (max(age_days, 0) / HALF_LIFE_DAYS) if age_days is not None else 0.5
    dims: list[DimensionFit] = []
    covered_weight = 0.0
    total_weight = sum(t.weight for t in targets)
    weighted = 0.0
    joint_share = joint_target = 1.0
    described: list[Message] = []
    for spec in targets:
        dim, weight, target, keys, target_share, label = (
            spec.dimension,
            spec.weight,
            spec.values,
            list(spec.focus),
            spec.target_share,
            spec.who,
        )
        dist = _normalise((audience or {}).get(dim))
        if not dist:
            dims.append(
                DimensionFit(
                    dim,
                    weight,
                    None,
                    keys,
                    None,
                    target_share,
                    m.FIT_NO_DATA_FOR(dimension=dim, target=target_share, who=label),
                )
            )
            continue
        fit = overlap(target, dist)
        share = sum(dist.get(k, 0.0) for k in keys)
        covered_weight += weight
        weighted += weight * fit
        joint_share *= share
        joint_target *= target_share
        described.append(label)
        dims.append(
            DimensionFit(
                dim,
                weight,
                round(fit, 4),
                keys,
                round(share, 4),
                round(target_share, 4),
                m.FIT_DIMENSION(share=share, who=label, target=target_share),
            )
        )
    if covered_weight == 0:
        return AudienceFit(
            fit=None,
            confidence=0.0,
            dimensions=dims,
            summary=m.FIT_NO_DATA(),
            as_of=as_of.isoformat() if as_of else None,
            age_days=age_days,
        )
    fit_value = weighted / covered_weight
    confidence = (covered_weight / total_weight) * freshness
    parts = [
        (m.FIT_JOINT if len(described) > 1 else m.FIT_ONE)(
            share=joint_share, who=described, target=joint_target, fit=fit_value
        )
    ]
    if age_days is not None and age_days > HALF_LIFE_DAYS:
        parts.append(m.FIT_OLD_DATA(days=age_days))
    missing = [d.dimension for d in dims if d.fit is None]
    if missing:
        parts.append(m.FIT_MISSING_DIMENSIONS(dimensions=missing))
    summary = parts[0] if len(parts) == 1 else m.JOINED(items=parts)
    return AudienceFit(
        fit=round(fit_value, 4),
        confidence=round(confidence, 4),
        dimensions=dims,
        joint_share=round(joint_share, 4),
        joint_target=round(joint_target, 4),
        summary=summary,
        as_of=as_of.isoformat() if as_of else None,
        age_days=age_days,
    )


def target_vectors(target_audience: Mapping[str, Any] | None) -> dict[str, tuple[float, dict[str, float]]]:
    """{dimension: (weight, normalised target distribution)} of a Brand.target_audience."""
    out: dict[str, tuple[float, dict[str, float]]] = {}
    for dim, spec in (target_audience or {}).items():
        if dim in DIMENSIONS and isinstance(spec, Mapping):
            values = _normalise(spec.get("values"))
            weight = float(spec.get("weight", 1.0) or 0.0)
            if values and weight > 0:
                out[dim] = (weight, values)
    return out


def audience_fit_vectorised(
    target_audience: Mapping[str, Any] | None,
    matrices: Mapping[str, tuple[Sequence[str], np.ndarray]],
    age_days: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit and confidence of many audiences at once (same definitions as `audience_fit`).

    `matrices[dim] = (keys, A)`: A is n × len(keys), each row a normalised distribution over
    `keys`, or all-NaN when that account has no data for the dimension. `age_days` is the age
    of each account's audience data (NaN when unknown)."""
    n = len(age_days)
    targets = target_vectors(target_audience)
    if not targets:
        return np.full(n, np.nan), np.zeros(n)
    total_weight = sum(w for w, _ in targets.values())
    num = np.zeros(n)
    covered = np.zeros(n)
    for dim, (weight, target) in targets.items():
        if dim not in matrices:
            continue
        keys, A = matrices[dim]
        t = np.array([target.get(k, 0.0) for k in keys])
        known = ~np.isnan(A).all(axis=1)
        fit = np.minimum(np.nan_to_num(A), t).sum(axis=1)
        num += np.where(known, weight * fit, 0.0)
        covered += np.where(known, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.where(covered > 0, num / np.where(covered > 0, covered, 1.0), np.nan)
    freshness = np.where(np.isnan(age_days), 0.5, 0.5 ** (np.maximum(np.nan_to_num(age_days), 0) / HALF_LIFE_DAYS))
    confidence = np.where(covered > 0, covered / total_weight * freshness, 0.0)
    return fit, confidence
