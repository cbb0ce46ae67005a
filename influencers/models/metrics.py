"""Derived, denormalised numbers per account, recomputed from history after every change so
discovery can filter and sort on them cheaply."""

from __future__ import annotations

from django.db import models
from django.db.models import F

from core.fields import JSONTextField
from influencers.models.catalogue import Account
from influencers.models.indexes import NullsLastIndex

__all__ = ["AccountMetrics", "NullsLastIndex"]  # NullsLastIndex: migration 0003 names it here


class AccountMetrics(models.Model):
    """Engagement, growth and risk figures of an account, each with the formula it came from.

    Written only by `influencers.metrics.service` (and the vetting service for the risk
    fields); never edited by hand.
    """

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="metrics")
    followers = models.PositiveBigIntegerField(default=0)
    following = models.PositiveBigIntegerField(null=True, blank=True)
    posts_count = models.PositiveBigIntegerField(null=True, blank=True)
    engagement_rate = models.FloatField(null=True, blank=True, help_text="Headline ER; see er_formula")
    er_formula = models.CharField(max_length=200, blank=True)
    er_by_followers = models.FloatField(null=True, blank=True)
    er_by_views = models.FloatField(null=True, blank=True)
    er_xiaohongshu = models.FloatField(null=True, blank=True, help_text="(likes+saves+comments)/followers")
    er_posts_used = models.PositiveIntegerField(default=0)
    avg_likes = models.FloatField(null=True, blank=True)
    avg_comments = models.FloatField(null=True, blank=True)
    avg_views = models.FloatField(null=True, blank=True)
    growth_7d = models.FloatField(null=True, blank=True, help_text="Relative follower change over 7 days")
    growth_30d = models.FloatField(null=True, blank=True)
    growth_90d = models.FloatField(null=True, blank=True)
    posts_per_week = models.FloatField(null=True, blank=True)
    last_post_at = models.DateTimeField(null=True, blank=True)
    data_as_of = models.DateField(
        null=True,
        blank=True,
        help_text="Date of the newest post or snapshot: the figures describe the account as of then",
    )
    fake_risk = models.FloatField(null=True, blank=True, help_text="Combined fake-follower risk 0..1")
    # low / medium / high, "insufficient" (below the evidence rule), "unknown" (reports before
    # the rule: no data), "" (not vetted yet).
    risk_level = models.CharField(max_length=16, blank=True)
    risk_confidence = models.FloatField(null=True, blank=True)
    risk_missing = models.JSONField(
        default=list, blank=True, help_text="Kinds of evidence the vetting had no data for, e.g. ['follower_sample']"
    )
    details = JSONTextField(default=dict, blank=True, help_text="Formulas and inputs behind each figure")
    # The report as text (read whole, never queried inside, as the details above: why in
    # core.fields.JSONTextField); the parts of it that SQL reads (ranking, matching's term
    # counts) are kept beside it.
    vetting = JSONTextField(default=dict, blank=True, help_text="The last vetting report (signals, evidence)")
    vetting_inputs = models.JSONField(
        null=True,  # not vetted yet (and a column SQLite adds without rebuilding its table: 0021)
        blank=True,
        help_text="The report's parts read in SQL: its 'rank' inputs and its 'text' term vector",
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "account metrics"
        indexes = [
            models.Index(fields=["followers"]),
            models.Index(fields=["engagement_rate"]),
            models.Index(fields=["fake_risk"]),
            # Discovery sorts "highest first" with NULLs (not computed yet) last: PostgreSQL walks
            # an index only when its order matches exactly, and a backward scan of an ascending
            # index puts NULLs first. growth_30d also gets its ascending twin (range filters and
            # "lowest first").
            NullsLastIndex(F("engagement_rate").desc(nulls_last=True), name="metrics_er_desc_idx"),
            NullsLastIndex(F("growth_30d").desc(nulls_last=True), name="metrics_growth30_desc_idx"),
            models.Index(fields=["growth_30d"], name="metrics_growth30_idx"),
            models.Index(fields=["data_as_of"], name="metrics_data_as_of_idx"),  # the stale filter
        ]

    def __str__(self) -> str:
        return f"metrics of {self.account_id}"

    @property
    def data_is_stale(self) -> bool:
        """Whether the data behind these figures is stale today (`influencers.metrics.freshness`)."""
        from django.utils import timezone

        from influencers.metrics.freshness import is_stale, stale_after_days

        return is_stale(self.data_as_of, timezone.localdate(), stale_after_days())
