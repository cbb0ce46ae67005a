"""Audience overlap of creators (vetting.services.overlap): estimated from follower samples, with
the method, the confidence level and the sample sizes stated."""

from __future__ import annotations

from rest_framework import serializers

MAX_OVERLAP_CREATORS = 50


def _ints(**kwargs: object) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(allow_null=True), **kwargs)


def _floats(**kwargs: object) -> serializers.ListField:
    return serializers.ListField(child=serializers.FloatField(allow_null=True), **kwargs)


class OverlapAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    followers = serializers.IntegerField(allow_null=True)
    sample_size = serializers.IntegerField(help_text="Followers in the account's sample")
    counted = serializers.BooleanField(help_text="Has a follower count and a sample: used in the estimates")


class OverlapCreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    accounts = OverlapAccountSerializer(many=True)


class EstimateIntervalSerializer(serializers.Serializer):
    estimate = serializers.IntegerField(allow_null=True)
    interval = _ints(allow_null=True, help_text="[low, high] at the stated level")


class OverlapPairSerializer(serializers.Serializer):
    a = serializers.IntegerField(help_text="Creator id")
    b = serializers.IntegerField(help_text="Creator id")
    platform = serializers.CharField()
    accounts = _ints(help_text="The two account ids compared")
    overlap_share = serializers.FloatField(allow_null=True, help_text="Share of the smaller audience also in the other")
    interval = _floats(help_text="[low, high] of overlap_share at the stated level")
    shared_in_sample = serializers.IntegerField(help_text="Followers found in both samples")
    sample_sizes = _ints()
    followers = _ints()
    shared_followers = EstimateIntervalSerializer()
    detectable_share = serializers.FloatField(allow_null=True, help_text="Smallest overlap the samples could detect")
    informative = serializers.BooleanField(help_text="The samples were large enough to say something")
    consistent = serializers.BooleanField()


class PlatformReachSerializer(serializers.Serializer):
    platform = serializers.CharField()
    estimate = serializers.IntegerField(allow_null=True)
    interval = _ints()
    followers_total = serializers.IntegerField()
    accounts = serializers.IntegerField()


class UniqueReachSerializer(serializers.Serializer):
    estimate = serializers.IntegerField(allow_null=True)
    interval = _ints(allow_null=True)
    followers_total = serializers.IntegerField()
    accounts_counted = serializers.IntegerField()
    followers_not_counted = serializers.IntegerField()
    by_platform = PlatformReachSerializer(many=True)


class OverlapUnknownSerializer(serializers.Serializer):
    creator = serializers.IntegerField()
    display_name = serializers.CharField()
    reason = serializers.CharField()


class OverlapSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="How the overlap was estimated from the follower samples")
    level = serializers.FloatField(help_text="Confidence level of the intervals")
    creators = OverlapCreatorSerializer(many=True)
    pairs = OverlapPairSerializer(many=True)
    unique_reach = UniqueReachSerializer()
    unknown = OverlapUnknownSerializer(many=True, help_text="Creators without a usable follower sample")


class OverlapRequestSerializer(serializers.Serializer):
    creator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=2, max_length=MAX_OVERLAP_CREATORS
    )
