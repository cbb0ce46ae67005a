"""What is known of an account's audience: declared distributions, sampled followers, comments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from influencers.models.catalogue import Account, Post

DISTRIBUTION_FIELDS = ("age", "gender", "countries", "languages", "interests")
DISTRIBUTION_TOLERANCE = 0.01
AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "other")


def distribution_error(distribution: object) -> str | None:
    """Why `distribution` is not a share distribution ({key: share} summing to 1 ± 0.01), or None."""
    if distribution in (None, {}):
        return None
    if not isinstance(distribution, dict):
        return "must be an object mapping each key to its share"
    total = 0.0
    for key, share in distribution.items():
        if isinstance(share, bool) or not isinstance(share, (int, float)):
            return f"share of {key!r} is not a number"
        if share < 0 or share > 1:
            return f"share of {key!r} is {share}, outside 0..1"
        total += share
    if abs(total - 1.0) > DISTRIBUTION_TOLERANCE:
        return f"shares sum to {total:.3f}, expected 1 ± {DISTRIBUTION_TOLERANCE}"
    return None


class AudienceProfile(models.Model):
    """Distributions of an account's audience (each a {key: share} summing to 1), from one source
    on one date. The newest profile of an account is the one scores use."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="audience_profiles")
    source = models.CharField(max_length=100, default="import", help_text="e.g. 'instagram insights', 'demo'")
    as_of = models.DateField()
    age = models.JSONField(default=dict, blank=True, help_text="age band → share, bands: " + ", ".join(AGE_BANDS))
    gender = models.JSONField(default=dict, blank=True, help_text="female/male/other → share")
    countries = models.JSONField(default=dict, blank=True, help_text="ISO country code → share")
    languages = models.JSONField(default=dict, blank=True, help_text="ISO language code → share")
    interests = models.JSONField(default=dict, blank=True, help_text="interest → share")

    class Meta:
        ordering = ["account_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["account", "source", "as_of"], name="audience_unique_account_source_date")
        ]

    def __str__(self) -> str:
        return f"audience of {self.account} ({self.source}, {self.as_of})"

    def clean(self) -> None:
        errors = {}
        for field in DISTRIBUTION_FIELDS:
            problem = distribution_error(getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


class FollowerSample(models.Model):
    """One sampled follower of an account with the public profile fields the fake-follower
    scorer reads (the `score_followers` columns). Any field may be unknown."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="follower_samples")
    username = models.CharField(max_length=150)
    full_name = models.CharField(max_length=200, blank=True)
    biography = models.TextField(blank=True)
    followers_count = models.PositiveBigIntegerField(null=True, blank=True)
    following_count = models.PositiveBigIntegerField(null=True, blank=True)
    media_count = models.PositiveBigIntegerField(null=True, blank=True)
    has_profile_pic = models.BooleanField(null=True, blank=True)
    is_private = models.BooleanField(null=True, blank=True)
    is_verified = models.BooleanField(null=True, blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    sampled_at = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["account_id", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "username"], name="follower_unique_account_username")]

    def __str__(self) -> str:
        return f"@{self.username} follows {self.account}"


class CommentSample(models.Model):
    """A comment left on a post, for comment-authenticity and sentiment signals."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comment_samples")
    external_id = models.CharField(max_length=200, help_text="Platform comment id, or a hash of commenter+text+time")
    commenter = models.CharField(max_length=150)
    text = models.TextField()
    posted_at = models.DateTimeField(null=True, blank=True)
    likes = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["post_id", "posted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "external_id"], name="comment_unique_post_external_id")]

    def __str__(self) -> str:
        return f"@{self.commenter} on {self.post_id}: {self.text[:40]}"
