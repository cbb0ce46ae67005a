"""All the stored metrics of one account from its posts and snapshots (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from influencers.metrics.days import days_before_text
from influencers.metrics.engagement import (
    DEFAULT_POSTS,
    DEFAULT_WINDOW_DAYS,
    XIAOHONGSHU,
    EngagementResult,
    PostPoint,
    engagement_by_followers,
    engagement_by_views,
    engagement_xiaohongshu,
    newest_post_at,
    platform_engagement,
    recent_posts,
)
from influencers.metrics.growth import (
    GrowthResult,
    SnapshotPoint,
    follower_growth,
    no_posts_cadence,
    posting_cadence,
)

GROWTH_HORIZONS = (7, 30, 90)
_GROWTH_KEYS = {horizon: f"growth_{horizon}d" for horizon in GROWTH_HORIZONS}


@dataclass(frozen=True)
class AccountMetricsResult:
    """The figures stored on AccountMetrics, with `details` holding each formula and its inputs."""

    followers: int
    following: int | None
    posts_count: int | None
    engagement_rate: float | None
    er_formula: str
    er_by_followers: float | None
    er_by_views: float | None
    er_xiaohongshu: float | None
    er_posts_used: int
    avg_likes: float | None
    avg_comments: float | None
    avg_views: float | None
    growth_7d: float | None
    growth_30d: float | None
    growth_90d: float | None
    posts_per_week: float | None
    last_post_at: dt.datetime | None
    data_as_of: dt.date | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def compute_account_metrics(
    *,
    platform: str,
    posts: Sequence[PostPoint],
    snapshots: Sequence[SnapshotPoint],
    as_of: dt.datetime | None = None,
    last_post_at: dt.datetime | None = None,
    n_posts: int = DEFAULT_POSTS,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> AccountMetricsResult:
    """Engagement, averages, growth and cadence of an account, each measured back from the
    newest date of the data it uses — never from today:

    - engagement, averages and cadence: the `window_days` ending at the newest post;
    - growth, followers, following, posts count: the newest snapshot;
    - `data_as_of`: the newest of the two (the date the figures describe).

    `as_of` is a cut-off (None: none): posts and snapshots dated after it are ignored, as if
    they had not been collected yet. `posts` need only cover the window before the newest
    post; `last_post_at` may be given when older posts were not passed in. `snapshots` are
    sorted here; the latest one gives followers/following/posts_count and the "current
    followers" fallback for posts with no snapshot history.
    """
    posts = [p for p in posts if as_of is None or p.posted_at <= as_of]
    snaps = sorted((s for s in snapshots if as_of is None or s.date <= as_of.date()), key=lambda s: s.date)
    latest = snaps[-1] if snaps else None
    current_followers = latest.followers if latest else None
    posts_end = newest_post_at(posts)
    used = recent_posts(posts, posts_end, n_posts, window_days)

    er = platform_engagement(platform, used, snaps, current_followers)
    by_followers = engagement_by_followers(used, snaps, current_followers)
    by_views = engagement_by_views(used)
    xhs: EngagementResult | None = (
        engagement_xiaohongshu(used, snaps, current_followers) if platform == XIAOHONGSHU else None
    )

    avg_likes = _mean([p.likes for p in used])
    avg_comments = _mean([p.comments for p in used])
    avg_views = _mean([p.views for p in used if p.views is not None])
    if posts_end is not None:
        cadence, cadence_details = posting_cadence([p.posted_at for p in posts], posts_end, window_days)
    else:
        cadence, cadence_details = no_posts_cadence(window_days)
    if last_post_at is not None and as_of is not None and last_post_at > as_of:
        last_post_at = None
    last_post = max(filter(None, (last_post_at, posts_end)), default=None)
    return assemble_account_metrics(
        platform=platform,
        as_of=as_of,
        n_posts=n_posts,
        window_days=window_days,
        latest=latest,
        posts_end=posts_end,
        last_post=last_post,
        used_count=len(used),
        engagement=(er, by_followers, by_views, xhs),
        averages=(avg_likes, avg_comments, avg_views),
        growth={h: follower_growth(snaps, h) for h in GROWTH_HORIZONS},
        cadence=(cadence, cadence_details),
    )


@functools.lru_cache(maxsize=256)  # a few (count, window, limit) triples per catalogue
def _averages_formulas(used_count: int, window_days: int, n_posts: int) -> tuple[str, str, str]:
    """The formulas of the averages of likes, comments and views."""
    basis = (
        f"mean over the {used_count} newest posts of the {window_days} days up to the newest post (at most {n_posts})"
    )
    return basis + " of likes", basis + " of comments", basis + " of views (posts with a view count)"


def assemble_account_metrics(
    *,
    platform: str,
    as_of: dt.datetime | None,
    n_posts: int,
    window_days: int,
    latest: SnapshotPoint | None,
    posts_end: dt.datetime | None,
    last_post: dt.datetime | None,
    used_count: int,
    engagement: tuple[EngagementResult, EngagementResult, EngagementResult, EngagementResult | None],
    averages: tuple[float | None, float | None, float | None],
    growth: dict[int, GrowthResult],
    cadence: tuple[float, dict[str, Any]],
) -> AccountMetricsResult:
    """The stored figures and their `details` from the parts `compute_account_metrics` measured:
    shared with the chunk computation (`influencers.metrics.chunk`), so both write the same
    details in the same key order. `engagement`: the platform's ER, by followers, by views and
    the Xiaohongshu rate (None on other platforms); `averages`: likes, comments, views;
    `cadence`: the posting cadence over the window ending at `posts_end` (`cadence_result`, whose
    "to" is `posts_end`'s text) or, with no posts, `no_posts_cadence`."""
    er, by_followers, by_views, xhs = engagement
    avg_likes, avg_comments, avg_views = averages
    cadence_value, cadence_details = cadence
    current_followers = latest.followers if latest else None
    data_as_of = max(
        filter(None, (last_post.date() if last_post else None, latest.date if latest else None)), default=None
    )

    likes_formula, comments_formula, views_formula = _averages_formulas(used_count, window_days, n_posts)
    # Each text made once: the window ends at the newest post, as the cadence's window does
    # (its "to" is that post's text), and the newest snapshot's date is written twice.
    posts_end_text: str | None = cadence_details["to"] if posts_end else None
    latest_date = latest.date.isoformat() if latest else None
    details: dict[str, Any] = {
        "as_of": as_of.isoformat() if as_of else None,
        "window": {
            "posts": n_posts,
            "days": window_days,
            "posts_in_window": used_count,
            "ends": "the newest post",
            "from": days_before_text(posts_end, posts_end_text, window_days) if posts_end and posts_end_text else None,
            "to": posts_end_text,
        },
        "data_as_of": {
            "value": data_as_of.isoformat() if data_as_of else None,
            "formula": "the newer of the newest post's and the newest snapshot's dates",
            "newest_post": (posts_end_text if last_post is posts_end else last_post.isoformat()) if last_post else None,
            "newest_snapshot": latest_date,
        },
        "engagement_rate": {**er.as_details(), "platform": platform},
        "er_by_followers": by_followers.as_details(),
        "er_by_views": by_views.as_details(),
        "avg_likes": {"value": avg_likes, "formula": likes_formula},
        "avg_comments": {"value": avg_comments, "formula": comments_formula},
        "avg_views": {"value": avg_views, "formula": views_formula},
        "posts_per_week": cadence_details,
        "followers": {
            "value": current_followers or 0,
            "formula": "followers of the latest snapshot",
            "date": latest_date,
        },
    }
    if xhs is not None:
        details["er_xiaohongshu"] = xhs.as_details()
    for horizon, result in growth.items():
        details[_GROWTH_KEYS.get(horizon) or f"growth_{horizon}d"] = result.as_details()

    return AccountMetricsResult(
        followers=current_followers or 0,
        following=latest.following if latest else None,
        posts_count=latest.posts if latest else None,
        engagement_rate=er.value,
        er_formula=er.formula if er.value is not None else "",
        er_by_followers=by_followers.value,
        er_by_views=by_views.value,
        er_xiaohongshu=xhs.value if xhs is not None else None,
        er_posts_used=er.posts_used,
        avg_likes=avg_likes,
        avg_comments=avg_comments,
        avg_views=avg_views,
        growth_7d=growth[7].value,
        growth_30d=growth[30].value,
        growth_90d=growth[90].value,
        posts_per_week=cadence_value,
        last_post_at=last_post,
        data_as_of=data_as_of,
        details=details,
    )
