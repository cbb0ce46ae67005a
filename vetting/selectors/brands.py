"""Brand reads, always within one organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from core.models import Organization
from core.selectors.lookup import get_or_not_found
from vetting.models import Brand, MoodBoardImage


def brand_list(*, organization: Organization) -> QuerySet[Brand]:
    """The organisation's brands with their mood-board size."""
    return (
        Brand.objects.filter(organization=organization)
        .annotate(mood_board_count=Count("mood_board"))
        .order_by("name", "id")
    )


def brand_get(*, organization: Organization, brand_id: object) -> Brand:
    """One of the organisation's brands; another organisation's brand is a 404, like a missing one."""
    return get_or_not_found(brand_list(organization=organization), brand_id, what="brand")


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
