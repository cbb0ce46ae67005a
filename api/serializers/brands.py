"""Brand brief shapes, mood-board images and ranked matches."""

from __future__ import annotations

from rest_framework import serializers

from api.links import api_url
from api.serializers.creators import CreatorListSerializer, CreatorRiskSerializer
from api.serializers.messages import MessageSerializer
from core.text import MAX_BIGINT
from influencers.models import Platform
from vetting.models import Brand, MoodBoardImage


class AudienceTargetSerializer(serializers.Serializer):
    weight = serializers.FloatField(min_value=0, max_value=10, default=1.0)
    values = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))


class BrandSerializer(serializers.ModelSerializer):
    """A brand brief. `target_audience`: {dimension: {"weight": w, "values": {key: share}}} over
    age, gender, countries, languages, interests; each `values` sums to 1."""

    values = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    excluded_topics = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    excluded_keywords = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    competitors = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    preferred_platforms = serializers.ListField(child=serializers.ChoiceField(choices=Platform.choices), required=False)
    target_audience = serializers.DictField(child=AudienceTargetSerializer(), required=False)
    min_followers = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, required=False, allow_null=True)
    max_followers = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, required=False, allow_null=True)
    mood_board_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Brand
        fields = [
            "id",
            "name",
            "description",
            "values",
            "target_audience",
            "excluded_topics",
            "excluded_keywords",
            "competitors",
            "preferred_platforms",
            "min_followers",
            "max_followers",
            "mood_board_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "mood_board_count"]
        # Uniqueness per organisation is checked by the service (the organisation is not a field).
        validators: list = []


class MoodBoardImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MoodBoardImage
        fields = ["id", "url", "width", "height", "sha256", "created_at"]

    def get_url(self, image: MoodBoardImage) -> str:
        # Mood boards are organisation-private: served through the API, never /media/.
        kwargs = {"pk": image.brand_id, "image_id": image.pk}
        return api_url("brand-mood-board-file", kwargs=kwargs, request=self.context.get("request"))


class MoodBoardUploadSerializer(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=False, help_text="JPEG, PNG, WebP or GIF; checked by content")


class MatchPartSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField(help_text="The part's name in the request's language")
    score = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    explanation = serializers.CharField(allow_blank=True, help_text="In the request's language")
    explanation_message = MessageSerializer(allow_null=True)
    explanations_messages = MessageSerializer(many=True)
    details = serializers.JSONField(required=False)


class CompetitorPostSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    sponsor = serializers.CharField(help_text="The competitor named as sponsor")
    date = serializers.CharField(allow_null=True)
    url = serializers.CharField(help_text="The post's own URL when imported, else the creator's page at the post")


class MatchRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    creator = CreatorListSerializer()
    score = serializers.FloatField()
    risk = CreatorRiskSerializer(help_text="The creator's verdict: its worst vetted account's, named")
    competitor_posts = CompetitorPostSerializer(
        many=True, help_text="Recent posts sponsored by the brand's competitors"
    )
    parts = MatchPartSerializer(many=True)
    explanations = serializers.ListField(child=serializers.CharField(), help_text="In the request's language")
    explanations_messages = MessageSerializer(many=True)


class MatchesSerializer(serializers.Serializer):
    brand = serializers.IntegerField()
    weights = serializers.DictField(child=serializers.FloatField())
    count = serializers.IntegerField(allow_null=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = MatchRowSerializer(many=True)
