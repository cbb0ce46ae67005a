"""Typed shapes of the product's explanations: the vetting report with its risk verdict, signals
and evidence, and the result of a job. Each sentence comes as text in the request's language and
beside it as a message (`<field>_message`: code, params, message; core/messages.py), the same
codes and parameters the web UI words. Reports stored before a field existed lack it: every
field is optional, and the objects may carry more keys than these (additions are not breaking)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.messages import MessageSerializer


def _opt(field: type[serializers.Field], **kwargs: Any) -> serializers.Field:
    return field(required=False, allow_null=True, **kwargs)


def _message() -> MessageSerializer:
    return MessageSerializer(required=False, allow_null=True)


class ReportAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    followers = _opt(serializers.IntegerField)


@extend_schema_field({"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}], "nullable": True})
class SignalEvidenceField(serializers.JSONField):
    """A signal's evidence: its figures (an object) or the items it found (a list: growth
    anomalies, following-churn waves), as vetting.scoring.risk writes it."""


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "object"}], "nullable": True})
class SignalValueField(serializers.JSONField):
    """A signal's value: one number, or named figures (the comment signal's likes per comment
    and sudden changes)."""


class RiskSignalSerializer(serializers.Serializer):
    """One fake-follower signal: its value, benchmark and weight, its risk, and the evidence."""

    name = serializers.CharField(help_text="audience_quality, growth, engagement, comments, reused_images")
    label = serializers.CharField(required=False, help_text="In the request's language")
    value = SignalValueField(required=False, allow_null=True)
    value_text = _opt(serializers.CharField)
    value_text_message = _message()
    benchmark = _opt(serializers.CharField)
    benchmark_message = _message()
    risk = _opt(serializers.FloatField, help_text="0..1")
    weight = _opt(serializers.FloatField)
    decisive = _opt(serializers.FloatField)
    confidence = _opt(serializers.FloatField, help_text="0..1: how much evidence the signal had")
    explanation = _opt(serializers.CharField)
    explanation_message = _message()
    evidence = SignalEvidenceField(
        required=False,
        allow_null=True,
        help_text="The signal's figures (sample, interval, method...), or the anomalies it found (a list)",
    )
    evidence_lines = serializers.ListField(child=serializers.CharField(), required=False)
    evidence_lines_messages = MessageSerializer(many=True, required=False)


class RiskCombinationSerializer(serializers.Serializer):
    """How the signals combine: their weighted mean, or the floor a decisive signal sets."""

    rule = _opt(serializers.CharField)
    signals_with_data = _opt(serializers.IntegerField)
    weight_with_data = _opt(serializers.FloatField)
    mean = _opt(serializers.FloatField)
    floor = _opt(serializers.FloatField)
    floor_signal = _opt(serializers.CharField)
    used = _opt(serializers.CharField)
    risk = _opt(serializers.FloatField)
    text = _opt(serializers.CharField)
    text_message = _message()


class EvidenceRuleSerializer(serializers.Serializer):
    """Whether there is enough evidence for a verdict, and what is missing."""

    met = serializers.BooleanField(required=False)
    level_if_enough = _opt(serializers.CharField)
    confidence = _opt(serializers.FloatField)
    min_confidence = _opt(serializers.FloatField)
    kinds = serializers.ListField(child=serializers.CharField(), required=False)
    min_kinds = _opt(serializers.IntegerField)
    missing = serializers.ListField(child=serializers.CharField(), required=False)


class RiskVerdictSerializer(serializers.Serializer):
    risk = _opt(serializers.FloatField, help_text="Fake-follower risk, 0..1")
    level = _opt(serializers.CharField, help_text="low, medium, high or insufficient")
    confidence = _opt(serializers.FloatField)
    combined_by = _opt(serializers.CharField)
    combined_by_message = _message()
    summary = _opt(serializers.CharField)
    summary_message = _message()
    combination = RiskCombinationSerializer(required=False, allow_null=True)
    evidence = EvidenceRuleSerializer(required=False, allow_null=True)
    missing = serializers.ListField(child=serializers.CharField(), required=False)
    signals = RiskSignalSerializer(many=True, required=False)


class VettingReportSerializer(serializers.Serializer):
    """An account's vetting report ({} when it was never vetted)."""

    version = serializers.IntegerField(required=False)
    computed_at = serializers.CharField(required=False)
    account = ReportAccountSerializer(required=False)
    risk = RiskVerdictSerializer(required=False)
    audience_quality = serializers.DictField(required=False, allow_null=True, help_text="Follower-sample scoring")
    growth = serializers.DictField(required=False, allow_null=True, help_text="Growth anomalies, with dates")
    engagement = serializers.DictField(required=False, allow_null=True, help_text="ER against its tier's benchmark")
    comments = serializers.DictField(required=False, allow_null=True, help_text="Comment authenticity")
    reused_images = serializers.DictField(required=False, allow_null=True)
    post_refs = serializers.DictField(required=False, allow_null=True, help_text="Posts the evidence cites, by id")
    data = serializers.DictField(required=False, allow_null=True, help_text="How much data the report had")


class JobResultSerializer(serializers.Serializer):
    """What a finished job produced; the keys beside these depend on the job's kind."""

    download_url = serializers.CharField(required=False, help_text="Exports: where the file is")
    error_message = MessageSerializer(required=False, help_text="Failed jobs: the reason, as a message")
    counts = serializers.DictField(required=False)
    account_id = serializers.IntegerField(required=False, help_text="Account tracks: the account added or refreshed")
    creator_id = serializers.IntegerField(required=False, help_text="Account tracks: its creator")
    created = serializers.BooleanField(required=False, help_text="Account tracks: false when it was already tracked")
    creator_url = serializers.CharField(required=False, help_text="Account tracks: the creator's vetting report")
