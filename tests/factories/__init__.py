"""factory_boy factories for every model of core, influencers, vision and vetting (one module per
app); use `.build()` when no database row is needed. Import them from here:
`from tests.factories import BrandFactory`."""

from tests.factories.core import (
    IdempotencyKeyFactory,
    JobFactory,
    LoginAttemptFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.factories.influencers import (
    AccountFactory,
    AccountHistoryFactory,
    AccountMetricsFactory,
    AccountSearchTextFactory,
    AudienceProfileFactory,
    CommentSampleFactory,
    CreatorFactory,
    CreatorPartnerTermFactory,
    FollowerSampleFactory,
    HistoryPointFactory,
    MediaAssetFactory,
    PostFactory,
)
from tests.factories.influencers import (
    sampled_account as sampled_account,  # a helper, not a factory (no model)
)
from tests.factories.vetting import (
    AlertFactory,
    BrandFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    CampaignPostFactory,
    CreatorNoteFactory,
    FollowerScorerCalibrationFactory,
    MoodBoardImageFactory,
    NotificationSettingsFactory,
    ShortlistEntryFactory,
    ShortlistEventFactory,
    ShortlistFactory,
    WatchFactory,
    WatchRuleFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
)
from tests.factories.vetting import (
    campaign_outcomes as campaign_outcomes,  # helpers, not factories (no model)
)
from tests.factories.vetting import (
    overlap_shortlist as overlap_shortlist,
)
from tests.factories.vision import (
    AestheticProfileFactory,
    EmbedBatchFactory,
    EmbeddingFailureFactory,
    ImageEmbeddingFactory,
)

__all__ = [
    "AccountFactory",
    "AccountHistoryFactory",
    "AccountMetricsFactory",
    "AccountSearchTextFactory",
    "HistoryPointFactory",
    "AestheticProfileFactory",
    "AlertFactory",
    "AudienceProfileFactory",
    "BrandFactory",
    "CampaignCreatorFactory",
    "CampaignFactory",
    "CampaignPostFactory",
    "CommentSampleFactory",
    "CreatorFactory",
    "CreatorNoteFactory",
    "CreatorPartnerTermFactory",
    "FollowerScorerCalibrationFactory",
    "EmbedBatchFactory",
    "EmbeddingFailureFactory",
    "FollowerSampleFactory",
    "ImageEmbeddingFactory",
    "JobFactory",
    "IdempotencyKeyFactory",
    "LoginAttemptFactory",
    "MediaAssetFactory",
    "MembershipFactory",
    "MoodBoardImageFactory",
    "NotificationSettingsFactory",
    "OrganizationFactory",
    "PostFactory",
    "ShortlistEntryFactory",
    "ShortlistEventFactory",
    "ShortlistFactory",
    "UserFactory",
    "WatchFactory",
    "WatchRuleFactory",
    "WebhookAttemptFactory",
    "WebhookDeliveryFactory",
]
