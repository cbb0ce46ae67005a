"""Engagement against the benchmark of the account's platform and follower tier, and
engagement anomalies (likes/comments ratio, views/followers, sudden changes between posts).

The engagement rate is the catalogue's one ER per platform (`influencers.metrics.engagement`:
`er_definition`, `platform_engagement`, the 12 newest posts of the 90 days ending at the newest
post): the vetting service passes the stored headline (`StoredEngagement`), so the signal and
the page show the same number; without one it is computed here by the same function. The
benchmark table is data (`data/er_benchmarks.json`, with sources and date); pass another table
(same format) to override it. Each platform row states the formula its figures were measured
with, which is the ER definition of that platform (a test keeps the two equal): by followers
(Instagram, Xiaohongshu, Weibo, X, Facebook, Pinterest) or by views (TikTok, Douyin, YouTube,
Bilibili).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np

from core.messages import Message
from influencers.metrics.engagement import (
    VIEWS,
    ERDefinition,
    PostPoint,
    er_definition,
    platform_result,
    post_counters,
    post_engagement_rates_by_history,
    recent_posts,
)
from influencers.metrics.growth import SnapshotPoint, followers_on
from vetting import messages as m
from vetting.scoring.records import asdict
from vetting.scoring.robust import median_of, rolling_median_of

BENCHMARKS_PATH = Path(__file__).with_name("data") / "er_benchmarks.json"
RECENT_POSTS = 30  # posts read for the engagement pattern (likes per comment, spikes, shifts)
SPIKE_Z = 4.0
LOG_NOISE_FLOOR = 0.15  # post-to-post ER varies at least ~15% for any account
SHIFT_FACTOR = 3.0


@dataclass
class PostStats:
    """The counters of one post that engagement needs."""

    post_id: Any
    posted_at: dt.datetime | dt.date
    likes: float = 0
    comments: float = 0
    shares: float | None = None
    saves: float | None = None
    views: float | None = None
    is_sponsored: bool = False


@dataclass(frozen=True)
class StoredEngagement:
    """An account's stored headline engagement rate (AccountMetrics.engagement_rate, er_formula,
    er_posts_used): what the signal compares with the benchmark, so it is the figure the pages,
    filters and exports show."""

    value: float | None
    formula: str
    posts_used: int


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_benchmarks(path: str | Path | None = None) -> dict[str, Any]:
    """The benchmark table (default: the committed one)."""
    return _load(str(path or BENCHMARKS_PATH))


def tier_for(followers: float, table: dict[str, Any] | None = None) -> str:
    """Follower tier name (nano, micro, mid, macro, mega) of a follower count."""
    table = table or load_benchmarks()
    for tier in table["tiers"]:
        top = tier["max_followers"]
        if followers >= tier["min_followers"] and (top is None or followers < top):
            return tier["name"]
    return table["tiers"][-1]["name"]


def benchmark_for(platform: str, followers: float, table: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """{platform, tier, median, low, high, formula, denominator, counts, evidence, sources} or
    None when the table has no row for the platform."""
    table = table or load_benchmarks()
    row = table["platforms"].get(platform)
    if row is None:
        return None
    tier = tier_for(followers, table)
    return {
        "platform": platform,
        "tier": tier,
        **row["tiers"][tier],
        "formula": row["formula"],
        "denominator": row["denominator"],
        "counts": row["counts"],
        "evidence": row.get("evidence", ""),
        "likes_per_comment": row.get("likes_per_comment"),
        "views_per_follower": row.get("views_per_follower"),
        "sources": {key: table["sources"].get(key, key) for key in row.get("sources", [])},
        "as_of": table.get("as_of"),
    }


# (id(table), platform, tier) → (table, `benchmark_for`'s dict): made once per table, platform
# and tier, not once per account (a dozen dict lookups and a dict of sources each time). The
# table is kept with its id, so the id names no other table while the entry lives; a table
# is data read once and never changed (`load_benchmarks` shares one dict between all callers).
# The shared dicts are only read (the report's `as_dict` copies them).
_SHARED_BENCHMARKS: dict[tuple[int, str, str], tuple[dict[str, Any], dict[str, Any] | None]] = {}
_SHARED_BENCHMARKS_MAX = 1024  # tables made by tests; the service uses one


def _shared_benchmark(platform: str, followers: float, table: dict[str, Any]) -> dict[str, Any] | None:
    """`benchmark_for(platform, followers, table)`, one dict shared by every report that asks."""
    if platform not in table["platforms"]:
        return None
    key = (id(table), platform, tier_for(followers, table))
    found = _SHARED_BENCHMARKS.get(key)
    if found is None:
        if len(_SHARED_BENCHMARKS) >= _SHARED_BENCHMARKS_MAX:
            _SHARED_BENCHMARKS.clear()
            _SHARED_BY_ID.clear()
        found = _SHARED_BENCHMARKS[key] = (table, benchmark_for(platform, followers, table))
        if found[1] is not None:
            _SHARED_BY_ID[id(found[1])] = found[1]
    return found[1]


_SHARED_BY_ID: dict[int, dict[str, Any]] = {}  # the shared benchmarks by id (kept: no id reused)


def is_shared_benchmark(bench: dict[str, Any]) -> bool:
    """Whether `bench` is one of the benchmark dicts the reports share (never changed once made),
    so what is made of it alone may be kept with it."""
    return _SHARED_BY_ID.get(id(bench)) is bench


@dataclass
class EngagementChange:
    """A post whose engagement breaks sharply from the account's recent level."""

    post_id: Any
    date: str
    kind: str  # spike | dip | shift
    engagement_rate: float
    expected: float
    robust_z: float
    reason: Message


