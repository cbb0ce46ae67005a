"""Shortlist reads, always within one organisation."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from core.models import Organization
from core.selectors.lookup import get_or_not_found
from influencers.models import Account, Creator
from vetting.models import Shortlist, ShortlistEntry, ShortlistEvent


def shortlist_list(*, organization: Organization, brand_id: int | None = None) -> QuerySet[Shortlist]:
    shortlists = (
        Shortlist.objects.filter(organization=organization)
        .select_related("brand", "created_by")
        .annotate(entry_count=Count("entries"))
    )
    if brand_id is not None:
        shortlists = shortlists.filter(brand_id=brand_id)
    return shortlists.order_by("-updated_at", "id")


def shortlist_get(*, organization: Organization, shortlist_id: object) -> Shortlist:
    return get_or_not_found(shortlist_list(organization=organization), shortlist_id, what="shortlist")


def entry_list(*, shortlist: Shortlist, with_events: bool = True) -> QuerySet[ShortlistEntry]:
    """Entries with their creator, the creator's accounts and metrics, and the audit trail."""
    entries = ShortlistEntry.objects.filter(shortlist=shortlist).select_related("creator", "added_by")
    prefetches: list = [
        Prefetch("creator__accounts", queryset=Account.objects.select_related("metrics").order_by("platform", "handle"))
    ]
    if with_events:
        prefetches.append(
            Prefetch("events", queryset=ShortlistEvent.objects.select_related("user").order_by("at", "id"))
        )
    return entries.prefetch_related(*prefetches).order_by("added_at", "id")


def entry_get(*, shortlist: Shortlist, entry_id: object) -> ShortlistEntry:
    return get_or_not_found(entry_list(shortlist=shortlist), entry_id, what="entry")


def creator_shortlist_entries(*, organization: Organization, creator: Creator) -> list[ShortlistEntry]:
    """The organisation's shortlist entries of `creator`, with their shortlist, newest change first."""
    return list(
        ShortlistEntry.objects.filter(shortlist__organization=organization, creator=creator)
        .select_related("shortlist")
        .order_by("-updated_at")
    )
