"""Models of the catalogue, one module per area, re-exported here."""

from influencers.models.audience import AudienceProfile, CommentSample, FollowerSample
from influencers.models.catalogue import Account, AccountHistory, Creator, MediaAsset, Platform, Post, PostType
from influencers.models.metrics import AccountMetrics
from influencers.models.partners import CreatorPartnerTerm
from influencers.models.search import AccountSearchText

__all__ = [
    "Account",
    "AccountMetrics",
    "AccountSearchText",
    "AccountHistory",
    "AudienceProfile",
    "CommentSample",
    "Creator",
    "CreatorPartnerTerm",
    "FollowerSample",
    "MediaAsset",
    "Platform",
    "Post",
    "PostType",
]
