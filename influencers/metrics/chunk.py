"""`compute_account_metrics` over a whole chunk of accounts at once (pure, numpy).

The metrics service reads a chunk's snapshots and posts as flat arrays, one row per snapshot or
post, grouped by account (`HistoryArrays`), instead of a list of tuples per account: the post
window, followers at posting time, growth lookups, per-post rates and sums are array operations
over the chunk, and only the `details` of each account are built in Python (by the same
`assemble_account_metrics` as the reference, so the stored JSON is the same text).

Floats are the reference's bit for bit: a rate is int / int, which numpy's float64 division
rounds as Python does for counts below 2**53; medians are taken by `statistics.median` on the
Python floats; means divide the exact integer sum by the count, as `statistics.fmean` does.
Times are UTC, as the database returns them: a post's day is its UTC date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from influencers.metrics.account import GROWTH_HORIZONS, AccountMetricsResult, assemble_account_metrics
from influencers.metrics.days import day_number, day_of
from influencers.metrics.engagement import (
    FORMULA_BY_FOLLOWERS,
    FORMULA_XIAOHONGSHU,
    VIEWS,
    XIAOHONGSHU,
    EngagementResult,
    PostPoint,
    by_followers_result,
    by_views_result,
    er_definition,
    platform_result,
)
from influencers.metrics.growth import (
    GrowthResult,
    SnapshotPoint,
    cadence_result,
    growth_from,
    growth_result,
    no_posts_cadence,
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROS_PER_DAY = 86_400_000_000
# A missing count (following, posts, saves, views, shares) in the integer columns: counts are
# never negative (the models' checks).
MISSING = -1


@dataclass(frozen=True)
class HistoryArrays:
    """A chunk's snapshots and posts, each table grouped by account in chunk order.

    `snap_offsets[i]:snap_offsets[i + 1]` are account i's rows of the `snap_*` columns, oldest
    first (`snap_day`: days since 1970-01-01); `post_offsets` likewise for the `post_*` columns,
    newest first (`post_micros`: microseconds since 1970-01-01 UTC; equal times in the order
    the reference's stable sort keeps them). `MISSING` stands for an unknown count."""

    snap_offsets: np.ndarray
    snap_day: np.ndarray
    snap_followers: np.ndarray
    snap_following: np.ndarray
    snap_posts: np.ndarray
    post_offsets: np.ndarray
    post_micros: np.ndarray
    post_likes: np.ndarray
    post_comments: np.ndarray
    post_saves: np.ndarray
    post_views: np.ndarray
    post_shares: np.ndarray


def time_of(micros: int) -> dt.datetime:
    """The UTC time of a microsecond count since 1970-01-01."""
    return EPOCH + dt.timedelta(microseconds=micros)


def micros_of(time: dt.datetime) -> int:
    """Microseconds since 1970-01-01 UTC of an aware time."""
    return (time - EPOCH) // dt.timedelta(microseconds=1)


def _count(value: int | None) -> int:
    return MISSING if value is None else value


def history_arrays(snapshots: Sequence[Sequence[SnapshotPoint]], posts: Sequence[Sequence[PostPoint]]) -> HistoryArrays:
    """The arrays of per-account lists of points (any order; times UTC): what the tests compare
    the chunk computation with the reference on. The service reads the arrays from the database."""
    snaps = [sorted(points, key=lambda s: s.date) for points in snapshots]
    # Newest first; equal times keep their order, as the reference's stable sort does.
    newest_first = [sorted(points, key=lambda p: p.posted_at, reverse=True) for points in posts]
    flat_snaps = [s for points in snaps for s in points]
    flat_posts = [p for points in newest_first for p in points]
    return HistoryArrays(
        snap_offsets=np.cumsum([0, *map(len, snaps)], dtype=np.int64),
        snap_day=np.array([day_number(s.date) for s in flat_snaps], dtype=np.int64),
        snap_followers=np.array([s.followers for s in flat_snaps], dtype=np.int64),
        snap_following=np.array([_count(s.following) for s in flat_snaps], dtype=np.int64),
        snap_posts=np.array([_count(s.posts) for s in flat_snaps], dtype=np.int64),
        post_offsets=np.cumsum([0, *map(len, newest_first)], dtype=np.int64),
        post_micros=np.array([micros_of(p.posted_at) for p in flat_posts], dtype=np.int64),
        post_likes=np.array([p.likes for p in flat_posts], dtype=np.int64),
        post_comments=np.array([p.comments for p in flat_posts], dtype=np.int64),
        post_saves=np.array([_count(p.saves) for p in flat_posts], dtype=np.int64),
        post_views=np.array([_count(p.views) for p in flat_posts], dtype=np.int64),
        post_shares=np.array([_count(p.shares) for p in flat_posts], dtype=np.int64),
    )


def _owner(offsets: np.ndarray) -> np.ndarray:
    """The account index of each row of a table grouped by `offsets`."""
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


@dataclass(frozen=True)
class _Window:
    """The posts each account's figures use: `rows` (indices into the post columns, grouped by
    account, newest first) with `offsets`; `in_window` counts every post of the window (the
    cadence), `rows` only the `n_posts` newest of them."""

    rows: np.ndarray
    offsets: np.ndarray
    in_window: np.ndarray
    newest: np.ndarray  # each account's newest post time (µs); any value without posts (in_window 0)


def _post_window(history: HistoryArrays, as_of_micros: int, n_posts: int, window_days: int) -> _Window:
    """`recent_posts` for every account: the posts no later than `as_of` of the `window_days`
    ending at the account's newest such post, the `n_posts` newest of them."""
    offsets = history.post_offsets
    n = len(offsets) - 1
    owner = _owner(offsets)
    kept = history.post_micros <= as_of_micros
    # Rows are newest first per account, so an account's first kept row is its newest post.
    kept_rows = np.flatnonzero(kept)
    accounts_with_posts, first = np.unique(owner[kept_rows], return_index=True)
    newest = np.zeros(n, dtype=np.int64)
    newest[accounts_with_posts] = history.post_micros[kept_rows[first]]
    start = newest - window_days * MICROS_PER_DAY
    in_window = kept & (history.post_micros > start[owner])  # accounts without kept posts: no row
    window_rows = np.flatnonzero(in_window)
    window_count = np.bincount(owner[window_rows], minlength=n)
    # Rank of each window row among its account's window rows (0: the newest).
    window_offsets = np.concatenate(([0], np.cumsum(window_count)))
    rank = np.arange(len(window_rows)) - window_offsets[owner[window_rows]]
    used_count = np.minimum(window_count, n_posts)
    return _Window(window_rows[rank < n_posts], np.concatenate(([0], np.cumsum(used_count))), window_count, newest)


def _search(history: HistoryArrays, account: np.ndarray, day: np.ndarray, side: str) -> np.ndarray:
    """`bisect` (`side`: "left" or "right") of each day in its account's snapshot days, as a row
    index of the chunk (between the account's first row and one past its last). One search over
    the chunk: the days shifted by their account's position are sorted as a whole."""
    days = history.snap_day
    base = int(days.min()) - 1
    span = int(days.max()) - base + 2
    keys = _owner(history.snap_offsets) * span + (days - base)
    found = np.searchsorted(keys, account * span + np.clip(day - base, 0, span - 1), side=side)  # type: ignore[call-overload]
    return np.clip(found, history.snap_offsets[account], history.snap_offsets[account + 1])


def _nearest_followers(history: HistoryArrays, account: np.ndarray, day: np.ndarray) -> np.ndarray:
    """`followers_at(...).followers` for each (account index, day): the followers of the
    account's snapshot nearest the day, the earlier one on a tie. Every account asked about
    must have a snapshot."""
    if not len(account):
        return np.zeros(0, dtype=np.int64)
    lo, hi = history.snap_offsets[account], history.snap_offsets[account + 1]
    i = _search(history, account, day, "left")
    before, after = np.maximum(i - 1, lo), np.minimum(i, hi - 1)
    days = history.snap_day
    pick_before = (i == hi) | ((i > lo) & (day - days[before] <= days[after] - day))
    return history.snap_followers[np.where(pick_before, before, after)]


def _at_or_before(history: HistoryArrays, account: np.ndarray, day: np.ndarray) -> np.ndarray:
    """For each (account index, day): the row of the account's latest snapshot dated `day` or
    earlier, or -1."""
    if not len(history.snap_day):
        return np.full(len(account), -1, dtype=np.int64)
    i = _search(history, account, day, "right") - 1
    return np.where(i >= history.snap_offsets[account], i, -1)


def _rates(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator where the denominator is known and > 0 (NaN elsewhere: skipped)."""
    known = denominator > 0
    return np.where(known, numerator / np.where(known, denominator, 1), np.nan)


def round_6(values: np.ndarray) -> list[float]:
    """`round(value, 6)` of each value (finite, not negative), as Python computes it: the value
    times 10**6 rounded half to even to an integer k, then the double nearest to k / 10**6. numpy
    finds k from the double nearest to value × 10**6, which lies within half a unit in the last
    place of the exact product: k is the same wherever that double is more than a unit in the
    last place from a half (between two integers); nearer (and beyond 2**52, negative or NaN),
    Python's round decides. Dividing the integer k by 10**6 (both exact) rounds as Python's
    conversion of the decimal back does: to the nearest double."""
    scaled = values * 1e6
    fraction = scaled - np.floor(scaled)  # exact for 0 <= scaled < 2**52
    doubtful = ~((scaled >= 0) & (scaled < 2.0**52)) | (np.abs(fraction - 0.5) <= np.spacing(scaled))
    rounded = (np.rint(scaled) / 1e6).tolist()
    for i in np.flatnonzero(doubtful).tolist():
        rounded[i] = round(float(values[i]), 6)
    return rounded


def _split_rates(rates: np.ndarray, offsets: np.ndarray) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """Each account's known rates as Python floats in post order, and the same rounded to 6
    places (`round_6`): the unknown ones (NaN) dropped in numpy, and each account's run cut
    from one list (not a test per rate in Python)."""
    known = ~np.isnan(rates)
    kept = rates[known]
    values, rounded = kept.tolist(), round_6(kept)
    bounds = np.concatenate(([0], np.cumsum(known, dtype=np.int64)))[offsets].tolist()
    runs = list(zip(bounds[:-1], bounds[1:]))
    return [tuple(values[a:b]) for a, b in runs], [tuple(rounded[a:b]) for a, b in runs]


def _sums(values: np.ndarray, offsets: np.ndarray) -> list[int]:
    """Each account's exact integer sum of `values` (grouped by `offsets`)."""
    totals = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    return (totals[offsets[1:]] - totals[offsets[:-1]]).tolist()


def chunk_metrics(
    platforms: Sequence[str],
    history: HistoryArrays,
    *,
    as_of: dt.datetime,
    n_posts: int,
    window_days: int,
) -> list[AccountMetricsResult]:
    """`compute_account_metrics(platform=platforms[i], posts=…, snapshots=…, as_of=as_of, …)`
    of every account i of `history`, equal to it field for field (`as_of` in UTC)."""
    n = len(platforms)
    last_day = day_number(as_of.date())
    if len(history.snap_day) and history.snap_day.max() > last_day:
        history = _snapshots_until(history, last_day)
    snap_count = np.diff(history.snap_offsets)
    has_snaps = snap_count > 0
    last_snap = history.snap_offsets[1:] - 1
    window = _post_window(history, micros_of(as_of), n_posts, window_days)

    used = window.rows
    used_owner = _owner(window.offsets)
    with_snaps = has_snaps[used_owner]
    followers_then = np.zeros(len(used), dtype=np.int64)
    post_day = history.post_micros[used] // MICROS_PER_DAY
    followers_then[with_snaps] = _nearest_followers(history, used_owner[with_snaps], post_day[with_snaps])
    likes, comments = history.post_likes[used], history.post_comments[used]
    counts = {
        "likes": likes,
        "comments": comments,
        "saves": np.maximum(history.post_saves[used], 0),
        "shares": np.maximum(history.post_shares[used], 0),
    }
    views = history.post_views[used]
    by_followers, by_followers_rounded = _split_rates(_rates(likes + comments, followers_then), window.offsets)
    by_views, by_views_rounded = _split_rates(_rates(likes + comments, views), window.offsets)
    xhs_rates, xhs_rounded = _split_rates(_rates(likes + counts["saves"] + comments, followers_then), window.offsets)
    platform_rates, platform_rounded = _platform_rates(
        platforms, counts, views, followers_then, window.offsets, used_owner
    )

    like_sums, comment_sums = _sums(likes, window.offsets), _sums(comments, window.offsets)
    has_views = views >= 0
    view_sums = _sums(np.where(has_views, views, 0), window.offsets)
    view_counts = _sums(has_views.astype(np.int64), window.offsets)
    latest_points = _points(history, np.where(has_snaps, last_snap, -1))
    growth = _growth(history, latest_points, last_snap)

    results = []
    used_counts = np.diff(window.offsets).tolist()
    newest = window.newest.tolist()
    in_window = window.in_window.tolist()
    for i in range(n):
        latest = latest_points[i]
        # The newest post is in its own window: no post in it means no post at all.
        posts_end = time_of(newest[i]) if in_window[i] else None
        used_count = used_counts[i]
        definition = er_definition(platforms[i])
        xhs: EngagementResult | None = (
            by_followers_result(FORMULA_XIAOHONGSHU, xhs_rates[i], latest is not None, xhs_rounded[i])
            if platforms[i] == XIAOHONGSHU
            else None
        )
        results.append(
            assemble_account_metrics(
                platform=platforms[i],
                as_of=as_of,
                n_posts=n_posts,
                window_days=window_days,
                latest=latest,
                posts_end=posts_end,
                last_post=posts_end,
                used_count=used_count,
                engagement=(
                    platform_result(
                        definition, platform_rates[i], used_count > 0, latest is not None, platform_rounded[i]
                    ),
                    by_followers_result(
                        FORMULA_BY_FOLLOWERS, by_followers[i], latest is not None, by_followers_rounded[i]
                    ),
                    by_views_result(by_views[i], by_views_rounded[i]),
                    xhs,
                ),
                averages=(
                    like_sums[i] / used_count if used_count else None,
                    comment_sums[i] / used_count if used_count else None,
                    view_sums[i] / view_counts[i] if view_counts[i] else None,
                ),
                growth=growth[i],
                cadence=(
                    cadence_result(in_window[i], posts_end, window_days)
                    if posts_end is not None
                    else no_posts_cadence(window_days)
                ),
            )
        )
    return results


def _snapshots_until(history: HistoryArrays, last_day: int) -> HistoryArrays:
    """`history` without the snapshots dated after `last_day` (the cut-off)."""
    kept = history.snap_day <= last_day
    counts = np.bincount(_owner(history.snap_offsets)[kept], minlength=len(history.snap_offsets) - 1)
    return replace(
        history,
        snap_offsets=np.concatenate(([0], np.cumsum(counts))),
        snap_day=history.snap_day[kept],
        snap_followers=history.snap_followers[kept],
        snap_following=history.snap_following[kept],
        snap_posts=history.snap_posts[kept],
    )


def _points(history: HistoryArrays, rows: np.ndarray) -> list[SnapshotPoint | None]:
    """The snapshots at `rows` of the snapshot columns (-1: None)."""
    if not len(history.snap_day):
        return [None] * len(rows)
    at = np.maximum(rows, 0)
    columns = (history.snap_day, history.snap_followers, history.snap_following, history.snap_posts)
    day, followers, following, posts = (column[at].tolist() for column in columns)
    return [
        SnapshotPoint(day_of(d), f, None if g == MISSING else g, None if p == MISSING else p) if row >= 0 else None
        for row, d, f, g, p in zip(rows.tolist(), day, followers, following, posts, strict=True)
    ]


def _platform_rates(
    platforms: Sequence[str],
    counts: dict[str, np.ndarray],
    views: np.ndarray,
    followers_then: np.ndarray,
    offsets: np.ndarray,
    used_owner: np.ndarray,
) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """Each account's per-post rates by its platform's ER definition (`post_engagement_rates`),
    and the same rounded (`_split_rates`)."""
    definitions = [er_definition(p) for p in platforms]
    by_views = np.array([d.denominator == VIEWS for d in definitions], dtype=bool)
    numerator = np.zeros(len(views), dtype=np.int64)
    for name, values in counts.items():
        counted = np.array([name in d.counts for d in definitions], dtype=bool)
        numerator += np.where(counted[used_owner], values, 0)
    denominator = np.where(by_views[used_owner], views, followers_then)
    return _split_rates(_rates(numerator, denominator), offsets)


def _growth(
    history: HistoryArrays, latest: list[SnapshotPoint | None], last_snap: np.ndarray
) -> list[dict[int, GrowthResult]]:
    """`follower_growth` at every horizon of every account (`latest`: its newest snapshot): the
    snapshot at or before each horizon found by one array search per horizon, and each result
    made from plain values and day texts made once per day (`growth_from`), without a
    SnapshotPoint or a date per horizon: `growth_result` of each cost a fifth of the chunk."""
    with_snaps = np.flatnonzero([point is not None for point in latest]).astype(np.int64)
    no_snapshots = {h: growth_result(h, None, None, None) for h in GROWTH_HORIZONS}
    growth: list[dict[int, GrowthResult]] = [no_snapshots] * len(latest)
    if not len(with_snaps):
        return growth
    latest_day = history.snap_day[last_snap[with_snaps]]
    latest_days, latest_followers = latest_day.tolist(), history.snap_followers[last_snap[with_snaps]].tolist()
    first_days = history.snap_day[history.snap_offsets[with_snaps]].tolist()
    then = {}
    for h in GROWTH_HORIZONS:
        rows = _at_or_before(history, with_snaps, latest_day - h)
        at = np.maximum(rows, 0)
        then[h] = ((rows >= 0).tolist(), history.snap_day[at].tolist(), history.snap_followers[at].tolist())
    for k, i in enumerate(with_snaps.tolist()):
        day, followers = latest_days[k], latest_followers[k]
        growth[i] = {
            h: growth_from(h, day, followers, found[k], then_days[k], then_followers[k], first_days[k])
            for h, (found, then_days, then_followers) in then.items()
        }
    return growth
