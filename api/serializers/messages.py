"""A sentence as data, as every explanation of the API carries it beside its text."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.messages import message_json


class MessageSerializer(serializers.Serializer):
    """A sentence as data (core.messages): its stable code, its parameters (numbers unformatted,
    codes rather than labels) and the sentence in the request's language (Accept-Language)."""

    code = serializers.CharField()
    params = serializers.DictField()
    message = serializers.CharField()


@extend_schema_field(MessageSerializer)
class MessageField(serializers.Field):
    """A message of the domain (a `core.messages.Message` or its stored {"code", "params"}) as the
    API shows it: code, params and the sentence in the request's language."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> dict[str, Any]:
        return message_json(value)
