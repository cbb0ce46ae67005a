"""Campaigns of an organisation: the campaign, its bookings (fee actually paid) and posts."""

from __future__ import annotations

from rest_framework import serializers

from vetting.models import Campaign, CampaignCreator


class CampaignSerializer(serializers.ModelSerializer):
    shortlist = serializers.IntegerField(source="shortlist_id", min_value=1, max_value=2**62)
    brand = serializers.CharField(source="brand.name", default=None, read_only=True, allow_null=True)
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
    """The posts as JSON: `posts`, the records of docs/campaigns.md. (The one other body the
    endpoint takes, a multipart CSV/JSON `file`, is not documented as a second content type: one
    content type per body.)"""

    posts = serializers.ListField(child=serializers.DictField(), max_length=5_000)


class PostsAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()


class LinkedPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    creator_id = serializers.IntegerField()


class ReportShortlistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    shortlist = ReportShortlistSerializer()
    brand = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class ReportCreatorSerializer(serializers.Serializer):
    """One booked creator: actual figures beside the prediction, per type (docs/campaigns.md)."""

    booking_id = serializers.IntegerField()
    creator = serializers.DictField(help_text="{id, display_name}")
    platform = serializers.CharField(allow_blank=True)
    handle = serializers.CharField(allow_blank=True)
    fee_usd = serializers.FloatField()
    posts = serializers.ListField(child=serializers.DictField(), help_text="[{id, url, source, posted_at, ...}]")
    actual = serializers.DictField()
    predicted = serializers.DictField(help_text="{type: [low, high]}")
    comparison = serializers.DictField(help_text="{type: {predicted, actual, error, log_ratio, within}}")
    prediction_source = serializers.CharField(allow_blank=True)
    followers_at_shortlisting = serializers.IntegerField(allow_null=True)


class CampaignReportSerializer(serializers.Serializer):
    """The campaign report against our predictions (vetting.services.campaign_report)."""

    campaign = ReportCampaignSerializer()
    creators = ReportCreatorSerializer(many=True)
    total = serializers.DictField(help_text="{actual, predicted, comparison, cost_all_bookings}")
    error_by_type = serializers.DictField(help_text="{type: {n, median_abs_error, bias, ...}}")
    organisation_error = serializers.DictField(help_text="as error_by_type, over all the organisation's campaigns")
