"""Factories of the catalogue: creators, their accounts and what is known about them."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from influencers.history_arrays import COLUMNS, from_points
from influencers.models import (
    Account,
    AccountHistory,
    AccountMetrics,
    AccountSearchText,
    AudienceProfile,
    CommentSample,
    Creator,
    CreatorPartnerTerm,
    FollowerSample,
    MediaAsset,
    Platform,
    Post,
)
from influencers.services.history import record_points


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


@dataclass(frozen=True)
class HistoryPoint:
    """One day of an account's history, as a test states it (stored merged into the account's
    `AccountHistory` row)."""

    account: Account
    date: dt.date
    followers: int
    following: int | None
    posts: int | None


class HistoryPointFactory(factory.Factory):
    """A point of an account's history, merged into its stored history by the same service a
    refresh uses (a point on a day already stored replaces that day's counts)."""

    class Meta:
        model = HistoryPoint

    account = factory.SubFactory(AccountFactory)
    # Distinct past dates (ten years from 2016), never in the future however many a session makes.
    date = factory.Sequence(lambda n: dt.date(2016, 1, 1) + dt.timedelta(days=n % 3650))
    followers = 10_000
    following = 300
    posts = 120

    @classmethod
    def _create(cls, model_class: type[HistoryPoint], *args: Any, **kwargs: Any) -> HistoryPoint:
        point = model_class(*args, **kwargs)
        record_points(point.account.pk, [(point.date, point.followers, point.following, point.posts)], replace=True)
        return point


class AccountHistoryFactory(factory.django.DjangoModelFactory):
    """An account's stored history row as written (three daily points, packed); a test that
    states its points uses HistoryPointFactory or `record_points`."""

    class Meta:
        model = AccountHistory

    account = factory.SubFactory(AccountFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        if not set(COLUMNS) & set(kwargs):
            points = [(dt.date(2026, 1, 1) + dt.timedelta(days=d), 10_000 + 50 * d, 300, 120 + d) for d in range(3)]
            kwargs.update(zip(COLUMNS, from_points(points).packed(), strict=True))
        return kwargs


class CreatorPartnerTermFactory(factory.django.DjangoModelFactory):
    """A term of a creator's sponsored posts. The database keeps these rows from the posts (on
    PostgreSQL), so a factory row stands for what a post write would have left."""

    class Meta:
        model = CreatorPartnerTerm

    creator = factory.SubFactory(CreatorFactory)
    term = factory.Sequence(lambda n: f"brand{n}")
    first_seen = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    last_seen = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    posts = 2


class AccountSearchTextFactory(factory.django.DjangoModelFactory):
    """An account's keyword-search text. Saving an account already writes it (model signals,
    influencers.services.search_index), so a factory row replaces that one."""

    class Meta:
        model = AccountSearchText

    account = factory.SubFactory(AccountFactory)
    names = factory.LazyAttribute(lambda o: o.account.handle)
    about = "skincare 护肤 护肤 "
    posts = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        account = kwargs.pop("account")
        row, _ = model_class.objects.update_or_create(account=account, defaults=kwargs)
        return row


class AccountMetricsFactory(factory.django.DjangoModelFactory):
    """Stored metrics with only the follower count set: every other figure stays unknown (None)
    unless given, as for an account whose metrics were never computed from posts."""

    class Meta:
        model = AccountMetrics

    account = factory.SubFactory(AccountFactory)
    followers = 10_000


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
    """An image row without a stored file (pass `image` or store one when a test reads pixels)."""

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


def sampled_account(creator, platform: str, followers: int, usernames) -> Account:
    """An account of `creator` with a follower count and a follower sample of these usernames
    (the overlap tests' audiences)."""
    account = AccountFactory(creator=creator, platform=platform)
    AccountMetricsFactory(account=account, followers=followers)
    for name in usernames:
        FollowerSampleFactory(account=account, username=name)
    return account
