"""Model fields of our own."""

from __future__ import annotations

from typing import Any

import orjson
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from core.stored_json import stored_json


class JSONTextField(models.TextField):
    """A JSON document stored as its text on every database: read and written whole, never
    queried inside (no key lookups; keep what SQL must reach in a `JSONField`).

    Why not a JSONField: PostgreSQL stores that as jsonb, parsing every value as it is written
    and rebuilding its text as it is read. For the vetting reports (~9 KB each, written for every
    imported account) the parse was most of the server's time of the vetting step's write
    (COPY of 5,000 reports: 0.61 s as jsonb, 0.24 s as text, both lz4-compressed), and reading
    them back cost 1.35 s against 0.15 s. Values are written as `core.stored_json` writes them
    (what a caller of our own SQL passes already), read back by orjson."""

    description = "A JSON document stored as text"

    def from_db_value(self, value: str | bytes | None, expression: Expression, connection: BaseDatabaseWrapper) -> Any:
        return None if value is None else orjson.loads(value)

    def to_python(self, value: Any) -> Any:
        # Fixtures and forms give the text; the model's own values are already Python objects.
        if isinstance(value, (str, bytes, bytearray)):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError as exc:
                raise ValidationError(f"not JSON: {exc}", code="invalid") from exc
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return stored_json(value)

    def formfield(self, **kwargs: Any) -> Any:
        # The admin shows and takes the document as JSON text, as a JSONField's form does.
        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})

    def value_to_string(self, obj: models.Model) -> Any:
        # The serialisers (dumpdata) write the document as a nested value, as a JSONField's.
        return self.value_from_object(obj)