@dataclass
class EngagementReport:
    """Engagement figures of an account with the benchmark they are compared against."""

    available: bool
    platform: str
    followers: float
    posts_used: int  # posts the engagement rate is the median of
    engagement_rate: float | None = None
    formula: str = ""
    benchmark: dict[str, Any] | None = None
    er_ratio: float | None = None  # engagement_rate / benchmark median
    position: str = "unknown"  # far below | below | within | above | far above
    likes_per_comment: float | None = None
    views_per_follower: float | None = None
    changes: list[EngagementChange] = field(default_factory=list)
    pattern_posts: int = 0  # newest posts read for likes per comment and sudden changes
    note: Message | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_report(self) -> dict[str, Any]:
        """`as_dict()` for a document made JSON at once (`core.stored_json.stored_json`, the
        vetting service's `_json_safe`): the same keys and values, the changes as dicts, but
        messages left as Messages and nothing copied (the benchmark's copy was most of the cost).
        The same JSON text (tests/vetting/test_risk_as_report.py)."""
        out = {name: getattr(self, name) for name in _REPORT_FIELDS}
        out["changes"] = [{name: getattr(c, name) for name in _CHANGE_FIELDS} for c in self.changes]
        return out


_REPORT_FIELDS = tuple(f.name for f in fields(EngagementReport))
_CHANGE_FIELDS = tuple(f.name for f in fields(EngagementChange))


def _date(value: dt.datetime | dt.date) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)


# PostPoint(posted_at, likes, comments, saves, views, shares) made in C (the named tuple's own
# __new__ is a Python function; an account has a dozen posts or more).
_new_post_point = functools.partial(tuple.__new__, PostPoint)
_POSTED_AT = attrgetter("posted_at")
_SNAPSHOT_DATE = attrgetter("date")


def _points(posts: Sequence[PostStats], moments: Sequence[dt.datetime]) -> list[PostPoint]:
    """The counters of each of `posts` as a PostPoint (unknown likes and comments 0, the other
    counts kept unknown, each count an int) published at its moment (its `_moment`): one
    comprehension, not a function call per post and count (the vetting service rates a dozen
    posts of thousands of accounts)."""
    return [
        _new_post_point(
            (
                moment,
                int(post.likes or 0),
                int(post.comments or 0),
                None if post.saves is None else int(post.saves),
                None if post.views is None else int(post.views),
                None if post.shares is None else int(post.shares),
            )
        )
        for post, moment in zip(posts, moments, strict=True)
    ]


FollowerHistory = tuple[Sequence[dt.date], Sequence[Any]]

_VIEWS = attrgetter("views")


def _rates(
    posts: Sequence[PostStats],
    moments: Sequence[dt.datetime],
    definition: ERDefinition,
    columns: FollowerHistory,
    current: float | None,
) -> list[float | None]:
    """`post_engagement_rates_by_history` of the `_points` of `posts` published at `moments`.

    When the counters it adds up and divides by are ints or unknown (as the database gives
    them), a post's point holds the same numbers (`int` of an int is itself, an unknown or zero
    count is left out of the sum either way), so the posts are rated as they are, without a
    point each; a sum of ints is an int, so one `sum` of the posts' sums tells. Otherwise
    (fractions, NaN) through their points, which truncate or fail as before."""
    counters = post_counters(definition.counts)
    # Each post's interactions as `post_interactions` adds them: unknown (None) and zero ones left out.
    totals = list(map(sum, map(filter, itertools.repeat(None), map(counters, posts))))
    if type(sum(totals)) is int:
        if definition.denominator == VIEWS:
            views = list(map(_VIEWS, posts))
            if type(sum(filter(None, views))) is int:
                return [total / view if view else None for total, view in zip(totals, views)]
        else:
            bases = followers_on(*columns, [moment.date() for moment in moments], current)
            return [total / base if base else None for total, base in zip(totals, bases)]
    return post_engagement_rates_by_history(_points(posts, moments), definition, *columns, current)


