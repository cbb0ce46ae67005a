"""Factories of vetting: brands and their mood boards, shortlists, notes, monitoring and its
notifications."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import factory

from tests.factories.core import OrganizationFactory
from tests.factories.influencers import CreatorFactory
from vetting.models import (
    Alert,
    Brand,
    Campaign,
    CampaignCreator,
    CampaignPost,
    CreatorNote,
    FollowerScorerCalibration,
    MoodBoardImage,
    NotificationSettings,
    RuleKind,
    Severity,
    Shortlist,
    ShortlistEntry,
    ShortlistEvent,
    Watch,
    WatchRule,
    WebhookAttempt,
    WebhookDelivery,
)
from vetting.scoring.follower_calibration import load_default_calibration


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")
    description = "Clean skincare for sensitive skin"
    values = factory.LazyFunction(lambda: ["natural", "sustainable", "天然"])
    target_audience = factory.LazyFunction(
        lambda: {
            "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
            "gender": {"weight": 1.0, "values": {"female": 1.0}},
            "countries": {"weight": 0.5, "values": {"CN": 0.7, "TW": 0.3}},
        }
    )
    excluded_keywords = factory.LazyFunction(lambda: ["gambling", "赌博"])


class MoodBoardImageFactory(factory.django.DjangoModelFactory):
    """A mood-board image with a real PNG file of `width` × `height` in media storage."""

    class Meta:
        model = MoodBoardImage

    brand = factory.SubFactory(BrandFactory)
    width = 16
    height = 16
    image = factory.django.ImageField(
        filename="mood.png",
        format="PNG",
        width=factory.SelfAttribute("..width"),
        height=factory.SelfAttribute("..height"),
    )
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"mood-board-{n}".encode()).hexdigest())


class ShortlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shortlist

    organization = factory.SubFactory(OrganizationFactory)
    brand = factory.SubFactory(BrandFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Shortlist {n}")


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    shortlist = factory.SubFactory(ShortlistFactory)
    creator = factory.SubFactory(CreatorFactory)


class ShortlistEventFactory(factory.django.DjangoModelFactory):
    """A status change on an entry, as the shortlist service records it."""

    class Meta:
        model = ShortlistEvent

    entry = factory.SubFactory(ShortlistEntryFactory)
    action = "status"
    old_value = "candidate"
    new_value = "contacted"


class CreatorNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorNote

    organization = factory.SubFactory(OrganizationFactory)
    creator = factory.SubFactory(CreatorFactory)
    text = "Responsive, good rates"


class WatchFactory(factory.django.DjangoModelFactory):
    """A watch on picked creators: pass `creators=[...]` (or set `shortlist`)."""

    class Meta:
        model = Watch
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    brand = factory.SubFactory(BrandFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Watch {n}")

    @factory.post_generation
    def creators(self, create, extracted, **kwargs):
        if create and extracted:
            self.creators.set(extracted)


class WatchRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchRule

    watch = factory.SubFactory(WatchFactory)
    kind = RuleKind.KEYWORD
    params = factory.LazyFunction(dict)


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    organization = factory.SubFactory(OrganizationFactory)
    creator = factory.SubFactory(CreatorFactory)
    kind = RuleKind.KEYWORD
    severity = Severity.MEDIUM
    title = "2 posts with excluded terms"
    summary = "Two posts mention gambling within 7 days"
    evidence = factory.LazyFunction(lambda: {"posts": []})
    cause_key = factory.Sequence(lambda n: f"test-cause-{n}")


class NotificationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationSettings
        django_get_or_create = ("organization",)

    organization = factory.SubFactory(OrganizationFactory)
    email_enabled = True
    email_recipients = factory.LazyFunction(lambda: ["alerts@example.com"])
    webhook_enabled = True
    webhook_url = "https://hooks.example.com/vetted"
    webhook_secret = "whsec_test_secret"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A PENDING webhook message not yet attempted (pass `alert` for an alert's delivery)."""

    class Meta:
        model = WebhookDelivery

    organization = factory.SubFactory(OrganizationFactory)
    alert = None
    event = "alert.created"
    url = "https://hooks.example.com/vetted"
    body = '{"event": "alert.created"}'


class WebhookAttemptFactory(factory.django.DjangoModelFactory):
    """A successful attempt (HTTP 200); pass `succeeded=False` with a `status_code` or `error`."""

    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    number = factory.Sequence(lambda n: n + 1)
    signed_timestamp = factory.LazyFunction(lambda: int(time.time()))
    status_code = 200
    succeeded = True
    duration_ms = 120


class FollowerScorerCalibrationFactory(factory.django.DjangoModelFactory):
    """A stored calibration holding the committed default's parameters under another name."""

    class Meta:
        model = FollowerScorerCalibration

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"calibration {n}")
    data = factory.LazyAttribute(lambda o: {**load_default_calibration().as_dict(), "name": o.name})
    source_name = "labelled.csv"
    rows = 500
    fakes = 120
    cv_roc_auc = 0.95


def overlap_shortlist(organization, name: str = "Overlap") -> Shortlist:
    """A shortlist of Anna, Ben and Cleo: Anna's and Ben's whole Instagram audiences sampled
    (100 followers each, 40 in common, so 160 distinct), Cleo without a follower sample."""
    from tests.factories.influencers import AccountFactory, sampled_account

    shortlist = ShortlistFactory(organization=organization, name=name)
    anna, ben, cleo = (CreatorFactory(display_name=n) for n in ("Anna", "Ben 本", "Cleo"))
    sampled_account(anna, "instagram", 100, [f"fan{i}" for i in range(100)])
    sampled_account(ben, "instagram", 100, [f"fan{i}" for i in range(60, 160)])
    AccountFactory(creator=cleo, platform="instagram")
    for creator in (anna, ben, cleo):
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    return shortlist


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    shortlist = factory.SubFactory(ShortlistFactory)
    organization = factory.LazyAttribute(lambda o: o.shortlist.organization)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_on = dt.date(2026, 3, 1)


class CampaignCreatorFactory(factory.django.DjangoModelFactory):
    """A booking: the entry defaults to a new entry of the campaign's shortlist."""

    class Meta:
        model = CampaignCreator

    campaign = factory.SubFactory(CampaignFactory)
    creator = factory.SubFactory(CreatorFactory)
    entry = factory.SubFactory(
        ShortlistEntryFactory,
        shortlist=factory.SelfAttribute("..campaign.shortlist"),
        creator=factory.SelfAttribute("..creator"),
    )
    fee_usd = 1000


class CampaignPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignPost

    booking = factory.SubFactory(CampaignCreatorFactory)
    source = "imported"
    platform = "instagram"
    url = factory.Sequence(lambda n: f"https://www.instagram.com/p/campaign{n}/")
    likes = 500
    comments = 20


def campaign_outcomes(entry: ShortlistEntry, *, fee_usd: float, reach: int, platform: str, times: int = 3) -> None:
    """`times` campaigns on `entry`'s shortlist, each booking its creator for `fee_usd` with one
    post that reached `reach` people: enough outcomes (vetting.scoring.campaigns.MIN_OUTCOMES)
    for the organisation's track record to re-size its estimates."""
    for _ in range(times):
        booking = CampaignCreatorFactory(
            campaign=CampaignFactory(shortlist=entry.shortlist), creator=entry.creator, entry=entry, fee_usd=fee_usd
        )
        CampaignPostFactory(booking=booking, platform=platform, reach=reach)
