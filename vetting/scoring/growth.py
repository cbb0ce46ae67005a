"""Follower-growth anomalies from daily snapshots, judged against the account's own trend.

Method (robust statistics, no fixed jump size):
- The daily change between consecutive snapshots (a change over a gap of g days counts as g
  days at its average rate) is compared with the rolling median of the surrounding changes
  (± `window` snapshots): that median is the account's own local trend.
- Residuals are scaled by the account's robust spread, 1.4826 × MAD of all residuals, with a
  small noise floor (0.05% of the follower level per day, at least 1 follower) so a perfectly
  smooth series does not turn every ±1 into an anomaly.
- The scale is the larger of that global spread and the local one (rolling MAD), because
  growth noise grows with the growth rate.
- A jump is a residual of at least `z_threshold` robust standard deviations (default 6, about
  one in a billion for Gaussian noise) that adds at least 1% of the followers beyond the trend
  (smaller outliers cannot change who the audience is). Consecutive outlying days whose excess
  shrinks day by day are one "burst": the decay of organic virality, reported but not counted
  as risk; a jump 0–3 days after a post whose engagement spiked is marked as possibly organic.
  A jump is "round" when its excess over the trend is within
  noise of a common bought-follower package size (1k, 2k, 2.5k, 5k, 10k, ... followers). A drop
  of at least z_threshold / 2 within `purge_days` after a jump is a purge (bought followers
  removed by the platform or the seller); other large drops are reported as drops.
- Following churn: days whose following-count change is an outlier of the following series,
  grouped into bursts where a big rise is followed by a big fall (or the reverse) within
  `churn_days`: the follow/unfollow pattern of growth tools (HypeAuditor, "following graph").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.memo import Memo
from core.messages import Message
from vetting import messages as m
from vetting.scoring.records import asdict
from vetting.scoring.robust import median, rolling_median

PACKAGE_SIZES = (
    1_000,
    2_000,
    2_500,
    3_000,
    5_000,
    10_000,
    15_000,
    20_000,
    25_000,
    30_000,
    40_000,
    50_000,
    75_000,
    100_000,
    150_000,
    200_000,
    250_000,
    500_000,
    1_000_000,
)
MIN_SNAPSHOTS = 10
NOISE_FLOOR_SHARE = 0.0005  # of the follower level, per day
MIN_JUMP_SHARE = 0.01  # a jump must add at least 1% of the followers beyond the trend to matter


@dataclass
class Anomaly:
    """One unusual day: what happened, how big, and why it is unusual."""

    kind: str  # jump | purge | drop | following_churn
    date: dt.date
    size: int  # the change on that day (followers, or following for churn)
    expected: float  # what the account's own trend predicted
    robust_z: float
    reason: Message
    round_package: int | None = None
    related_date: dt.date | None = None  # the jump a purge undoes; the other side of a churn burst
    explained_by_post: dt.date | None = None  # a post with an engagement spike just before the jump

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        out["related_date"] = self.related_date.isoformat() if self.related_date else None
        out["explained_by_post"] = self.explained_by_post.isoformat() if self.explained_by_post else None
        out["robust_z"] = round(self.robust_z, 1)
        out["expected"] = round(self.expected, 1)
        return out


@dataclass
class GrowthReport:
    """Anomalies and the figures the growth signal is built from."""

    available: bool
    n_snapshots: int
    anomalies: list[Anomaly] = field(default_factory=list)
    trend_per_day: float | None = None
    noise_per_day: float | None = None
    anomalous_gain: int = 0  # followers gained in jumps beyond the trend
    anomalous_gain_share: float = 0.0  # of the latest follower count
    purge_loss: int = 0
    burst_gain: int = 0  # followers gained in decaying multi-day bursts (organic virality)
    churn_bursts: int = 0  # follow/unfollow waves
    max_gap_days: int = 0
    note: Message | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["anomalies"] = [a.as_dict() for a in self.anomalies]
        return out

    def as_report(self) -> dict[str, Any]:
        """`as_dict()` for a document made JSON at once (`core.stored_json.stored_json`, the
        vetting service's `_json_safe`): the same keys and values, its note left as a Message
        and the anomalies made dicts once (as_dict converts them twice). The same JSON text
        (tests/vetting/test_risk_as_report.py)."""
        # Written out (the fields in their order, tests/vetting/test_risk_as_report.py): a dict
        # display reads the attributes inline, where a copy of the instance's dict first made
        # one for it (its values are kept inline) and cost half as much again.
        return {
            "available": self.available,
            "n_snapshots": self.n_snapshots,
            "anomalies": [a.as_dict() for a in self.anomalies] if self.anomalies else [],
            "trend_per_day": self.trend_per_day,
            "noise_per_day": self.noise_per_day,
            "anomalous_gain": self.anomalous_gain,
            "anomalous_gain_share": self.anomalous_gain_share,
            "purge_loss": self.purge_loss,
            "burst_gain": self.burst_gain,
            "churn_bursts": self.churn_bursts,
            "max_gap_days": self.max_gap_days,
            "note": self.note,
        }


def _robust_scale(residuals: np.ndarray, floor: float) -> float:
    mad = float(median(np.abs(residuals - median(residuals))))
    return max(1.4826 * mad, floor)


def round_package(excess: float, tolerance: float) -> int | None:
    """The bought-follower package size `excess` is indistinguishable from, if any."""
    for size in PACKAGE_SIZES:
        if abs(excess - size) <= max(0.01 * size, tolerance):
            return size
    return None


def series_points(
    dates: Sequence[dt.date], values: Sequence[float | None]
) -> tuple[np.ndarray, np.ndarray, list[dt.date]]:
    """(days since the first point, values, dates) of the dated points that have a value, by
    date (a date given twice keeps its last value)."""
    pairs = sorted({d: v for d, v in zip(dates, values) if v is not None}.items())
    ds = [d for d, _ in pairs]
    vals = np.array([float(v) for _, v in pairs])
    days = np.array([(d - ds[0]).days for d in ds], dtype=float) if ds else np.array([])
    return days, vals, ds


@dataclass(frozen=True)
class FollowerFit:
    """A follower series (at least MIN_SNAPSHOTS points) against its own trend: the figures the
    anomaly rules of `growth_anomalies` read. Index i is the change from point i to i + 1."""

    dates: list[dt.date]
    values: np.ndarray
    gaps: np.ndarray  # days between the points
    change: np.ndarray
    trend: np.ndarray  # rolling median of the daily rate
    residual: np.ndarray  # daily rate − trend
    scale_local: np.ndarray  # the larger of the global and the local spread
    z: np.ndarray  # residual / scale_local
    level: float  # median follower count
    scale: float  # global robust spread
    trend_per_day: float  # median daily rate
    # The extremes `anomalies_of` reads first: most accounts have no day near a threshold, and
    # comparing these skips their masks. NaN when z holds a NaN (then every day is searched);
    # `extreme` makes a zero +0.0 (a max or min of 0.0 and -0.0 may be either).
    max_gap: float
    z_high: float  # z.max()
    z_low: float  # z.min()


@dataclass(frozen=True)
class FollowingFit:
    """A following series (at least MIN_SNAPSHOTS points) against its own trend (`following_churn`)."""

    dates: list[dt.date]
    gaps: np.ndarray
    change: np.ndarray
    trend: np.ndarray
    z: np.ndarray  # residual / the global robust spread
    z_far: float  # np.abs(z).max(), as FollowerFit's extremes


@dataclass(frozen=True)
class HistoryFit:
    """Both series of one history fitted, before any threshold: `growth_anomalies` is
    `anomalies_of(fit_history(...))`, and `vetting.scoring.growth_chunk` fits a chunk's histories
    at once."""

    n_snapshots: int  # follower points (dated, not None)
    followers: FollowerFit | None  # None: fewer than MIN_SNAPSHOTS points
    following: FollowingFit | None  # None: no following series, or fewer than MIN_SNAPSHOTS points
    following_given: bool  # whether a following series was passed (its churn is then reported)


def extreme(value: float) -> float:
    """A fit's max or min as a float, a zero as +0.0 (-0.0 + 0.0 is +0.0; the rest unchanged)."""
    return float(value) + 0.0


def fit_followers(days: np.ndarray, vals: np.ndarray, ds: list[dt.date], window: int) -> FollowerFit:
    """The follower series `_series` made (at least MIN_SNAPSHOTS points) against its trend."""
    gaps = np.diff(days)
    change = np.diff(vals)
    rate = change / gaps
    trend = rolling_median(rate, window)
    level = float(median(vals))
    floor = max(1.0, NOISE_FLOOR_SHARE * level)
    residual = rate - trend
    # The account's own variation: the larger of its overall robust spread and the local one
    # (growth noise scales with the growth rate, so a fast-growing month is noisier).
    scale_global = _robust_scale(residual, floor)
    local = 1.4826 * rolling_median(np.abs(residual - median(residual)), window * 2)
    scale_local = np.maximum(np.nan_to_num(local, nan=0.0), scale_global)
    z = residual / scale_local
    return FollowerFit(
        ds,
        vals,
        gaps,
        change,
        trend,
        residual,
        scale_local,
        z,
        level,
        scale_global,
        float(median(rate)),
        extreme(gaps.max()),
        extreme(z.max()),
        extreme(z.min()),
    )


def fit_following(days: np.ndarray, vals: np.ndarray, ds: list[dt.date], window: int) -> FollowingFit:
    """The following series `_series` made (at least MIN_SNAPSHOTS points) against its trend."""
    gaps = np.diff(days)
    change = np.diff(vals)
    rate = change / gaps
    trend = rolling_median(rate, window)
    residual = rate - trend
    scale = _robust_scale(residual, max(2.0, 0.002 * float(median(vals))))
    z = residual / scale
    return FollowingFit(ds, gaps, change, trend, z, extreme(np.abs(z).max()))


def fit_history(
    dates: Sequence[dt.date],
    followers: Sequence[float | None],
    following: Sequence[float | None] | None = None,
    *,
    window: int = 14,
) -> HistoryFit:
    """Both series of a snapshot history fitted against their trends (one account)."""
    days, vals, ds = series_points(dates, followers)
    if len(vals) < MIN_SNAPSHOTS:
        return HistoryFit(len(vals), None, None, following is not None)
    following_fit = None
    if following is not None:
        f_days, f_vals, f_ds = series_points(dates, following)
        if len(f_vals) >= MIN_SNAPSHOTS:
            following_fit = fit_following(f_days, f_vals, f_ds, window)
    return HistoryFit(len(vals), fit_followers(days, vals, ds, window), following_fit, following is not None)


def growth_anomalies(
    dates: Sequence[dt.date],
    followers: Sequence[float | None],
    following: Sequence[float | None] | None = None,
    *,
    z_threshold: float = 6.0,
    window: int = 14,
    purge_days: int = 60,
    churn_days: int = 7,
    viral_dates: Sequence[dt.date] = (),
) -> GrowthReport:
    """Jumps, round jumps, purges, drops, bursts and following churn in a snapshot history.

    `viral_dates`: days of posts whose engagement spiked; a jump 0–3 days after one is marked
    as possibly organic (`explained_by_post`)."""
    return anomalies_of(
        fit_history(dates, followers, following, window=window),
        z_threshold=z_threshold,
        purge_days=purge_days,
        churn_days=churn_days,
        viral_dates=viral_dates,
    )


def anomalies_of(
    fit: HistoryFit,
    *,
    z_threshold: float = 6.0,
    purge_days: int = 60,
    churn_days: int = 7,
    viral_dates: Sequence[dt.date] = (),
) -> GrowthReport:
    """`growth_anomalies` of a fitted history (its thresholds and rules; the module docstring)."""
    if fit.followers is None:
        return GrowthReport(
            available=False, n_snapshots=fit.n_snapshots, note=m.GROWTH_TOO_FEW(min=MIN_SNAPSHOTS, n=fit.n_snapshots)
        )
    f = fit.followers
    ds, vals, gaps, change, trend = f.dates, f.values, f.gaps, f.change, f.trend
    residual, scale_local, z, level, scale = f.residual, f.scale_local, f.z, f.level, f.scale
    report = GrowthReport(
        available=True,
        n_snapshots=fit.n_snapshots,
        trend_per_day=f.trend_per_day,
        noise_per_day=scale,
        max_gap_days=int(f.max_gap),
    )
    if report.max_gap_days > 7:
        report.note = m.GROWTH_GAPS(days=report.max_gap_days)

    jumps: list[Anomaly] = []
    bursts: list[Anomaly] = []
    viral = sorted(set(viral_dates or ()))
    # The masks are 1-D: their nonzero() is flatnonzero's result, without the ravel and dispatch
    # that were three quarters of its ~4 µs (three calls an account). None when the fit's
    # extremes are within the thresholds ("not below": a NaN extreme is searched).
    high = (z >= z_threshold).nonzero()[0].tolist() if not f.z_high < z_threshold else []
    for episode in _episodes(high):
        sizes = [float(residual[i] * gaps[i]) for i in episode]
        first = episode[0]
        if len(episode) >= 2 and all(b <= a * 1.05 for a, b in zip(sizes, sizes[1:])):
            # Several days in a row, each smaller than the one before: the decay of organic
            # virality (a post travelling), not the step of a delivered follower package.
            total = sum(sizes)
            reason = m.BURST(
                gain=int(sum(change[i] for i in episode)), days=len(episode), date=ds[first + 1], sizes=sizes
            )
            post = _viral_post_near(ds[first + 1], viral)
            if post:
                reason = m.JOINED(items=[reason, m.BURST_AFTER_POST(date=post)])
            bursts.append(
                Anomaly(
                    "burst",
                    ds[first + 1],
                    int(sum(change[i] for i in episode)),
                    float(sum(trend[i] * gaps[i] for i in episode)),
                    float(z[first]),
                    reason,
                )
            )
            report.burst_gain += int(max(total, 0))
            continue
        for i in episode:
            excess = float(residual[i] * gaps[i])
            expected = float(trend[i] * gaps[i])
            if excess < MIN_JUMP_SHARE * level:
                continue  # statistically odd but too small to change who the audience is
            package = round_package(excess, 3 * scale_local[i] * gaps[i])
            parts = [m.JUMP(change=int(change[i]), days=int(gaps[i]), expected=expected, z=float(z[i]))]
            if package:
                parts.append(m.JUMP_PACKAGE(excess=excess, package=package))
            post = _viral_post_near(ds[i + 1], viral)
            if post:
                parts.append(m.JUMP_AFTER_POST(date=post))
            reason = parts[0] if len(parts) == 1 else m.JOINED(items=parts)
            jump = Anomaly(
                "jump", ds[i + 1], int(change[i]), expected, float(z[i]), reason, package, explained_by_post=post
            )
            jumps.append(jump)
            report.anomalous_gain += int(max(excess, 0))
    drops: list[Anomaly] = []
    low = (z <= -z_threshold / 2).nonzero()[0].tolist() if not f.z_low > -z_threshold / 2 else []
    for i in low:
        date = ds[i + 1]
        loss = float(-residual[i] * gaps[i])
        expected = float(trend[i] * gaps[i])
        before = [j for j in jumps if 0 < (date - j.date).days <= purge_days]
        # A purge takes followers away (a real loss) worth a fifth of the jump or more.
        if before and change[i] < 0 and -change[i] >= 0.2 * (before[-1].size - before[-1].expected):
            jump = before[-1]
            reason = m.PURGE(change=int(change[i]), days=(date - jump.date).days, jump=jump.size, date=jump.date)
            drops.append(Anomaly("purge", date, int(change[i]), expected, float(z[i]), reason, related_date=jump.date))
            report.purge_loss += int(loss)
        elif z[i] <= -z_threshold:
            reason = m.DROP(change=int(change[i]), days=int(gaps[i]), expected=expected, z=float(-z[i]))
            drops.append(Anomaly("drop", date, int(change[i]), expected, float(z[i]), reason))
    report.anomalies = sorted(jumps + bursts + drops, key=lambda a: a.date)
    report.anomalous_gain_share = report.anomalous_gain / max(float(vals[-1]), 1.0)

    if fit.following_given:
        churn = _churn_of(fit.following, z_threshold=z_threshold * 0.75, churn_days=churn_days)
        report.anomalies.extend(churn)
        report.anomalies.sort(key=lambda a: (a.date, a.kind))
        # Waves: churn moves less than `churn_days` apart belong to one follow-then-unfollow wave.
        days_churn = sorted({a.date for a in churn})
        report.churn_bursts = sum(
            1 for i, d in enumerate(days_churn) if i == 0 or (d - days_churn[i - 1]).days > churn_days
        )
    return report


def _episodes(indices: list[int]) -> list[list[int]]:
    """Runs of consecutive indices: [3, 4, 5, 9] → [[3, 4, 5], [9]]."""
    out: list[list[int]] = []
    for i in indices:
        if out and i == out[-1][-1] + 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _viral_post_near(day: dt.date, viral: Sequence[dt.date], before: int = 3) -> dt.date | None:
    for d in viral:
        if 0 <= (day - d).days <= before:
            return d
    return None


def following_churn(
    dates: Sequence[dt.date],
    following: Sequence[float | None],
    *,
    z_threshold: float = 4.5,
    window: int = 14,
    churn_days: int = 7,
) -> list[Anomaly]:
    """Follow/unfollow bursts: an outlying rise of the following count followed within
    `churn_days` by an outlying fall (or the reverse)."""
    days, vals, ds = series_points(dates, following)
    if len(vals) < MIN_SNAPSHOTS:
        return []
    return _churn_of(fit_following(days, vals, ds, window), z_threshold=z_threshold, churn_days=churn_days)


def _churn_of(fit: FollowingFit | None, *, z_threshold: float, churn_days: int) -> list[Anomaly]:
    """`following_churn` of a fitted following series (none without one)."""
    if fit is None or fit.z_far < z_threshold:  # no day far enough (a NaN z_far: searched)
        return []
    ds, gaps, change, trend, z = fit.dates, fit.gaps, fit.change, fit.trend, fit.z
    big = (np.abs(z) >= z_threshold).nonzero()[0].tolist()
    out: list[Anomaly] = []
    used: set[int] = set()
    for a in big:
        if a in used:
            continue
        for b in big:
            if b <= a or b in used or np.sign(z[a]) == np.sign(z[b]):
                continue
            if (ds[b + 1] - ds[a + 1]).days > churn_days:
                break
            reason = m.CHURN(
                first=int(change[a]),
                first_date=ds[a + 1],
                second=int(change[b]),
                second_date=ds[b + 1],
                z1=abs(float(z[a])),
                z2=abs(float(z[b])),
            )
            for i, j in ((a, b), (b, a)):
                out.append(
                    Anomaly(
                        "following_churn",
                        ds[i + 1],
                        int(change[i]),
                        float(trend[i] * gaps[i]),
                        float(z[i]),
                        reason,
                        related_date=ds[j + 1],
                    )
                )
            used.update((a, b))
            break
    return out


def growth_summary(report: GrowthReport) -> Message:
    """One sentence for the vetting report."""
    if not report.available:
        return m.GROWTH_UNAVAILABLE(note=report.note)
    kinds: dict[str, int] = {}
    for a in report.anomalies:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    if not kinds:
        n = report.n_snapshots
        return _STEADY_SUMMARIES[n] if type(n) is int else m.GROWTH_STEADY(n=n)
    parts = [m.ANOMALY_COUNT(kind=k, n=n) for k, n in sorted(kinds.items())]
    if report.anomalous_gain:
        parts.append(m.GAINED_IN_JUMPS(gain=report.anomalous_gain, share=report.anomalous_gain_share))
    return m.JOINED(items=parts)


# The summary of a history without anomalies (most accounts), by its number of snapshots (an
# int: an equal number of another type would be stored as that type is): messages are never
# changed once made. Bounded: emptied when full.
_STEADY_SUMMARIES: Memo[int, Message] = Memo(lambda n: m.GROWTH_STEADY(n=n), limit=10_000)
