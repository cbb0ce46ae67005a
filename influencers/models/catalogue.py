"""The shared creator catalogue: who a creator is, their platform accounts and content."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q

from influencers.models.indexes import NullsLastIndex


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    XIAOHONGSHU = "xiaohongshu", "Xiaohongshu (RED)"
    DOUYIN = "douyin", "Douyin"
    BILIBILI = "bilibili", "Bilibili"
    WEIBO = "weibo", "Weibo"
    X = "x", "X (Twitter)"
    PINTEREST = "pinterest", "Pinterest"
    FACEBOOK = "facebook", "Facebook"


# Platforms where views, not followers, are the natural engagement denominator.
VIDEO_PLATFORMS = frozenset({Platform.YOUTUBE, Platform.TIKTOK, Platform.DOUYIN, Platform.BILIBILI})


class PostType(models.TextChoices):
    IMAGE = "image", "Image"
    CAROUSEL = "carousel", "Carousel"
    VIDEO = "video", "Video"
    REEL = "reel", "Reel / short video"
    STORY = "story", "Story"
    LIVE = "live", "Live"
    TEXT = "text", "Text"


class Creator(models.Model):
    """A person or brand behind one or more platform accounts."""

    display_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes, e.g. ['zh', 'en']")
    categories = models.JSONField(default=list, blank=True, help_text="Niches, e.g. ['beauty', 'travel']")
    contact_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True, help_text="Catalogue-wide notes kept by the catalogue editors")
    # Kept by database triggers (migration 0009) on every write of a metrics row or an account's
    # creator, so discovery's risk sort walks an index instead of computing it per creator.
    worst_fake_risk = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="Highest fake-follower risk among the accounts with a verdict (low/medium/high); "
        "maintained by the database",
    )
    # Kept by the same triggers (migration 0011): discovery's risk_level / max_fake_risk filters
    # read it instead of testing the creator's accounts for every row (influencers/risk.py).
    worst_risk_level = models.CharField(
        max_length=16,
        blank=True,
        default="",
        editable=False,
        help_text="Creator-level risk: the worst verdict among its accounts (high, medium, low), else "
        "insufficient when an account has too little evidence, else empty; maintained by the database",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Written only by the database's triggers: save() leaves them out of an update.
    DATABASE_KEPT_FIELDS: ClassVar[frozenset[str]] = frozenset({"worst_fake_risk", "worst_risk_level"})

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["country"]),
            # Discovery's creator-level risk sorts, NULLs (no verdict) last both ways, ties by id.
            NullsLastIndex(F("worst_fake_risk").asc(nulls_last=True), F("id"), name="creator_worst_risk_asc_idx"),
            NullsLastIndex(F("worst_fake_risk").desc(nulls_last=True), F("id"), name="creator_worst_risk_desc_idx"),
            # Discovery's creator-field sorts without account filters (name, -name, -created),
            # ties by id: the first page is an index walk, not a sort of every creator.
            models.Index(F("display_name"), F("id"), name="creator_name_idx"),
            models.Index(F("display_name").desc(), F("id"), name="creator_name_desc_idx"),
            models.Index(F("created_at").desc(), F("id"), name="creator_created_desc_idx"),
            # risk_level=insufficient: creators no account of which has a verdict, few once vetted
            # (the other levels are common enough for an index walk of the sort).
            models.Index(
                fields=["id"], condition=Q(worst_risk_level="insufficient"), name="creator_risk_insufficient_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the fields the application owns. An update without `update_fields` leaves out the
        columns the database's triggers keep (`DATABASE_KEPT_FIELDS`): the instance's copy of them
        may be older than a metrics write since it was read, and a full save would write it back."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.DATABASE_KEPT_FIELDS
            ]
        super().save(*args, **kwargs)


class Account(models.Model):
    """One handle of a creator on one platform, with its public profile fields."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(
        max_length=100, help_text="Stored without '@', lower-cased where the platform is case-insensitive"
    )
    platform_user_id = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    is_verified = models.BooleanField(default=False)
    is_private = models.BooleanField(default=False)
    profile_picture = models.ImageField(upload_to="avatars/", blank=True)
    profile_picture_url = models.URLField(max_length=1000, blank=True)
    tracked = models.BooleanField(default=True, help_text="Refreshed by the scheduled connector job")
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="account_unique_platform_handle")]

    def __str__(self) -> str:
        return f"{self.platform}:@{self.handle}"


