"""factory_boy factories for every model; use `.build()` when no database row is needed."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Job, JobKind, Membership, Organization, Role
from influencers.models import (
    Account,
    AccountSnapshot,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Platform,
    Post,
)
from vetting.models import (
    Alert,
    Brand,
    CreatorNote,
    NotificationSettings,
    RuleKind,
    Severity,
    Shortlist,
    ShortlistEntry,
    Watch,
    WatchRule,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.EDITOR


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    display_name = factory.Sequence(lambda n: f"Creator {n}")
    country = "CN"
    languages = factory.LazyFunction(lambda: ["zh", "en"])
    categories = factory.LazyFunction(lambda: ["beauty"])
    contact_email = factory.LazyAttribute(lambda o: f"{o.display_name.lower().replace(' ', '.')}@example.com")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    creator = factory.SubFactory(CreatorFactory)
    platform = Platform.INSTAGRAM
    handle = factory.Sequence(lambda n: f"creator_{n}")
    bio = "Beauty and travel · 美妆与旅行"


class AccountSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountSnapshot

    account = factory.SubFactory(AccountFactory)
    # Distinct past dates (ten years from 2016), never in the future however many a session makes.
    date = factory.Sequence(lambda n: dt.date(2016, 1, 1) + dt.timedelta(days=n % 3650))
    followers = 10_000
    following = 300
    posts = 120


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    account = factory.SubFactory(AccountFactory)
    platform_post_id = factory.Sequence(lambda n: f"post-{n}")
    posted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    caption = "Morning light 晨光 #skincare"
    hashtags = factory.LazyFunction(lambda: ["skincare"])
    likes = 500
    comments = 20


class MediaAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaAsset

    account = factory.SubFactory(AccountFactory)
    post = None
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"asset-{n}".encode()).hexdigest())
    width = 64
    height = 64


class AudienceProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceProfile

    account = factory.SubFactory(AccountFactory)
    source = "test"
    as_of = factory.LazyFunction(lambda: timezone.now().date())
    age = factory.LazyFunction(lambda: {"18-24": 0.4, "25-34": 0.4, "35-44": 0.2})
    gender = factory.LazyFunction(lambda: {"female": 0.7, "male": 0.3})
    countries = factory.LazyFunction(lambda: {"CN": 0.6, "TW": 0.2, "US": 0.2})
    languages = factory.LazyFunction(lambda: {"zh": 0.8, "en": 0.2})
    interests = factory.LazyFunction(lambda: {"beauty": 0.6, "travel": 0.4})


class FollowerSampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowerSample

    account = factory.SubFactory(AccountFactory)
    username = factory.Sequence(lambda n: f"follower_{n}")
    full_name = "Real Person"
    biography = "Coffee and books"
    followers_count = 350
    following_count = 280
    media_count = 45
    has_profile_pic = True
    is_private = False
    is_verified = False


class CommentSampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommentSample

    post = factory.SubFactory(PostFactory)
    external_id = factory.Sequence(lambda n: f"c{n}")
    commenter = factory.Sequence(lambda n: f"commenter_{n}")
    text = "Love this look! 好看"
    posted_at = factory.LazyFunction(timezone.now)


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


class CreatorNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorNote

    organization = factory.SubFactory(OrganizationFactory)
    creator = factory.SubFactory(CreatorFactory)
    text = "Responsive, good rates"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = JobKind.IMPORT


# --- monitoring -------------------------------------------------------------------------------


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


# --- vision ---------------------------------------------------------------------------------
def _unit_vector_bytes(n: int, dim: int = 8) -> bytes:
    import numpy as np

    vector = np.random.default_rng(n).normal(size=dim).astype("<f4")
    return (vector / np.linalg.norm(vector)).astype("<f4").tobytes()


class ImageEmbeddingFactory(factory.django.DjangoModelFactory):
    """A stored vector (random unit vector of `dim` 8 unless given) for an asset."""

    class Meta:
        model = "vision.ImageEmbedding"

    asset = factory.SubFactory(MediaAssetFactory)
    account = factory.LazyAttribute(lambda o: o.asset.account)
    embedder_id = "test-embedder"
    dim = 8
    vector = factory.Sequence(lambda n: _unit_vector_bytes(n))


class EmbeddingFailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "vision.EmbeddingFailure"

    asset = factory.SubFactory(MediaAssetFactory)
    embedder_id = "test-embedder"
    error = "OSError: cannot identify image file"


class AestheticProfileFactory(factory.django.DjangoModelFactory):
    """A one-prototype profile whose centroid and prototype are the same random unit vector."""

    class Meta:
        model = "vision.AestheticProfile"

    account = factory.SubFactory(AccountFactory)
    embedder_id = "test-embedder"
    dim = 8
    image_count = 1
    centroid = factory.Sequence(lambda n: _unit_vector_bytes(n))
    prototypes = factory.LazyAttribute(lambda o: o.centroid)
    prototype_weights = factory.LazyFunction(lambda: [1.0])
    consistency = 1.0
