"""Models of vetting: brand briefs, shortlists and notes, campaigns, and monitoring (watches, alerts, notifications)."""

from vetting.models.brands import Brand, MoodBoardImage
from vetting.models.calibrations import FollowerScorerCalibration
from vetting.models.campaigns import Campaign, CampaignCreator, CampaignPost, PostSource
from vetting.models.monitoring import (
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
from vetting.models.shortlists import CreatorNote, EntryStatus, Shortlist, ShortlistEntry, ShortlistEvent

__all__ = [
    "Alert",
    "AlertStatus",
    "Brand",
    "Campaign",
    "CampaignCreator",
    "CampaignPost",
    "CreatorNote",
    "DeliveryStatus",
    "EntryStatus",
    "FollowerScorerCalibration",
    "MoodBoardImage",
    "NotificationSettings",
    "PostSource",
    "RuleKind",
    "Severity",
    "Shortlist",
    "ShortlistEntry",
    "ShortlistEvent",
    "Watch",
    "WatchRule",
    "WebhookAttempt",
    "WebhookDelivery",
]
