"""Campaigns run from a shortlist: the creators booked with the fee actually paid, and their
campaign posts (imported from a file or linked to a catalogued post), to compare with what the
product predicted when each creator was shortlisted (docs/campaigns.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models.tenancy import Organization
from influencers.models.catalogue import Creator, Post
from vetting.models.brands import Brand
from vetting.models.shortlists import Shortlist, ShortlistEntry


class Campaign(models.Model):
    """A campaign an organisation ran with creators of one of its shortlists."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="campaigns")
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignCreator(models.Model):
    """A creator booked for a campaign, with the fee actually paid (USD, as the estimates are)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bookings")
    # The shortlist entry whose snapshot holds the predictions; a booking outlives its entry (the
    # creator taken off the list later), and is then predicted from the data of the day.
    entry = models.ForeignKey(ShortlistEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="campaign_bookings")
    fee_usd = models.DecimalField(max_digits=12, decimal_places=2)
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "creator"], name="campaign_creator_unique"),
            models.CheckConstraint(condition=Q(fee_usd__gte=0), name="campaign_fee_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.creator} in {self.campaign}"


class PostSource(models.TextChoices):
    IMPORTED = "imported", "Imported"
    LINKED = "linked", "Linked"


class CampaignPost(models.Model):
    """One campaign post of a booked creator. Imported posts carry their own counters (and reach,
    which only the creator's insights know); a linked post reads the catalogued post's counters,
    so a refresh through the connectors updates the report."""

    booking = models.ForeignKey(CampaignCreator, on_delete=models.CASCADE, related_name="posts")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaign_posts")
    source = models.CharField(max_length=10, choices=PostSource.choices)
    platform = models.CharField(max_length=20)
    url = models.URLField(max_length=1000)
    posted_at = models.DateTimeField(null=True, blank=True)
    reach = models.PositiveBigIntegerField(null=True, blank=True)
    views = models.PositiveBigIntegerField(null=True, blank=True)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(null=True, blank=True)
    saves = models.PositiveBigIntegerField(null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking_id", "posted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["booking", "url"], name="campaign_post_unique_url")]

    def __str__(self) -> str:
        return self.url
