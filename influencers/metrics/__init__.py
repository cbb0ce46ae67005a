"""Pure engagement and growth metrics: plain data in (posts, snapshots), numbers and the
formulas that produced them out. No ORM here, so the figures are testable by hand and reusable
from the metrics service, imports, connectors and the vetting scores."""

from influencers.metrics.account import AccountMetricsResult, compute_account_metrics
from influencers.metrics.engagement import (
    VIDEO_PLATFORM_NAMES,
    EngagementResult,
    PostPoint,
    engagement_by_followers,
    engagement_by_views,
    engagement_xiaohongshu,
    headline_engagement,
    recent_posts,
)
from influencers.metrics.growth import GrowthResult, SnapshotPoint, follower_growth, followers_at, posting_cadence

__all__ = [
    "VIDEO_PLATFORM_NAMES",
    "AccountMetricsResult",
    "EngagementResult",
    "GrowthResult",
    "PostPoint",
    "SnapshotPoint",
    "compute_account_metrics",
    "engagement_by_followers",
    "engagement_by_views",
    "engagement_xiaohongshu",
    "follower_growth",
    "followers_at",
    "headline_engagement",
    "posting_cadence",
    "recent_posts",
]
