"""Shapes of watches, rules, alerts, notification settings, webhook deliveries and estimates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.jobs import JobSerializer
from api.serializers.messages import MessageField, MessageSerializer
from core.messages import localize, message_json, render_message
from vetting.models import (
    Alert,
    NotificationSettings,
    RuleKind,
    Severity,
    Watch,
    WatchRule,
    WebhookAttempt,
    WebhookDelivery,
)


class RuleSerializer(serializers.ModelSerializer):
    params = serializers.JSONField(help_text="The kind's thresholds; see docs/monitoring.md (defaults are filled in)")

    class Meta:
        model = WatchRule
        fields = ["id", "watch", "kind", "name", "params", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "watch", "created_at", "updated_at"]


class RuleCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    params = serializers.JSONField(required=False, default=dict)
    is_active = serializers.BooleanField(required=False, default=True)


class RuleUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    params = serializers.JSONField(required=False)
    is_active = serializers.BooleanField(required=False)


class CreatorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class WatchSerializer(serializers.ModelSerializer):
    brand = serializers.IntegerField(source="brand_id", allow_null=True, read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True, default=None, allow_null=True)
    shortlist = serializers.IntegerField(source="shortlist_id", allow_null=True, read_only=True)
    shortlist_name = serializers.CharField(source="shortlist.name", read_only=True, default=None, allow_null=True)
    creators = CreatorRefSerializer(many=True, read_only=True)
    rules = RuleSerializer(many=True, read_only=True)
    open_alerts = serializers.IntegerField(read_only=True, default=0)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Watch
        fields = [
            "id",
            "name",
            "brand",
            "brand_name",
            "shortlist",
            "shortlist_name",
            "creators",
            "is_active",
            "rules",
            "open_alerts",
            "created_by",
            "created_at",
            "updated_at",
        ]


class WatchWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    brand_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    shortlist_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=1000
    )
    is_active = serializers.BooleanField(required=False, default=True)
    rules = RuleCreateSerializer(many=True, required=False, help_text="Rules created with the watch")


class WatchUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    brand_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    shortlist_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=1000
    )
    is_active = serializers.BooleanField(required=False)


class AccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AlertSerializer(serializers.ModelSerializer):
    creator = CreatorRefSerializer(read_only=True)
    account = AccountRefSerializer(read_only=True, allow_null=True)
    brand = NamedRefSerializer(read_only=True, allow_null=True)
    watch = NamedRefSerializer(read_only=True, allow_null=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, default=None, allow_null=True
    )
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, default=None, allow_null=True)
    title = serializers.SerializerMethodField(help_text="In the request's language")
    summary = serializers.SerializerMethodField(help_text="In the request's language")
    title_message = serializers.SerializerMethodField()
    summary_message = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField(
        help_text="Posts, comments, dates and numbers behind the alert; sentences in the request's language"
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "severity",
            "status",
            "title",
            "summary",
            "title_message",
            "summary_message",
            "evidence",
            "creator",
            "account",
            "brand",
            "watch",
            "rule",
            "cause_key",
            "created_at",
            "last_seen_at",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "notified_at",
            "updated_at",
        ]

    def get_title(self, alert: Alert) -> str:
        return render_message(alert.title_message) if alert.title_message else alert.title

    def get_summary(self, alert: Alert) -> str:
        return render_message(alert.summary_message) if alert.summary_message else alert.summary

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_title_message(self, alert: Alert) -> dict[str, Any] | None:
        return message_json(alert.title_message) if alert.title_message else None

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_summary_message(self, alert: Alert) -> dict[str, Any] | None:
        return message_json(alert.summary_message) if alert.summary_message else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_evidence(self, alert: Alert) -> Any:
        return localize(alert.evidence or {}, structured=True)


class AlertResolveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class NotificationSettingsSerializer(serializers.ModelSerializer):
    webhook_secret_set = serializers.SerializerMethodField()
    updated_by = serializers.CharField(source="updated_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = NotificationSettings
        fields = [
            "email_enabled",
            "email_recipients",
            "webhook_enabled",
            "webhook_url",
            "webhook_secret_set",
            "min_severity",
            "updated_by",
            "updated_at",
        ]

    def get_webhook_secret_set(self, obj: NotificationSettings) -> bool:
        return bool(obj.webhook_secret)


class NotificationSettingsSecretSerializer(NotificationSettingsSerializer):
    """The settings as a PATCH answers them: with the signing secret the one time it is created."""

    webhook_secret = serializers.CharField(
        required=False,
        help_text="Present once, in the answer that enabled the webhook and created the secret: store it",
    )

    class Meta(NotificationSettingsSerializer.Meta):
        fields = [*NotificationSettingsSerializer.Meta.fields, "webhook_secret"]


class NotificationSettingsUpdateSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField(required=False)
    email_recipients = serializers.ListField(child=serializers.CharField(max_length=254), required=False, max_length=50)
    webhook_enabled = serializers.BooleanField(required=False)
    webhook_url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    min_severity = serializers.ChoiceField(choices=Severity.choices, required=False)


class WebhookSecretSerializer(serializers.Serializer):
    webhook_secret = serializers.CharField(help_text="Shown once: store it where your receiver can read it")
    header = serializers.CharField(default="X-Vetted-Signature")


class AttemptSerializer(serializers.ModelSerializer):
    """One attempt. The receiver's answer (`response_excerpt`, short and sanitised) is shown to
    owners only; editors and viewers see the status (null excerpt)."""

    response_excerpt = serializers.SerializerMethodField()

    def get_response_excerpt(self, attempt: WebhookAttempt) -> str | None:
        if not self.context.get("show_excerpts"):
            return None
        return (attempt.response_excerpt or "")[:200]

    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "at",
            "signed_timestamp",
            "status_code",
            "succeeded",
            "error",
            "duration_ms",
            "retry_in_seconds",
            "response_excerpt",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "delivery_id",
            "event",
            "url",
            "alert",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "finished_at",
            "attempt_log",
        ]


class EvaluationJobSerializer(JobSerializer):
    """The WATCH job; `job_id` repeats `id` for clients of the first release."""

    job_id = serializers.IntegerField(read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "job_id"]


# --- estimates (vetting.monitoring.estimates, docs/monitoring.md "Price and reach") ----------------


class RateSourceSerializer(serializers.Serializer):
    """A published source of the rate table."""

    id = serializers.CharField(help_text="What tiers cite in `sources` / `reach_sources`")
    title = serializers.CharField(required=False)
    publisher = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    used_for = serializers.CharField(required=False, help_text="Which figures of the table it supports")


class RateTableSerializer(serializers.Serializer):
    """The rate table every estimate comes from."""

    name = serializers.CharField()
    as_of = serializers.CharField(help_text="The date its prices were collected (ISO date)")
    currency = serializers.CharField(help_text="Currency of every cost figure (USD)")
    disclaimer = serializers.CharField()
    sources = RateSourceSerializer(many=True)


class ReachEstimateSerializer(serializers.Serializer):
    """People one post reaches (a count): the account's median views of recent posts (video
    platforms, low == high) or followers × its tier's reach-rate range."""

    low = serializers.IntegerField(help_text="People reached per post, low end")
    high = serializers.IntegerField(help_text="People reached per post, high end")
    basis = serializers.CharField(help_text="How it was estimated, in English")
    basis_message = MessageField(help_text="The same as a message (estimate.reach_views / estimate.reach_rate)")


