"""Per-creator daily sentiment series and spike detection against the creator's own history.

Robust statistics, so one earlier bad day does not hide the next: the baseline is the median of
the creator's daily negative shares and the spread is the median absolute deviation (MAD),
scaled by 1.4826 to estimate a standard deviation under normality. The robust z-score of a value
x is (x − median) / spread with spread = 1.4826 · MAD (Iglewicz & Hoaglin's modified z uses the
equivalent 0.6745 factor). Two floors keep small samples honest: a creator whose comments are
almost never negative has MAD = 0, so the spread is at least `MIN_SPREAD`; and a share measured
on n comments carries binomial sampling noise sqrt(p(1 − p) / n), so the spread is at least that
too. For shares the baseline p is never taken below `P_FLOOR` (10%): a short history often shows
no negative comment by chance, ordinary comment sections run at 10–20% negative, and the
sentiment engines label some plain questions negative. So three negative comments out of eight
on a quiet week are not a spike; thirty out of eighty are.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAD_SCALE = 1.4826
MIN_SPREAD = 0.05  # a 5-point spread in negative share is the smallest we treat as real noise
P_FLOOR = 0.10  # the lowest baseline negative share assumed for any creator (see the module docstring)

NEGATIVE = "negative"
POSITIVE = "positive"


@dataclass(frozen=True)
class LabelledText:
    """One scored text (usually a comment) on a day."""

    day: dt.date
    label: str
    score: float


@dataclass(frozen=True)
class DayPoint:
    """Sentiment of one creator on one day."""

    day: dt.date
    total: int
    negative: int
    neutral: int
    positive: int
    mean_score: float

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "total": self.total,
            "negative": self.negative,
            "neutral": self.neutral,
            "positive": self.positive,
            "negative_share": round(self.negative_share, 4),
            "mean_score": round(self.mean_score, 4),
        }


@dataclass(frozen=True)
class RobustZ:
    """A value compared with a history: median, MAD, the spread used and the robust z."""

    value: float
    median: float
    mad: float
    spread: float
    z: float
    n: int
    center: float = 0.0  # the baseline the z is measured from (the median, floored for shares)

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": round(self.value, 4),
            "baseline_median": round(self.median, 4),
            "baseline_used": round(self.center, 4),
            "mad": round(self.mad, 4),
            "spread_used": round(self.spread, 4),
            "robust_z": round(self.z, 3),
            "history_points": self.n,
        }


@dataclass(frozen=True)
class SpikeDay:
    """A day whose negative share stands out from the days before it."""

    point: DayPoint
    stats: RobustZ
    reasons: tuple[str, ...] = field(default_factory=tuple)


def daily_series(items: Iterable[LabelledText]) -> list[DayPoint]:
    """Group scored texts by day into counts per label and the mean score, oldest day first.
    Days without any text are left out (there is nothing to measure on them)."""
    by_day: dict[dt.date, list[LabelledText]] = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)
    points = []
    for day in sorted(by_day):
        group = by_day[day]
        negative = sum(1 for i in group if i.label == NEGATIVE)
        positive = sum(1 for i in group if i.label == POSITIVE)
        points.append(
            DayPoint(
                day=day,
                total=len(group),
                negative=negative,
                neutral=len(group) - negative - positive,
                positive=positive,
                mean_score=sum(i.score for i in group) / len(group),
            )
        )
    return points


def binomial_se(p: float, n: int) -> float:
    """Sampling noise of a share measured on n items when the true share is p (at least P_FLOOR)."""
    p = min(max(p, P_FLOOR), 1 - P_FLOOR)
    return math.sqrt(p * (1 - p) / n) if n > 0 else 1.0


def robust_z(
    value: float,
    history: Sequence[float],
    *,
    min_spread: float = MIN_SPREAD,
    n: int | None = None,
    spread_history: Sequence[float] | None = None,
) -> RobustZ:
    """Robust z of `value` against `history`: median and scaled MAD, the spread floored at
    `min_spread`. When `value` is a share of `n` items, the baseline is at least P_FLOOR and the
    spread at least the binomial sampling noise of n items. `spread_history` (default `history`)
    is what the MAD is taken over: shares measured on a handful of comments swing by sampling
    noise alone, which the binomial floor already covers, so callers pass only well-sampled ones."""
    if not history:
        raise ValueError("robust_z needs at least one historical value")
    median = statistics.median(history)
    spread_values = history if spread_history is None else spread_history
    mad = statistics.median(abs(h - median) for h in spread_values) if spread_values else 0.0
    center = max(median, P_FLOOR) if n else median
    spread = max(MAD_SCALE * mad, min_spread, binomial_se(center, n) if n else 0.0)
    return RobustZ(
        value=value, median=median, mad=mad, spread=spread, z=(value - center) / spread, n=len(history), center=center
    )


def detect_spike_days(
    series: Sequence[DayPoint],
    *,
    margin: float = 0.2,
    z_threshold: float = 3.0,
    min_comments: int = 3,
    min_history_days: int = 5,
) -> list[SpikeDay]:
    """Days whose negative share is at least `margin` above the median of the creator's earlier
    days AND whose robust z against those days is at least `z_threshold`.

    Each day is compared only with the days before it (no look-ahead, so a spike does not raise
    its own baseline); days with fewer than `min_comments` texts, or with fewer than
    `min_history_days` earlier days to compare with, are never spikes.
    """
    spikes = []
    for i, point in enumerate(series):
        history = [p.negative_share for p in series[:i] if p.total >= min_comments]
        if point.total < min_comments or len(history) < min_history_days:
            continue
        stats = robust_z(point.negative_share, history, n=point.total)
        if point.negative_share >= stats.center + margin and stats.z >= z_threshold:
            reasons = (
                f"negative share {point.negative_share:.0%} vs baseline {stats.center:.0%} (+{margin:.0%} margin)",
                f"robust z {stats.z:.1f} ≥ {z_threshold}",
            )
            spikes.append(SpikeDay(point=point, stats=stats, reasons=reasons))
    return spikes
