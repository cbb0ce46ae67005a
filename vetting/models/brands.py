"""A brand's brief: who it wants to reach, what it stands for, what it must avoid."""

from __future__ import annotations

from django.db import models

from core.models.tenancy import Organization


class Brand(models.Model):
    """A brand (client) of an organisation, the reference every creator is scored against.

    `target_audience` holds one entry per dimension, each with the wanted distribution and how
    much it matters, e.g. {"age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
    "countries": {"weight": 0.5, "values": {"CN": 1.0}}}; dimensions are those of
    AudienceProfile (age, gender, countries, languages, interests).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    values = models.JSONField(default=list, blank=True, help_text="Brand values, e.g. ['sustainable', '环保']")
    target_audience = models.JSONField(default=dict, blank=True)
    excluded_topics = models.JSONField(default=list, blank=True)
    excluded_keywords = models.JSONField(default=list, blank=True)
    competitors = models.JSONField(default=list, blank=True)
    preferred_platforms = models.JSONField(default=list, blank=True)
    min_followers = models.PositiveBigIntegerField(null=True, blank=True)
    max_followers = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="brand_unique_org_name")]

    def __str__(self) -> str:
        return self.name


class MoodBoardImage(models.Model):
    """An image on a brand's mood board, the query for "creators whose feed looks like us"."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="mood_board")
    image = models.ImageField(upload_to="moodboards/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand_id", "id"]
        constraints = [models.UniqueConstraint(fields=["brand", "sha256"], name="moodboard_unique_brand_sha256")]

    def __str__(self) -> str:
        return f"mood board image {self.pk} of {self.brand}"
