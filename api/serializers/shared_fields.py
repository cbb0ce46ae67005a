"""Request-parameter serializers whose fields are made once per class, not per request."""

from __future__ import annotations

from functools import cached_property

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict


class SharedFieldsSerializer(serializers.Serializer):
    """A serializer that only validates (query parameters): its instances share one set of
    bound fields, made by the first. DRF deep-copies the declared fields for every instance
    (its fields may be changed per instance; these never are), which was ~6 % of the CPU of a
    warm matching request (21 fields built anew a request, validators included).

    Sharing is safe only while the fields keep no state of their own between validations (the
    errors and values live in the serializer instance) and read nothing from their parent but
    `partial` (never set here): no field with a context-reading default or validator, no nested
    serializer, no per-instance field changes."""

    @cached_property
    def fields(self) -> BindingDict:
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            # Bound to a serializer of no data and no context: two threads may both make them,
            # the same fields either way.
            prototype = cls()
            shared = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                shared[name] = field
            cls._shared_fields = shared
        return shared