class CostEstimateSerializer(serializers.Serializer):
    """The fee per post of the account's tier, in US dollars."""

    low = serializers.FloatField(help_text="USD per post, low end")
    high = serializers.FloatField(help_text="USD per post, high end (a floor when `open_ended_high`)")
    open_ended_high = serializers.BooleanField(help_text="The tier has no upper bound: `high` is where it starts")
    note = serializers.CharField(allow_blank=True, help_text="The rate table's note on the tier (may be empty)")
    sources = serializers.ListField(child=serializers.CharField(), help_text="Ids of `rate_table.sources`")


class RatioEstimateSerializer(serializers.Serializer):
    """A cost ratio in US dollars (CPM: per 1,000 people reached; CPE: per engagement); all three
    figures are null when its base is unknown (no engagement figures for recent posts)."""

    low = serializers.FloatField(allow_null=True, help_text="USD, low end: the low cost over the high base")
    mid = serializers.FloatField(allow_null=True, help_text="USD: the middle cost over the middle base")
    high = serializers.FloatField(allow_null=True, help_text="USD, high end: the high cost over the low base")
    basis = serializers.CharField(help_text="How it was estimated, in English")
    basis_message = MessageField(help_text="The same as a message (estimate.cpm, estimate.cpe, estimate.cpe_none)")


class AdjustedRangeSerializer(serializers.Serializer):
    """A range re-sized by the organisation's own campaign outcomes (the creator page's track record)."""

    low = serializers.FloatField(help_text="Same unit as the figure it re-sizes (people, or USD per post)")
    high = serializers.FloatField(help_text="Same unit as the figure it re-sizes")
    message = MessageField(
        help_text="campaign.track_record_reach / _cost: outcomes, campaigns, median error and bias (as the web UI)"
    )


