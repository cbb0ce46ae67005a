"""Engagement rates per post and per account (pure functions).

THE engagement rate of an account is one definition per platform (`ER_DEFINITIONS`), used by
the stored headline (`AccountMetrics.engagement_rate`), the vetting signal, the discovery
filters and the exports alike, and matching the benchmark table of the vetting scorer
(`vetting/scoring/data/er_benchmarks.json`, whose counts and denominator a test keeps equal):
- by followers at posting time for feed platforms, where followers are who a post is shown
  to: Instagram (likes + comments), Xiaohongshu (likes + saves + comments: RED's own "赞藏评"
  count treats a save, 收藏, as core engagement), Pinterest (likes + comments + saves: a save
  is a pin's main interaction), Weibo, X, Facebook (likes + comments + shares: reposts are how
  posts travel there);
- by views for video platforms (YouTube: likes + comments; TikTok, Douyin, Bilibili: likes +
  comments + shares), whose algorithmic feeds show videos far beyond the follower base, so
  followers say little about who saw a post.
An unknown share or save count is 0 (the rate is then a lower bound); a post without the
denominator (no view count, no follower count) is skipped.
The rate is the MEDIAN over the recent posts (`recent_posts`: the 12 newest posts of the 90 days
ending at the account's own newest post), so one viral or flopped post does not set it.

`er_by_followers` and `er_by_views` — (likes + comments) over followers or views on every
platform — are stored beside it as comparison figures, never as "the" ER.
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from influencers.metrics.growth import SnapshotPoint, followers_at, followers_on

XIAOHONGSHU = "xiaohongshu"

DEFAULT_POSTS = 12
DEFAULT_WINDOW_DAYS = 90

FORMULA_BY_FOLLOWERS = "median over recent posts of (likes + comments) / followers at posting time"
FORMULA_BY_VIEWS = "median over recent posts of (likes + comments) / views"
FORMULA_XIAOHONGSHU = "median over recent posts of (likes + saves + comments) / followers at posting time"

FOLLOWERS = "followers"
VIEWS = "views"


@dataclass(frozen=True)
class ERDefinition:
    """How a platform's engagement rate is counted: the post counters added up (`counts`) over
    `denominator` (followers at posting time, or the post's views), and why."""

    counts: tuple[str, ...]
    denominator: str
    why: str

    @property
    def formula(self) -> str:
        base = "followers at posting time" if self.denominator == FOLLOWERS else "views"
        return f"median over recent posts of ({' + '.join(self.counts)}) / {base}"


_FEED = "feed platform: followers are the audience a post is shown to"
_VIDEO = "video platform: views, not followers, measure who saw a post"
ER_DEFINITIONS: dict[str, ERDefinition] = {
    "instagram": ERDefinition(("likes", "comments"), FOLLOWERS, _FEED),
    "xiaohongshu": ERDefinition(
        ("likes", "saves", "comments"), FOLLOWERS, "Xiaohongshu counts saves (收藏) as core engagement (赞藏评)"
    ),
    "pinterest": ERDefinition(
        ("likes", "comments", "saves"), FOLLOWERS, _FEED + "; a save is a pin's main interaction"
    ),
    "weibo": ERDefinition(("likes", "comments", "shares"), FOLLOWERS, _FEED + "; reposts (转发) count as engagement"),
    "x": ERDefinition(("likes", "comments", "shares"), FOLLOWERS, _FEED + "; reposts count as engagement"),
    "facebook": ERDefinition(("likes", "comments", "shares"), FOLLOWERS, _FEED + "; shares count as engagement"),
    "youtube": ERDefinition(("likes", "comments"), VIEWS, _VIDEO),
    "tiktok": ERDefinition(("likes", "comments", "shares"), VIEWS, _VIDEO),
    "douyin": ERDefinition(("likes", "comments", "shares"), VIEWS, _VIDEO),
    "bilibili": ERDefinition(("likes", "comments", "shares"), VIEWS, _VIDEO),
}
# A platform the table does not know: the industry default for feeds.
DEFAULT_ER_DEFINITION = ERDefinition(("likes", "comments"), FOLLOWERS, _FEED)


# Platforms whose ER is by views (YouTube, TikTok, Douyin, Bilibili).
VIDEO_PLATFORM_NAMES = frozenset(name for name, d in ER_DEFINITIONS.items() if d.denominator == VIEWS)


def er_definition(platform: str) -> ERDefinition:
    """The engagement-rate definition of `platform` (the feed default for an unknown one)."""
    return ER_DEFINITIONS.get(platform, DEFAULT_ER_DEFINITION)


class PostPoint(NamedTuple):
    """The engagement counters of one post (a named tuple: one is made per post read, see
    SnapshotPoint)."""

    posted_at: dt.datetime
    likes: int
    comments: int
    saves: int | None = None
    views: int | None = None
    shares: int | None = None


@dataclass(frozen=True)
class EngagementResult:
    """A median engagement rate, the formula, and the per-post rates it was taken over."""

    value: float | None
    formula: str
    posts_used: int
    rates: tuple[float, ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)
    # `round(rate, 6)` of each rate when the caller rounded them already (the chunk computation
    # rounds a whole chunk's in numpy, `influencers.metrics.chunk.round_6`); None: rounded here.
    rounded: tuple[float, ...] | None = field(default=None, compare=False)

    def as_details(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "formula": self.formula,
            "posts_used": self.posts_used,
            "per_post": [round(r, 6) for r in self.rates] if self.rounded is None else list(self.rounded),
            **self.inputs,
        }


def newest_post_at(posts: Sequence[PostPoint], cutoff: dt.datetime | None = None) -> dt.datetime | None:
    """When the newest post no later than `cutoff` (None: any) was published: where the
    engagement and cadence windows end."""
    return max((p.posted_at for p in posts if cutoff is None or p.posted_at <= cutoff), default=None)


def recent_posts(
    posts: Sequence[PostPoint],
    as_of: dt.datetime | None = None,
    n: int = DEFAULT_POSTS,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[PostPoint]:
    """The `n` newest posts published in the `window_days` ending at the newest post no later
    than `as_of` (None: the newest post of all), newest first.

    The window hangs off the data's own newest post, not off today: a catalogue collected years
    ago still has its engagement rate, and its age is shown beside it (`data_as_of`)."""
    end = newest_post_at(posts, as_of)
    if end is None:
        return []
    start = end - dt.timedelta(days=window_days)
    eligible = [p for p in posts if start < p.posted_at <= end]
    eligible.sort(key=lambda p: p.posted_at, reverse=True)
    return eligible[:n]


def _post_rates(
    posts: Sequence[PostPoint],
    numerator: Callable[[PostPoint], float],
    denominator: Callable[[PostPoint], float | None],
) -> tuple[float, ...]:
    rates = []
    for post in posts:
        base = denominator(post)
        if base:  # skip unknown or zero denominators rather than divide by zero
            rates.append(numerator(post) / base)
    return tuple(rates)


def _follower_denominator(
    snapshots: Sequence[SnapshotPoint], current_followers: float | None
) -> Callable[[PostPoint], float | None]:
    dates = list(map(_DATE, snapshots))

    def followers_for(post: PostPoint) -> float | None:
        nearest = followers_at(snapshots, post.posted_at.date(), dates=dates)
        return nearest.followers if nearest is not None else current_followers

    return followers_for


def engagement_by_followers(
    posts: Sequence[PostPoint], snapshots: Sequence[SnapshotPoint], current_followers: int | None = None
) -> EngagementResult:
    """Median of (likes + comments) / followers at posting time over `posts`.

    Followers at posting time = the snapshot nearest the post's date; with no snapshots,
    `current_followers`. Posts with an unknown or zero follower count are skipped.
    """
    rates = _post_rates(posts, lambda p: p.likes + p.comments, _follower_denominator(snapshots, current_followers))
    return by_followers_result(FORMULA_BY_FOLLOWERS, rates, bool(snapshots))


def by_followers_result(
    formula: str, rates: tuple[float, ...], has_snapshots: bool, rounded: tuple[float, ...] | None = None
) -> EngagementResult:
    """A rate by followers at posting time once its per-post `rates` (and maybe their `rounded`
    values) are known (shared with the chunk computation)."""
    source = "nearest snapshot" if has_snapshots else "current followers"
    value = statistics.median(rates) if rates else None
    return EngagementResult(value, formula, len(rates), rates, {"followers_from": source}, rounded)


def engagement_by_views(posts: Sequence[PostPoint]) -> EngagementResult:
    """Median of (likes + comments) / views over the posts whose view count is known and > 0."""
    rates = _post_rates(posts, lambda p: p.likes + p.comments, lambda p: p.views)
    return by_views_result(rates)


def by_views_result(rates: tuple[float, ...], rounded: tuple[float, ...] | None = None) -> EngagementResult:
    """`engagement_by_views` once its per-post `rates` (and maybe their `rounded` values) are known."""
    value = statistics.median(rates) if rates else None
    return EngagementResult(value, FORMULA_BY_VIEWS, len(rates), rates, {}, rounded)


def engagement_xiaohongshu(
    posts: Sequence[PostPoint], snapshots: Sequence[SnapshotPoint], current_followers: int | None = None
) -> EngagementResult:
    """Median of (likes + saves + comments) / followers at posting time (unknown saves count 0)."""
    rates = _post_rates(
        posts, lambda p: p.likes + (p.saves or 0) + p.comments, _follower_denominator(snapshots, current_followers)
    )
    return by_followers_result(FORMULA_XIAOHONGSHU, rates, bool(snapshots))


def post_interactions(post: PostPoint, definition: ERDefinition) -> int:
    """The interactions `definition` counts on `post` (an unknown share or save count is 0)."""
    return sum(getattr(post, name) or 0 for name in definition.counts)


_DATE = attrgetter("date")
_FOLLOWERS = attrgetter("followers")


@functools.cache
def post_counters(counts: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The counters `counts` names of a post, as a tuple, read in C (`attrgetter`)."""
    getter = attrgetter(*counts)
    return getter if len(counts) > 1 else lambda post: (getter(post),)


def post_engagement_rates(
    posts: Sequence[PostPoint],
    definition: ERDefinition,
    snapshots: Sequence[SnapshotPoint],
    current_followers: float | None = None,
) -> list[float | None]:
    """Each post's engagement rate by `definition` (None where its denominator is unknown or 0),
    in the order of `posts`: what the account's ER is the median of, and what the vetting
    scorer looks for spikes in."""
    if definition.denominator == VIEWS:  # the snapshots are not read
        return post_engagement_rates_by_history(posts, definition, (), (), current_followers)
    dates, followers = list(map(_DATE, snapshots)), list(map(_FOLLOWERS, snapshots))
    return post_engagement_rates_by_history(posts, definition, dates, followers, current_followers)


def post_engagement_rates_by_history(
    posts: Sequence[PostPoint],
    definition: ERDefinition,
    dates: Sequence[dt.date],
    followers: Sequence[float | None],
    current_followers: float | None = None,
) -> list[float | None]:
    """`post_engagement_rates` with the snapshots given as their `dates` (sorted) and
    `followers` columns: the vetting service reads histories as columns, and a SnapshotPoint
    made per day of them only to be read back cost more than rating the posts."""
    # The counters' sum as `post_interactions` adds them: unknown (None) and zero ones left out.
    counters = post_counters(definition.counts)
    if definition.denominator == VIEWS:  # the snapshots' dates are not needed
        return [sum(filter(None, counters(post))) / post.views if post.views else None for post in posts]
    posts = list(posts)  # read twice: their days, then their counters
    bases = followers_on(dates, followers, [post.posted_at.date() for post in posts], current_followers)
    return [sum(filter(None, counters(post))) / base if base else None for post, base in zip(posts, bases)]


def platform_engagement(
    platform: str,
    posts: Sequence[PostPoint],
    snapshots: Sequence[SnapshotPoint],
    current_followers: float | None = None,
) -> EngagementResult:
    """THE engagement rate of an account on `platform`: the median, over `posts` (normally
    `recent_posts`), of the platform's per-post rate (`er_definition`). `inputs["why"]` says
    why the platform is counted that way; `inputs["reason"]` why there is no value, if none.

    There is no fallback to another denominator: a TikTok rate by followers would be compared
    with by-views benchmarks and filtered against by-views rates of other accounts."""
    definition = er_definition(platform)
    rates = tuple(r for r in post_engagement_rates(posts, definition, snapshots, current_followers) if r is not None)
    return platform_result(definition, rates, bool(posts), bool(snapshots))


def platform_result(
    definition: ERDefinition,
    rates: tuple[float, ...],
    has_posts: bool,
    has_snapshots: bool,
    rounded: tuple[float, ...] | None = None,
) -> EngagementResult:
    """`platform_engagement` once the per-post `rates` by `definition` (and maybe their
    `rounded` values) are known (shared with the chunk computation)."""
    value = statistics.median(rates) if rates else None
    inputs: dict[str, Any] = {"why": definition.why, "denominator": definition.denominator}
    if definition.denominator == FOLLOWERS:
        inputs["followers_from"] = "nearest snapshot" if has_snapshots else "current followers"
    if value is None:
        if not has_posts:
            inputs["reason"] = "no posts"
        elif definition.denominator == VIEWS:
            inputs["reason"] = "no post in the window has a view count"
        else:
            inputs["reason"] = "the follower count is unknown"
    return EngagementResult(value, definition.formula, len(rates), rates, inputs, rounded)