class AccountHistory(models.Model):
    """An account's public counters over time, one row per account: the history growth metrics
    are built from. Each column is a packed little-endian int64 array, one value per day, by
    date (`influencers.history_arrays`): days since 1970-01-01, followers, following and posts
    (-1 for an unknown following or posts count). One row per day was 90 rows per imported
    account, whose inserts alone cost more than an import's budget (issue 20)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="history")
    dates = models.BinaryField()
    followers = models.BinaryField()
    following = models.BinaryField()
    posts = models.BinaryField()

    class Meta:
        verbose_name_plural = "account histories"

    def __str__(self) -> str:
        return f"{self.account_id}: {len(bytes(self.dates)) // 8} days"


class Post(models.Model):
    """One piece of content with its engagement counters at the time it was last seen."""

    # No index of its own: the unique (account, platform_post_id) and the (account, -posted_at)
    # index both start with it (influencers migration 0017).
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="posts", db_index=False)
    platform_post_id = models.CharField(max_length=200)
    posted_at = models.DateTimeField()
    post_type = models.CharField(max_length=20, choices=PostType.choices, default=PostType.IMAGE)
    url = models.URLField(max_length=1000, blank=True)
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    mentions = models.JSONField(default=list, blank=True)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(null=True, blank=True)
    saves = models.PositiveBigIntegerField(null=True, blank=True)
    views = models.PositiveBigIntegerField(null=True, blank=True)
    # Whether the post is a paid partnership, decided by `influencers.sponsorship.decide` from the
    # platform's flag, the sponsor named and the caption's markers; how it was decided is kept
    # beside it so the product can show the evidence.
    is_sponsored = models.BooleanField(default=False)
    sponsor = models.CharField(max_length=200, blank=True, help_text="Brand named as sponsor or paid partner")
    paid_partnership = models.BooleanField(
        null=True, blank=True, help_text="The platform's own paid-partnership flag as imported (empty: not given)"
    )
    sponsorship_source = models.CharField(
        max_length=10,
        blank=True,
        choices=[("flag", "Platform flag"), ("sponsor", "Sponsor named"), ("marker", "Caption marker")],
        help_text="How is_sponsored was decided",
    )
    sponsorship_marker = models.CharField(
        max_length=100, blank=True, help_text="The disclosure found in the caption (#ad, 广告, paid partnership …)"
    )

    class Meta:
        ordering = ["-posted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_post_id"], name="post_unique_account_post_id"),
            # likes, comments >= 0: their fields' own CHECKs (positive fields; influencers migration 0018).
        ]
        indexes = [
            models.Index(fields=["account", "-posted_at"]),
            # Discovery's worked_with / not_worked_with read the sponsored posts only (~1 in 12).
            # (Not a covering index with the caption: a B-tree entry must fit in a page, and a
            # long caption would make its insert fail.)
            models.Index(fields=["account"], condition=Q(is_sponsored=True), name="post_sponsored_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account} post {self.platform_post_id}"


class MediaAsset(models.Model):
    """An image of an account (a post image or thumbnail), the unit the vision module embeds.

    The sha256 of the bytes is unique per account: the same picture on two unrelated accounts is
    kept twice on purpose, because that reuse is itself a vetting signal.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="media")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="media")
    image = models.ImageField(upload_to="assets/%Y/%m/", blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    phash = models.CharField(max_length=16, blank=True, help_text="64-bit perceptual hash, hex")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["account", "sha256"], name="media_unique_account_sha256")]
        indexes = [models.Index(fields=["sha256"]), models.Index(fields=["phash"])]

    def __str__(self) -> str:
        return f"{self.account} image {self.sha256[:12]}"
