"""A sentence as data, as every explanation of the API carries it beside its text."""

from __future__ import annotations

from rest_framework import serializers


class MessageSerializer(serializers.Serializer):
    """A sentence as data (core.messages): its stable code, its parameters (numbers unformatted,
    codes rather than labels) and the sentence in the request's language (Accept-Language)."""

    code = serializers.CharField()
    params = serializers.DictField()
    message = serializers.CharField()