class TrackRecordSerializer(serializers.Serializer):
    """The organisation's adjustment of reach and cost per post; each null below 3 campaign outcomes."""

    reach = AdjustedRangeSerializer(allow_null=True, help_text="People reached per post; null: not enough outcomes")
    cost = AdjustedRangeSerializer(allow_null=True, help_text="USD per post; null: not enough outcomes")


class AccountEstimateSerializer(serializers.Serializer):
    """Price and reach ESTIMATE of one account, with the basis of each figure."""

    account_id = serializers.IntegerField()
    handle = serializers.CharField()
    label = serializers.CharField(help_text='Always "estimate": nothing here is a quote')
    platform = serializers.CharField()
    followers = serializers.IntegerField(help_text="Followers the tier was chosen by")
    tier = serializers.CharField(help_text="nano, micro, mid, macro, mega (the rate table's tier names)")
    rate_entry = serializers.CharField(help_text='The rate table entry used: the platform, or "default"')
    basis = serializers.CharField(help_text="What the entry's prices are based on, in English")
    reach_per_post = ReachEstimateSerializer()
    cost_per_post_usd = CostEstimateSerializer()
    cpm_usd = RatioEstimateSerializer(help_text="USD per 1,000 people reached")
    cpe_usd = RatioEstimateSerializer(help_text="USD per engagement")
    engagements_per_post = serializers.FloatField(
        allow_null=True, help_text="Median engagements of the 12 newest posts; null without posts"
    )
    reach_sources = serializers.ListField(child=serializers.CharField(), help_text="Ids of `rate_table.sources`")
    track_record = TrackRecordSerializer(help_text="The same ranges re-sized by your organisation's campaigns")


class EstimatesSerializer(serializers.Serializer):
    """Price and reach ESTIMATES of a creator's accounts (docs/monitoring.md); the creator's
    figures are its primary (most followed) account's, null when it has no account."""

    label = serializers.CharField(help_text='Always "estimate"')
    creator_id = serializers.IntegerField()
    disclaimer = serializers.CharField()
    rate_table = RateTableSerializer()
    primary_account_id = serializers.IntegerField(allow_null=True)
    cost_per_post_usd = CostEstimateSerializer(allow_null=True)
    cpm_usd = RatioEstimateSerializer(allow_null=True, help_text="USD per 1,000 people reached")
    cpe_usd = RatioEstimateSerializer(allow_null=True, help_text="USD per engagement")
    accounts = AccountEstimateSerializer(many=True)


# --- comment sentiment (vetting.monitoring.sentiment_series) ---------------------------------------


class SpikeStatsSerializer(serializers.Serializer):
    """A spike day's negative share against the creator's earlier days (robust z: median / MAD)."""

    value = serializers.FloatField(help_text="The day's negative share, 0..1")
    baseline_median = serializers.FloatField(help_text="Median negative share of earlier days, 0..1")
    baseline_used = serializers.FloatField(help_text="The baseline measured from (the median, floored), 0..1")
    mad = serializers.FloatField(help_text="Median absolute deviation of earlier days")
    spread_used = serializers.FloatField(help_text="The spread the z divides by (MAD scaled, floored)")
    robust_z = serializers.FloatField(help_text="(value − baseline_used) / spread_used")
    history_points = serializers.IntegerField(help_text="Earlier days compared with")


class SentimentDaySerializer(serializers.Serializer):
    """One day of comment sentiment."""

    date = serializers.DateField()
    total = serializers.IntegerField(help_text="Comments that day")
    negative = serializers.IntegerField()
    neutral = serializers.IntegerField()
    positive = serializers.IntegerField()
    negative_share = serializers.FloatField(help_text="negative / total, 0..1")
    mean_score = serializers.FloatField(help_text="Mean comment score, -1 (negative) .. 1 (positive)")
    spike = serializers.BooleanField(help_text="A negative spike against the creator's earlier days")
    spike_stats = SpikeStatsSerializer(allow_null=True, help_text="Null unless `spike`")


class CaptionSentimentSerializer(serializers.Serializer):
    """The creator's own captions over the period."""

    count = serializers.IntegerField(help_text="Captions with text")
    mean_score = serializers.FloatField(allow_null=True, help_text="-1..1; null without captions")
    negative = serializers.IntegerField(help_text="Captions labelled negative")


class SentimentSeriesSerializer(serializers.Serializer):
    """A creator's daily comment sentiment, days with comments only, oldest first."""

    creator_id = serializers.IntegerField()
    days = serializers.IntegerField(help_text="Days back from `as_of`")
    as_of = serializers.DateTimeField()
    method = serializers.CharField(help_text="The scorers and the spike test, in English")
    comments = serializers.IntegerField(help_text="Comments in the period")
    captions = CaptionSentimentSerializer()
    series = SentimentDaySerializer(many=True)
