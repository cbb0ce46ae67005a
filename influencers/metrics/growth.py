"""Follower growth and posting cadence from an account's history (pure functions)."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from influencers.metrics.days import day_number, day_text


class SnapshotPoint(NamedTuple):
    """The public counters of an account on one day. A named tuple, not a frozen dataclass:
    metrics and vetting make one per snapshot read (90-365 per account), and a frozen
    dataclass's __init__ cost several times a tuple's."""

    date: dt.date
    followers: int
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True)
class GrowthResult:
    """Relative follower change over a horizon, or None with the reason it cannot be computed."""

    horizon_days: int
    value: float | None
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_details(self) -> dict[str, Any]:
        return {"value": self.value, "formula": self.formula, **self.inputs}


def followers_at(
    snapshots: Sequence[SnapshotPoint], day: dt.date, *, dates: Sequence[dt.date] | None = None
) -> SnapshotPoint | None:
    """The snapshot nearest to `day` (either side; on a tie the earlier one), or None.

    `snapshots` must be sorted by date. Nearest rather than "at or before" because a post's
    audience at posting time is best approximated by whichever count was taken closest to it.
    `dates` (the snapshots' dates) may be passed by a caller that looks up many days, so they
    are listed once, not once per post.
    """
    if not snapshots:
        return None
    if dates is None:
        dates = [s.date for s in snapshots]
    return snapshots[nearest_index(dates, day)]


def nearest_index(dates: Sequence[dt.date], day: dt.date) -> int:
    """The index of the date of `dates` (sorted, not empty) nearest to `day`, the earlier on a
    tie: the rule of `followers_at` and `followers_on`."""
    i = bisect.bisect_left(dates, day)
    if i == 0:
        return 0
    if i == len(dates):
        return i - 1
    after = dates[i]
    if after == day:
        return i
    return i - 1 if (day - dates[i - 1]) <= (after - day) else i


def followers_on(
    dates: Sequence[dt.date], followers: Sequence[Any], days: Sequence[dt.date], default: Any = None
) -> list[Any]:
    """The followers of the snapshot `followers_at` picks for each of `days`, from a history
    given as its `dates` (sorted) and `followers` columns; `default` for every day when the
    history is empty. The vetting scorer looks up every recent post of every account from the
    columns it read: a SnapshotPoint per snapshot made only to be read back cost more than the
    searches."""
    if not dates:
        return [default] * len(days)
    return [followers[nearest_index(dates, day)] for day in days]


def snapshot_at_or_before(snapshots: Sequence[SnapshotPoint], day: dt.date) -> SnapshotPoint | None:
    """The latest snapshot dated `day` or earlier (snapshots sorted by date), or None."""
    dates = [s.date for s in snapshots]
    i = bisect.bisect_right(dates, day)
    return snapshots[i - 1] if i else None


@functools.cache
def days(count: int) -> dt.timedelta:
    """`count` days as a timedelta, made once per count: the metrics look back the same few
    horizons and windows for every account, and making a timedelta cost more than using it."""
    return dt.timedelta(days=count)


@functools.cache
def growth_formula(horizon_days: int) -> str:
    """The formula of the growth over `horizon_days` (made once per horizon)."""
    return f"(followers[latest] − followers[latest − {horizon_days}d]) / followers[latest − {horizon_days}d]"


def follower_growth(
    snapshots: Sequence[SnapshotPoint], horizon_days: int, *, max_gap_days: int | None = None
) -> GrowthResult:
    """Relative follower growth over `horizon_days`, measured back from the latest snapshot.

    growth = (followers_latest − followers_then) / followers_then, where "then" is the nearest
    snapshot at or before (latest date − horizon). None when the history does not reach back that
    far, when that snapshot is more than `max_gap_days` (default: half the horizon, at least 3)
    older than the horizon (the figure would describe a much longer period), or when it had 0
    followers. `snapshots` must be sorted by date.
    """
    if not snapshots:
        return growth_result(horizon_days, None, None, None, max_gap_days=max_gap_days)
    latest = snapshots[-1]
    then = snapshot_at_or_before(snapshots, latest.date - days(horizon_days))
    return growth_result(horizon_days, latest, then, snapshots[0].date, max_gap_days=max_gap_days)


def growth_result(
    horizon_days: int,
    latest: SnapshotPoint | None,
    then: SnapshotPoint | None,
    first_date: dt.date | None,
    *,
    max_gap_days: int | None = None,
) -> GrowthResult:
    """`follower_growth` once its snapshots are found: `latest`, `then` (the latest snapshot at
    or before latest − horizon, None: none) and the first snapshot's date (None: no snapshot).
    Shared with the chunk computation, which finds them by array search (`growth_from`)."""
    if latest is None or first_date is None:
        return GrowthResult(horizon_days, None, growth_formula(horizon_days), {"reason": "no snapshots"})
    return growth_from(
        horizon_days,
        day_number(latest.date),
        latest.followers,
        then is not None,
        day_number(then.date) if then is not None else 0,
        then.followers if then is not None else 0,
        day_number(first_date),
        max_gap_days=max_gap_days,
    )


def growth_from(
    horizon: int,
    day: int,
    followers: int,
    found: bool,
    then_day: int,
    then_followers: int,
    first_day: int,
    *,
    max_gap_days: int | None = None,
) -> GrowthResult:
    """The growth of an account whose newest snapshot (`day`, `followers`) exists, from day
    numbers (days since 1970-01-01): `then_day` and `then_followers` are those of the latest
    snapshot at or before the horizon if `found`, `first_day` the first snapshot's. The chunk
    computation calls it with plain values, without a date or SnapshotPoint per horizon."""
    formula = growth_formula(horizon)
    target = day - horizon
    if not found:
        return GrowthResult(
            horizon,
            None,
            formula,
            {"reason": f"history starts {day_text(first_day)}, after the horizon {day_text(target)}"},
        )
    gap_limit = max(3, horizon // 2) if max_gap_days is None else max_gap_days
    gap = target - then_day
    inputs: dict[str, Any] = {
        "from_date": day_text(then_day),
        "from_followers": then_followers,
        "to_date": day_text(day),
        "to_followers": followers,
    }
    if gap > gap_limit:
        inputs["reason"] = f"nearest snapshot before the horizon is {gap} days older than it (limit {gap_limit})"
        return GrowthResult(horizon, None, formula, inputs)
    if then_followers == 0:
        inputs["reason"] = "0 followers at the start of the period"
        return GrowthResult(horizon, None, formula, inputs)
    return GrowthResult(horizon, (followers - then_followers) / then_followers, formula, inputs)


def posting_cadence(
    post_times: Sequence[dt.datetime], as_of: dt.datetime, window_days: int = 90
) -> tuple[float, dict[str, Any]]:
    """Posts per week over the `window_days` ending at `as_of`: count / (window_days / 7).

    The metrics pass the account's newest post as `as_of`, so the window is the data's own last
    quarter, not today's. The whole window is the denominator even for a young account: we
    cannot tell a new account from one whose older posts were never collected, and a low figure
    is the safer error.
    """
    start = as_of - dt.timedelta(days=window_days)
    return cadence_result(sum(1 for t in post_times if start < t <= as_of), as_of, window_days)


def cadence_result(count: int, as_of: dt.datetime, window_days: int) -> tuple[float, dict[str, Any]]:
    """`posting_cadence` once the `count` posts of the window ending at `as_of` are counted."""
    value = count / (window_days / 7)
    # Its date is its first ten characters (YYYY-MM-DD); `assemble_account_metrics` reads the
    # whole text back as the window's end ("to"), so the newest post's text is made once.
    as_of_text = as_of.isoformat()
    return value, {
        "value": value,
        "formula": f"posts in the {window_days} days up to {as_of_text[:10]} / ({window_days} / 7)",
        "posts": count,
        "window_days": window_days,
        "to": as_of_text,
    }


def no_posts_cadence(window_days: int) -> tuple[float, dict[str, Any]]:
    """The cadence of an account without posts (no window to count in)."""
    return 0.0, {"value": 0.0, "formula": "no posts", "posts": 0, "window_days": window_days}
