"""Campaigns of an organisation: the campaign, its bookings (fee actually paid) and posts."""

from __future__ import annotations

from rest_framework import serializers

from vetting.models import Campaign, CampaignCreator


class CampaignSerializer(serializers.ModelSerializer):
    shortlist = serializers.IntegerField(source="shortlist_id", min_value=1, max_value=2**62)
    brand = serializers.CharField(source="brand.name", default=None, read_only=True)
    bookings = serializers.IntegerField(source="booking_count", read_only=True, default=0)

    class Meta:
        model = Campaign
        fields = ["id", "name", "shortlist", "brand", "starts_on", "ends_on", "bookings", "created_at"]
        read_only_fields = ["id", "brand", "bookings", "created_at"]


class CampaignCreateSerializer(serializers.Serializer):
    shortlist = serializers.IntegerField(min_value=1, max_value=2**62)
    name = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class BookingSerializer(serializers.ModelSerializer):
    creator_id = serializers.IntegerField(min_value=1, max_value=2**62)
    fee_usd = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = CampaignCreator
        fields = ["id", "creator_id", "fee_usd", "booked_at"]
        read_only_fields = ["id", "booked_at"]


class PostLinkSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000)


class PostImportSerializer(serializers.Serializer):
    """The posts as JSON (`posts`, the records of docs/campaigns.md) or an uploaded CSV/JSON `file`."""

    posts = serializers.ListField(child=serializers.DictField(), required=False, max_length=5_000)
    file = serializers.FileField(required=False)