def _follower_columns(snapshots: Sequence[SnapshotPoint], history: FollowerHistory | None) -> FollowerHistory:
    """The (dates, followers) columns of the history sorted by date: of `history` when given
    (kept as they are when already in order, as the vetting service reads them), else of
    `snapshots`; a stable sort, so same-day snapshots keep their order either way."""
    if history is None:
        snaps = sorted(snapshots, key=_SNAPSHOT_DATE)  # in C: 90-365 snapshots an account
        return [s.date for s in snaps], [s.followers for s in snaps]
    dates, followers = history
    if all(map(operator.le, dates, itertools.islice(dates, 1, None))):
        return dates, followers
    order = sorted(range(len(dates)), key=dates.__getitem__)
    return [dates[i] for i in order], [followers[i] for i in order]


def engagement_report(
    *,
    platform: str,
    followers: float,
    posts: Sequence[PostStats],
    table: dict[str, Any] | None = None,
    recent: int = RECENT_POSTS,
    snapshots: Sequence[SnapshotPoint] = (),
    history: FollowerHistory | None = None,
    stored: StoredEngagement | None = None,
) -> EngagementReport:
    """The account's engagement rate against the platform/tier benchmark, likes per comment,
    views per follower and sudden changes.

    The rate is `stored` (the account's headline ER) when given, else `platform_engagement` over
    the `recent_posts` of `posts`; `snapshots` give the followers at posting time (without them:
    `followers`), or `history`, the same as (dates, followers) columns, read instead of them
    when given (no SnapshotPoint made per day). The pattern figures read the `recent` newest
    posts, each rated by the same per-post definition."""
    table = table or load_benchmarks()
    # Each post's moment once (the sort and the points read it): the newest `recent` posts, by
    # a stable sort as sorting the posts themselves by it.
    posts = list(posts)
    moments = list(map(_POSTED_AT, posts))
    if not all(map(isinstance, moments, itertools.repeat(dt.datetime))):  # dates among them: their midnights
        moments = list(map(_moment, moments))
    order = sorted(range(len(moments)), key=moments.__getitem__)[-recent:]
    chosen = [posts[i] for i in order]
    report = EngagementReport(
        available=False, platform=platform, followers=followers, posts_used=0, pattern_posts=len(chosen)
    )
    bench = _shared_benchmark(platform, followers, table)
    report.benchmark = bench
    definition = er_definition(platform)
    current = followers if followers > 0 else None
    # The points and the history are read only to rate posts: not when the stored rate is
    # unknown or there are no posts (most of the accounts of a catalogue without snapshots).
    points: list[PostPoint] | None = None
    columns: FollowerHistory | None = None
    if stored is not None:
        report.engagement_rate, report.formula, report.posts_used = stored.value, stored.formula, stored.posts_used
        missing = m.NO_STORED_RATE()
    else:
        points = _points(chosen, [moments[i] for i in order])
        columns = _follower_columns(snapshots, history)
        newest = recent_posts(points)
        rates = post_engagement_rates_by_history(newest, definition, *columns, current)
        # `platform_engagement` over the newest posts, the history read as columns.
        result = platform_result(definition, tuple(r for r in rates if r is not None), bool(newest), bool(columns[0]))
        report.engagement_rate, report.formula, report.posts_used = result.value, result.formula, result.posts_used
        missing = m.NO_RATE(reason=result.inputs.get("reason", "no posts"))
    report.formula = report.formula or definition.formula
    if not chosen:
        report.note = m.NO_POSTS()
        return report
    if bench is None:
        report.note = m.NO_BENCHMARK_FOR(platform=platform)
    # Lists, not generators, summed (the same additions in the same order).
    likes = sum([float(p.likes or 0) for p in chosen])
    comments = sum([float(p.comments or 0) for p in chosen])
    if comments > 0:
        report.likes_per_comment = likes / comments
    elif likes > 0:
        report.likes_per_comment = math.inf
    views = [float(p.views) for p in chosen if p.views]
    if views and followers > 0:
        # The plain-Python median: numpy's bit for bit here (no zero among the views, so no
        # signed zero to sort either way), without making an array for a dozen values.
        report.views_per_follower = median_of(views) / followers
    if report.engagement_rate is None:
        report.note = missing
        return report
    report.available = True
    if bench is not None and bench["median"] > 0:
        report.er_ratio = report.engagement_rate / bench["median"]
        er = report.engagement_rate
        if er < bench["low"] / 2:
            report.position = "far below"
        elif er < bench["low"]:
            report.position = "below"
        elif er > bench["high"] * 2:
            report.position = "far above"
        elif er > bench["high"]:
            report.position = "above"
        else:
            report.position = "within"
    if points is not None and columns is not None:
        rates = post_engagement_rates_by_history(points, definition, *columns, current)
    elif definition.denominator == VIEWS:  # rated by their views: the history is not read
        rates = _rates(chosen, [moments[i] for i in order], definition, ((), ()), current)
    else:
        rates = _rates(chosen, [moments[i] for i in order], definition, _follower_columns(snapshots, history), current)
    if None in rates:  # posts without a denominator: left out
        rated = [(rate, post) for rate, post in zip(rates, chosen) if rate is not None]
        report.changes = engagement_changes([p for _, p in rated], np.array([r for r, _ in rated]))
    else:
        report.changes = engagement_changes(chosen, np.array(rates))
    return report


