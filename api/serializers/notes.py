"""An organisation's private notes on creators."""

from __future__ import annotations

from rest_framework import serializers

from vetting.models import CreatorNote


class NoteSerializer(serializers.ModelSerializer):
    creator = serializers.IntegerField(source="creator_id", min_value=1, max_value=2**62)
    author = serializers.CharField(source="author.username", default=None, allow_null=True, read_only=True)
    text = serializers.CharField(max_length=10_000)

    class Meta:
        model = CreatorNote
        fields = ["id", "creator", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class NoteUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10_000)
