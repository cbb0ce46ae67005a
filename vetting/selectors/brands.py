"""Brand reads, always within one organisation."""

from __future__ import annotations

import pickle
from typing import Any

from django.db.models import Count, QuerySet

from core.caching.memo import VersionMemo
from core.models import Organization
from core.selectors.lookup import get_or_not_found, object_id
from vetting.models import Brand, MoodBoardImage


def brand_list(*, organization: Organization) -> QuerySet[Brand]:
    """The organisation's brands with their mood-board size."""
    return (
        Brand.objects.filter(organization=organization)
        .annotate(mood_board_count=Count("mood_board"))
        .order_by("name", "id")
    )


# (organisation id, brand id) → the brand's row (pickled: each caller unpickles its own instance,
# so a view changing a JSON field in place changes nothing another request reads), at the
# current "brands" version, which every write to brands and mood boards replaces. The annotated
# query cost 5-7 % of a matching request's CPU; the organisation is part of the key, and a miss
# reads through brand_list(organization=...), so another organisation's brand stays a 404.
_brand_rows: VersionMemo[bytes] = VersionMemo(("brands",), max_entries=1024)


def brand_get(*, organization: Organization, brand_id: object) -> Brand:
    """One of the organisation's brands; another organisation's brand is a 404, like a missing one."""
    pk = object_id(brand_id, what="brand")
    stored = _brand_rows.get_or_compute((organization.pk, pk), lambda: _brand_row(organization, pk))
    return _brand_of(stored)


def _brand_row(organization: Organization, pk: int) -> bytes:
    brand = get_or_not_found(brand_list(organization=organization), pk, what="brand")
    names = tuple(field.attname for field in Brand._meta.concrete_fields)
    row: tuple[tuple[str, ...], tuple[Any, ...], int] = (
        names,
        tuple(getattr(brand, name) for name in names),
        brand.mood_board_count,  # type: ignore[attr-defined]  # brand_list's annotation
    )
    return pickle.dumps(row, pickle.HIGHEST_PROTOCOL)


def _brand_of(stored: bytes) -> Brand:
    """A fresh Brand as brand_list's query loads it (with `mood_board_count`)."""
    names, values, mood_board_count = pickle.loads(stored)
    brand = Brand.from_db("default", list(names), list(values))
    brand.mood_board_count = mood_board_count  # type: ignore[attr-defined]  # as brand_list annotates it
    return brand


def forget_brands() -> None:
    """Forget the memoised brands (tests)."""
    _brand_rows.clear()


def brand_and_competitor_names(*, organization: Organization) -> list[str]:
    """The names of the organisation's brands and of their competitors: the brands a creator's
    sponsored captions are searched for in the partner summary."""
    names: list[str] = []
    for name, competitors in Brand.objects.filter(organization=organization).values_list("name", "competitors"):
        names.append(name)
        names.extend(str(c) for c in competitors or [] if str(c).strip())
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def mood_board_list(*, brand: Brand) -> QuerySet[MoodBoardImage]:
    return MoodBoardImage.objects.filter(brand=brand).order_by("id")
