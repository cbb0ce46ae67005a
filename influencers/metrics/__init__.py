"""Pure engagement and growth metrics: plain data in (posts, snapshots), numbers and the
formulas that produced them out. No ORM here, so the figures are testable by hand and reusable
from the metrics service, imports, connectors and the vetting scores."""

from influencers.metrics.account import AccountMetricsResult, compute_account_metrics
from influencers.metrics.engagement import (
    ER_DEFINITIONS,
    VIDEO_PLATFORM_NAMES,
    EngagementResult,
    ERDefinition,
    PostPoint,
    engagement_by_followers,
    engagement_by_views,
    engagement_xiaohongshu,
    er_definition,
    newest_post_at,
    platform_engagement,
    post_engagement_rates,
    recent_posts,
)
from influencers.metrics.freshness import data_age_days, is_stale, stale_cutoff
from influencers.metrics.growth import GrowthResult, SnapshotPoint, follower_growth, followers_at, posting_cadence

__all__ = [
    "ER_DEFINITIONS",
    "VIDEO_PLATFORM_NAMES",
    "AccountMetricsResult",
    "ERDefinition",
    "EngagementResult",
    "GrowthResult",
    "PostPoint",
    "SnapshotPoint",
    "compute_account_metrics",
    "data_age_days",
    "engagement_by_followers",
    "engagement_by_views",
    "engagement_xiaohongshu",
    "er_definition",
    "follower_growth",
    "followers_at",
    "is_stale",
    "newest_post_at",
    "platform_engagement",
    "post_engagement_rates",
    "posting_cadence",
    "recent_posts",
    "stale_cutoff",
]
