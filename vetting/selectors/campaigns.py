"""Campaign reads, always within one organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from core.models import Organization
from core.selectors.lookup import get_or_not_found
from vetting.models import Campaign


def campaign_list(*, organization: Organization, shortlist_id: int | None = None) -> QuerySet[Campaign]:
    campaigns = (
        Campaign.objects.filter(organization=organization)
        .select_related("shortlist", "brand", "organization")
        .annotate(booking_count=Count("bookings", distinct=True))
    )
    if shortlist_id is not None:
        campaigns = campaigns.filter(shortlist_id=shortlist_id)
    return campaigns.order_by("-starts_on", "-id")


def campaign_get(*, organization: Organization, campaign_id: object) -> Campaign:
    """One of the organisation's campaigns; NotFound for another organisation's."""
    return get_or_not_found(campaign_list(organization=organization), campaign_id, what="campaign")
