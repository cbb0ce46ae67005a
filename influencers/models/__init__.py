"""Models of the influencers app, one module per area, re-exported here."""

from .audience import AudienceProfile, CommentSample, FollowerSample
from .brands import Brand, MoodBoardImage
from .catalogue import Account, AccountSnapshot, Creator, MediaAsset, Platform, Post, PostType
from .jobs import Job, JobKind, JobStatus
from .metrics import AccountMetrics
from .monitoring import (
    Alert,
    AlertStatus,
    DeliveryStatus,
    NotificationSettings,
    RuleKind,
    Severity,
    Watch,
    WatchRule,
    WebhookAttempt,
    WebhookDelivery,
)
from .shortlists import CreatorNote, EntryStatus, Shortlist, ShortlistEntry, ShortlistEvent
from .tenancy import Membership, Organization, Role

__all__ = [
    "Alert",
    "AlertStatus",
    "DeliveryStatus",
    "NotificationSettings",
    "RuleKind",
    "Severity",
    "Watch",
    "WatchRule",
    "WebhookAttempt",
    "WebhookDelivery",
    "Account",
    "AccountMetrics",
    "AccountSnapshot",
    "AudienceProfile",
    "Brand",
    "CommentSample",
    "Creator",
    "CreatorNote",
    "EntryStatus",
    "FollowerSample",
    "Job",
    "JobKind",
    "JobStatus",
    "MediaAsset",
    "Membership",
    "MoodBoardImage",
    "Organization",
    "Platform",
    "Post",
    "PostType",
    "Role",
    "Shortlist",
    "ShortlistEntry",
    "ShortlistEvent",
]
