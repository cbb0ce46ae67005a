"""Incremental sync: rows changed since a time, in a stable order, page by page with an opaque
cursor (docs/api.md, Sync). Order is (change time, id), so a row changed while a client pages is
met again later rather than skipped; a client stores the last `next_cursor` (or the newest change
time it saw) and asks again from there."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

MAX_PAGE = 200


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    raw = json.dumps([moment.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        parsed = parse_datetime(moment)
        if parsed is None or parsed.tzinfo is None or not isinstance(pk, int):
            raise ValueError(cursor)
        parsed.astimezone(dt.UTC)  # the database compares in UTC: a moment with no UTC date is no cursor of ours
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError) as exc:
        raise ValidationError({"cursor": ["not a cursor this API gave out"]}) from exc
    return parsed, pk


class SyncQuerySerializer(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601: rows changed at or after this time (default: all)"
    )
    cursor = serializers.CharField(required=False, max_length=200, help_text="`next_cursor` of the previous page")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=100)


def sync_page(queryset: QuerySet, *, field: str, query: dict[str, Any]) -> tuple[list[Any], str | None]:
    """One page of `queryset` changed since `updated_since`, after `cursor`, ordered by (field, id);
    the rows and the cursor of the next page (None on the last)."""
    since = query.get("updated_since")
    if since is not None:
        queryset = queryset.filter(**{f"{field}__gte": since})
    if query.get("cursor"):
        moment, pk = decode_cursor(query["cursor"])
        queryset = queryset.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    size = query["page_size"]
    rows = list(queryset.order_by(field, "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cursor = encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more and rows else None
    return rows, cursor


def sync_response_serializer(name: str, item: type[serializers.BaseSerializer]) -> type[serializers.Serializer]:
    """The page shape: {results, next_cursor, next}."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "results": item(many=True),
            "next_cursor": serializers.CharField(allow_null=True, help_text="null on the last page"),
            "next": serializers.CharField(allow_null=True, help_text="The next page's URL (null on the last)"),
        },
    )
