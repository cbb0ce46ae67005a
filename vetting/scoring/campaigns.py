"""Campaign results against the predictions made when each creator was shortlisted, and the
organisation's own prediction error over its campaigns (pure: numbers in, numbers out).

Actual figures of a booked creator, over its campaign posts (docs/campaigns.md, "Metrics"):
- reach: the posts' reach when every post has one (from the creator's insights), else their
  views when every post has a view count (what the reach estimate of a video platform is based
  on), else unknown;
- views: the sum of the posts' views when every post has one;
- engagements: likes + comments (+ saves on Xiaohongshu), the count the CPE estimate divides by;
- ER: the platform's own engagement rate (influencers.metrics.engagement.ER_DEFINITIONS): its
  counts over the followers at shortlisting × posts (feed platforms) or over the views (video);
- cost: the fee actually paid; CPE = cost / engagements; CPV = cost / views; CPM = cost / reach × 1,000.

Predictions (from the shortlist entry's snapshot): a per-post range (reach, cost) or figure
(engagements: the median of recent posts; ER) times the number of campaign posts; CPE and CPM
ranges as estimated. The error of a prediction is actual / predicted − 1 against the middle of
the range (a point prediction is its own middle), with whether the actual fell inside the range.

The organisation's error per prediction type (`prediction_error`) takes the log ratios
r = ln(actual / predicted middle) of every booked creator of every campaign: its bias is the
median r, its spread the 80th percentile of |r − bias|. `calibrated_range` moves a new estimate's
middle by the bias and sets its width to ± the spread: the range that would have held 80 % of
the organisation's past outcomes — wider than the rate table's when past estimates missed by
more, narrower when they did better. Below MIN_OUTCOMES outcomes it changes nothing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from influencers.metrics.engagement import FOLLOWERS, er_definition

PREDICTION_TYPES = ("reach", "engagements", "er", "cost", "cpe", "cpm")
# Prediction types whose estimates the product shows as ranges, and can therefore re-centre and
# re-size: reach and cost per post (and the CPM/CPE built from them).
RANGE_TYPES = ("reach", "cost", "cpe", "cpm")
MIN_OUTCOMES = 3
COVERAGE = 0.8


@dataclass(frozen=True)
class PostFigures:
    """The counters of one campaign post."""

    platform: str
    likes: int
    comments: int
    reach: int | None = None
    views: int | None = None
    shares: int | None = None
    saves: int | None = None


def engagements_of(post: PostFigures) -> int:
    """likes + comments (+ saves on Xiaohongshu): the engagements the CPE estimate counts."""
    saves = (post.saves or 0) if post.platform == "xiaohongshu" else 0
    return post.likes + post.comments + saves


def _er_numerator(post: PostFigures) -> int:
    return sum(int(getattr(post, name) or 0) for name in er_definition(post.platform).counts)


def _all_known(values: Iterable[int | None]) -> int | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return int(sum(v for v in values if v is not None))


def actuals(posts: Sequence[PostFigures], *, fee: float, followers: int | None) -> dict[str, Any]:
    """The actual figures of one booked creator over its campaign posts (module docstring)."""
    reach = _all_known(p.reach for p in posts)
    views = _all_known(p.views for p in posts)
    reach_basis = "reach" if reach is not None else ("views" if views is not None else "")
    if reach is None:
        reach = views
    engagements = sum(engagements_of(p) for p in posts)
    er: float | None = None
    if posts:
        definition = er_definition(posts[0].platform)
        numerator = sum(_er_numerator(p) for p in posts)
        if definition.denominator == FOLLOWERS:
            er = numerator / (followers * len(posts)) if followers else None
        else:
            er = numerator / views if views else None
    return {
        "posts": len(posts),
        "reach": reach,
        "reach_basis": reach_basis,
        "views": views,
        "engagements": engagements,
        "er": er,
        "cost": float(fee),
        "cpe": fee / engagements if engagements else None,
        "cpv": fee / views if views else None,
        "cpm": fee / reach * 1000 if reach else None,
    }


def predictions(estimate: Mapping[str, Any] | None, *, er: float | None, posts: int) -> dict[str, tuple[float, float]]:
    """What was predicted for `posts` posts from a snapshot's estimate (`estimate_snapshot`) and
    engagement rate: {type: (low, high)}; a point prediction has low == high. Types without a
    prediction are left out."""
    out: dict[str, tuple[float, float]] = {}
    if estimate:
        for kind, key in (("reach", "reach_per_post"), ("cost", "cost_per_post_usd")):
            pair = estimate.get(key)
            if pair and pair[0] is not None and pair[1] is not None:
                out[kind] = (float(pair[0]) * posts, float(pair[1]) * posts)
        if estimate.get("engagements_per_post") is not None:
            value = float(estimate["engagements_per_post"]) * posts
            out["engagements"] = (value, value)
        for kind, key in (("cpe", "cpe_usd"), ("cpm", "cpm_usd")):
            pair = estimate.get(key)
            if pair and pair[0] is not None and pair[1] is not None:
                out[kind] = (float(pair[0]), float(pair[1]))
    if er is not None:
        out["er"] = (float(er), float(er))
    return out


def compare(predicted: Mapping[str, tuple[float, float]], actual: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per prediction type: {predicted: [low, high], actual, error, log_ratio, within}; error and
    log_ratio are None when the actual or the prediction's middle is unknown or 0."""
    out: dict[str, dict[str, Any]] = {}
    for kind in PREDICTION_TYPES:
        if kind not in predicted:
            continue
        low, high = predicted[kind]
        value = actual.get(kind)
        middle = (low + high) / 2
        ratio = float(value) / middle if value is not None and value > 0 and middle > 0 else None
        out[kind] = {
            "predicted": [low, high],
            "actual": value,
            "error": ratio - 1 if ratio is not None else None,
            "log_ratio": math.log(ratio) if ratio is not None else None,
            # a point prediction has no range to be inside of
            "within": (low <= value <= high) if value is not None and low < high else None,
        }
    return out


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def prediction_error(comparisons: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The error per prediction type over many booked creators' `compare` results: {type: {n,
    median_abs_error, bias, spread, within_share}} (module docstring). n counts the creators
    with both a prediction and an actual figure."""
    ratios: dict[str, list[float]] = {kind: [] for kind in PREDICTION_TYPES}
    within: dict[str, list[bool]] = {kind: [] for kind in PREDICTION_TYPES}
    for comparison in comparisons:
        for kind, row in comparison.items():
            if row.get("log_ratio") is not None:
                ratios[kind].append(float(row["log_ratio"]))
                if row.get("within") is not None:
                    within[kind].append(bool(row["within"]))
    out: dict[str, dict[str, Any]] = {}
    for kind in PREDICTION_TYPES:
        values = ratios[kind]
        if not values:
            out[kind] = {"n": 0, "median_abs_error": None, "bias": None, "spread": None, "within_share": None}
            continue
        bias = statistics.median(values)
        out[kind] = {
            "n": len(values),
            "median_abs_error": statistics.median(abs(math.exp(r) - 1) for r in values),
            "bias": math.exp(bias) - 1,
            "log_bias": bias,
            "spread": _percentile([abs(r - bias) for r in values], COVERAGE),
            "within_share": sum(within[kind]) / len(within[kind]) if within[kind] else None,
        }
    return out


def calibrated_range(low: float, high: float, error: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """`[low, high]` re-centred by the organisation's bias and re-sized to ± its spread (module
    docstring); None when there are fewer than MIN_OUTCOMES outcomes of that type."""
    if not error or (error.get("n") or 0) < MIN_OUTCOMES or error.get("spread") is None:
        return None
    middle = (low + high) / 2
    if middle <= 0:
        return None
    centre = middle * math.exp(float(error["log_bias"]))
    spread = float(error["spread"])
    return centre * math.exp(-spread), centre * math.exp(spread)