def engagement_changes(
    posts: Sequence[PostStats], rates: np.ndarray, *, z_threshold: float = SPIKE_Z
) -> list[EngagementChange]:
    """Posts whose rate is a robust outlier against the neighbouring posts (log scale), and a
    level shift between the older two thirds and the newest third of the posts."""
    out: list[EngagementChange] = []
    if len(rates) < 6:
        return out
    # Plain floats from here (`robust.median_of`: a dozen posts, where numpy's cost per call was
    # most of the work); the logarithms stay numpy's, whose last bit may differ from math.log's.
    values = np.asarray(rates, dtype=float).tolist()
    logs = np.log(np.maximum(rates, 1e-6)).tolist()
    local = rolling_median_of(logs, 5)
    # The same subtractions, absolute values and divisions by `map` in C as by comprehensions.
    residual = list(map(operator.sub, logs, local))
    center = median_of(residual)
    mad = median_of(list(map(abs, map(operator.sub, residual, itertools.repeat(center)))))
    scale = max(1.4826 * mad, LOG_NOISE_FLOOR)
    zs = list(map(operator.truediv, residual, itertools.repeat(scale)))
    # Most accounts have no outlier: looked for in C first (NaN is no change either way).
    outliers = any(map(operator.le, itertools.repeat(z_threshold), map(abs, zs)))
    for i, z in enumerate(zs if outliers else ()):
        if not abs(z) >= z_threshold:  # NaN is no change
            continue
        expected = math.exp(local[i])
        out.append(
            EngagementChange(
                post_id=posts[i].post_id,
                date=_date(posts[i].posted_at),
                kind="spike" if z > 0 else "dip",
                engagement_rate=values[i],
                expected=expected,
                robust_z=z,
                reason=(m.ENGAGEMENT_SPIKE if z > 0 else m.ENGAGEMENT_DIP)(rate=values[i], expected=expected, z=abs(z)),
            )
        )
    cut = len(values) * 2 // 3
    older, newer = median_of(values[:cut]), median_of(values[cut:])
    if older > 0 and newer > 0 and (newer / older >= SHIFT_FACTOR or older / newer >= SHIFT_FACTOR):
        first_new = posts[cut]
        out.append(
            EngagementChange(
                post_id=first_new.post_id,
                date=_date(first_new.posted_at),
                kind="shift",
                engagement_rate=newer,
                expected=older,
                robust_z=float("nan"),
                reason=m.ENGAGEMENT_SHIFT(older=older, newer=newer, factor=newer / older),
            )
        )
    return out


def er_formula_message(platform: str) -> Message:
    """The platform's engagement-rate formula as a message ("median over recent posts of (likes +
    saves + comments) / followers at posting time"), from its one definition."""
    definition = er_definition(platform)
    return m.ER_FORMULA(counts=list(definition.counts), base=definition.denominator)


def engagement_quality(engagement_rate: np.ndarray, benchmark_median: np.ndarray) -> np.ndarray:
    """Engagement quality in [0, 1) for ranking: ratio/(ratio + 0.5) of the rate to its tier's
    median (1× the median gives 0.67, 2× gives 0.8, 0.25× gives 0.33). NaN where unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = engagement_rate / benchmark_median
        return ratio / (ratio + 0.5)


def engagement_quality_of(rate: float, median: float) -> float:
    """`engagement_quality` of one rate against its median: by Python's float arithmetic, the
    same IEEE operations on the same doubles as numpy's (its arrays and error state made for one
    value cost more than the rest of the figure), where both are floats and nothing is divided
    by zero; by numpy otherwise."""
    if type(rate) is float and type(median) is float and median:
        ratio = rate / median
        if ratio + 0.5 != 0:
            return ratio / (ratio + 0.5)
    return float(engagement_quality(np.array([rate]), np.array([median]))[0])
