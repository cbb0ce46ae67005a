"""Looking one object up by an id that came from outside (a URL, a form, a JSON body)."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from core.errors import NotFound

M = TypeVar("M", bound=Model)

MAX_ID = 2**63


def object_id(value: object, *, what: str = "object") -> int:
    """`value` as a primary key; NotFound when it is not one (malformed or beyond the id column's
    range: an unknown id, never a database error)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound(f"{what} not found") from exc
    if not 0 < number < MAX_ID:
        raise NotFound(f"{what} not found")
    return number


def get_or_not_found(queryset: QuerySet[M], value: object, *, what: str = "object") -> M:
    """The row of `queryset` with primary key `value`; NotFound when there is none in it (scope
    the queryset to the caller's organisation: another organisation's row is "not found" too)."""
    try:
        return queryset.get(pk=object_id(value, what=what))
    except ObjectDoesNotExist as exc:  # queryset.model.DoesNotExist (its base: M may be any model)
        raise NotFound(f"{what} not found") from exc
