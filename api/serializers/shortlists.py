"""Shortlist, entry and audit-event shapes, and the bulk payloads."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.creators import AccountSummarySerializer, CreatorRiskSerializer, creator_risk_data
from vetting.models import EntryStatus, Shortlist, ShortlistEntry, ShortlistEvent
from vetting.services.shortlists import BULK_LIMIT


class ShortlistSerializer(serializers.ModelSerializer):
    brand = serializers.IntegerField(source="brand_id", allow_null=True, required=False, min_value=1, max_value=2**62)
    brand_name = serializers.CharField(source="brand.name", read_only=True, default=None, allow_null=True)
    entry_count = serializers.IntegerField(read_only=True, default=0)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Shortlist
        fields = [
            "id",
            "name",
            "campaign",
            "brand",
            "brand_name",
            "entry_count",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class EventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = ShortlistEvent
        fields = ["id", "action", "old_value", "new_value", "user", "at"]


class EntryCreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    country = serializers.CharField()
    risk = serializers.SerializerMethodField()
    accounts = AccountSummarySerializer(many=True)

    @extend_schema_field(CreatorRiskSerializer)
    def get_risk(self, creator: Any) -> dict:
        return creator_risk_data(creator.accounts.all())


class EntrySerializer(serializers.ModelSerializer):
    creator = EntryCreatorSerializer(read_only=True)
    added_by = serializers.CharField(source="added_by.username", default=None, allow_null=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    vetting_snapshot = serializers.JSONField(read_only=True, help_text="Metrics and vetting as they were when added")

    class Meta:
        model = ShortlistEntry
        fields = [
            "id",
            "creator",
            "status",
            "notes",
            "vetting_snapshot",
            "added_by",
            "added_at",
            "updated_at",
            "events",
        ]


class EntryUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class EntriesAddSerializer(serializers.Serializer):
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=BULK_LIMIT
    )
    status = serializers.ChoiceField(choices=EntryStatus.choices, default=EntryStatus.CANDIDATE)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class EntriesAddedSerializer(serializers.Serializer):
    added = EntrySerializer(many=True)
    already_present = serializers.ListField(child=serializers.IntegerField())


class EntryIdsSerializer(serializers.Serializer):
    entry_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=BULK_LIMIT
    )


class EntriesStatusSerializer(EntryIdsSerializer):
    status = serializers.ChoiceField(choices=EntryStatus.choices)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
