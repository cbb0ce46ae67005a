"""POST /api/briefs/parse/: the brief in, the parse out (vetting/briefs, docs/briefs.md)."""

from __future__ import annotations

from rest_framework import serializers

from vetting.briefs.parser import MAX_BRIEF_CHARS


class BriefParseRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_BRIEF_CHARS,
        help_text="The brief as a marketer types it, in Chinese or English",
    )


class BriefNoteSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="city, age_bands, one_value, generation, approximate or topics")
    phrase = serializers.CharField()
    text = serializers.CharField()


class BriefParseSerializer(serializers.Serializer):
    filters = serializers.DictField(help_text="Discovery parameters of GET /api/creators/, with their values")
    target_audience = serializers.DictField(help_text="A brand's target_audience: {dimension: {weight, values}}")
    excluded_brands = serializers.ListField(child=serializers.CharField())
    excluded_topics = serializers.ListField(child=serializers.CharField())
    notes = BriefNoteSerializer(many=True)
    unknown = serializers.ListField(child=serializers.CharField(), help_text="What was not understood, as typed")
