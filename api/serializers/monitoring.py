"""Shapes of watches, rules, alerts, notification settings, webhook deliveries and estimates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.jobs import JobSerializer
from api.serializers.messages import MessageSerializer
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


class EstimatesSerializer(serializers.Serializer):
    """Estimates are free-form data labelled `estimate` (see docs/monitoring.md)."""

    label = serializers.CharField()
    creator_id = serializers.IntegerField()
    disclaimer = serializers.CharField()
    rate_table = serializers.JSONField()
    primary_account_id = serializers.IntegerField(allow_null=True)
    cost_per_post_usd = serializers.JSONField(allow_null=True)
    cpm_usd = serializers.JSONField(allow_null=True)
    cpe_usd = serializers.JSONField(allow_null=True)
    accounts = serializers.JSONField()


class SentimentSeriesSerializer(serializers.Serializer):
    creator_id = serializers.IntegerField()
    days = serializers.IntegerField()
    as_of = serializers.CharField()
    method = serializers.CharField()
    comments = serializers.IntegerField()
    captions = serializers.JSONField()
    series = serializers.JSONField()
