"""Aesthetic search: the request (images and/or text, filters) and the ranked answer."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.creators import CreatorListSerializer
from influencers.models import Platform

MAX_QUERY_IMAGES = 8


class AestheticSearchRequestSerializer(serializers.Serializer):
    """Multipart: `images` (repeat the field for several files) and/or `text`; optional filters."""

    images = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False), required=False, max_length=MAX_QUERY_IMAGES, default=list
    )
    negative_images = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False), required=False, max_length=MAX_QUERY_IMAGES, default=list
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    platform = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices), required=False, default=list
    )
    min_followers = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)
    max_followers = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)
    country = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2), required=False, default=list
    )
    top = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("images") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"images": "give at least one image or a text prompt"})
        low, high = attrs.get("min_followers"), attrs.get("max_followers")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_followers": "is below min_followers"})
        return attrs


class ImageMatchSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField()
    account_id = serializers.IntegerField(allow_null=True)
    similarity = serializers.FloatField()
    image_url = serializers.CharField(allow_blank=True)


class AestheticHitSerializer(serializers.Serializer):
    creator = CreatorListSerializer()
    score = serializers.FloatField(
        help_text="Raw feed score: expected best cosine among 3 random images of the feed (embedder-specific scale)"
    )
    calibrated = serializers.FloatField(
        help_text="The score standardised against the catalogue's creators for this query: 0 = typical, 2 = well above"
    )
    percentile = serializers.FloatField(help_text="Share (0-100) of catalogue creators scoring below")
    image_count = serializers.IntegerField(help_text="Images of the creator's feed that were compared")
    small_feed = serializers.BooleanField(help_text="Fewer than 3 images: too few to judge a look")
    duplicate = serializers.BooleanField(help_text="The creator owns a copy of a query image (ranked first)")
    matches = ImageMatchSerializer(many=True, help_text="The creator's images closest to the query: the evidence")


class AestheticResultSerializer(serializers.Serializer):
    embedder = serializers.DictField(help_text="The embedder that produced the vectors: id, kind (clip | style), label")
    index_state = serializers.CharField(help_text="ready, rebuilding or empty")
    pending_images = serializers.IntegerField(help_text="Catalogue images not embedded yet, so not searched")
    calibration = serializers.DictField(help_text="How `calibrated` is computed (method, reference creators)")
    switching_to = serializers.DictField(
        allow_null=True,
        help_text="While the configured embedder is being switched to: that embedder and its pending_images "
        "(results come from `embedder`, the previous one); null otherwise",
    )
    expanded_with = serializers.IntegerField(
        allow_null=True,
        help_text="Image queries are searched again widened with the feed of the best first-pass creator "
        "(pseudo-relevance feedback, docs/vision.md): that creator's id; null when the query was not widened",
    )
    results = AestheticHitSerializer(many=True)
