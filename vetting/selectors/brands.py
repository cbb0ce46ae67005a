"""Brand reads, always within one organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from vetting.models import Brand, MoodBoardImage
from core.models import Organization


def brand_list(*, organization: Organization) -> QuerySet[Brand]:
    """The organisation's brands with their mood-board size."""
    return Brand.objects.filter(organization=organization).annotate(mood_board_count=Count("mood_board")).order_by(
        "name", "id"
    )


def brand_get(*, organization: Organization, brand_id: object) -> Brand:
    """One of the organisation's brands; another organisation's brand is a 404, like a missing one."""
    return get_object_or_404(brand_list(organization=organization), pk=_int_or_404(brand_id))


def mood_board_list(*, brand: Brand) -> QuerySet[MoodBoardImage]:
    return MoodBoardImage.objects.filter(brand=brand).order_by("id")


MAX_ID = 2**63


def _int_or_404(value: object) -> int:
    from django.http import Http404

    try:
        number = int(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("not found") from exc
    if not 0 < number < MAX_ID:  # out of the id column's range: unknown, not a database error
        raise Http404("not found")
    return number
