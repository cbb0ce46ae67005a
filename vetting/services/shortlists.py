"""Shortlists and their entries: create, rename, add and remove creators in bulk, change status
and notes, each change recorded as a ShortlistEvent (who, what, old → new, when).

When a creator is added, the figures that justified it (metrics and the vetting report of
each account) are copied into the entry's `vetting_snapshot`, so the list stays auditable
after the catalogue changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.errors import InputError, NotFound
from core.messages import AT_MOST_CHARS, MUST_NOT_BE_EMPTY
from core.models import Organization
from core.text import refuse_nul
from influencers.models import Account, Creator
from influencers.risk import creator_risk_of
from vetting import messages as m
from vetting.models import Brand, EntryStatus, Shortlist, ShortlistEntry, ShortlistEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

BULK_LIMIT = 500
SNAPSHOT_METRIC_FIELDS = (
    "followers",
    "engagement_rate",
    "er_formula",
    "growth_7d",
    "growth_30d",
    "growth_90d",
    "posts_per_week",
    "fake_risk",
    "risk_level",
    "risk_confidence",
    "risk_missing",
)


def _clean_name(name: Any, field: str = "name") -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(MUST_NOT_BE_EMPTY(), field=field)
    if len(name.strip()) > 200:
        raise InputError(AT_MOST_CHARS(n=200), field=field)
    return refuse_nul(name.strip(), field=field)


def _clean_campaign(campaign: Any) -> str:
    if campaign is not None and not isinstance(campaign, str):
        raise InputError("must be text", field="campaign")
    return refuse_nul((campaign or "").strip()[:200], field="campaign")


def _check_brand(organization: Organization, brand: Brand | None) -> None:
    # Views resolve brands within the organisation already; this guards other callers.
    if brand is not None and brand.organization_id != organization.pk:
        raise NotFound("brand not found")


def shortlist_create(
    *,
    organization: Organization,
    user: User | AnonymousUser | None = None,
    name: str,
    brand: Brand | None = None,
    campaign: str = "",
) -> Shortlist:
    """A new, empty shortlist of `organization`, optionally for one of its brands."""
    _check_brand(organization, brand)
    return Shortlist.objects.create(
        organization=organization,
        brand=brand,
        name=_clean_name(name),
        campaign=_clean_campaign(campaign),
        created_by=user if user is not None and user.pk else None,
    )


def shortlist_update(*, shortlist: Shortlist, data: dict[str, Any]) -> Shortlist:
    """Rename, re-campaign or re-brand a shortlist (`brand` must belong to its organisation)."""
    if "name" in data:
        shortlist.name = _clean_name(data["name"])
    if "campaign" in data:
        shortlist.campaign = _clean_campaign(data["campaign"])
    if "brand" in data:
        _check_brand(shortlist.organization, data["brand"])
        shortlist.brand = data["brand"]
    shortlist.save()
    return shortlist


def shortlist_delete(*, shortlist: Shortlist) -> None:
    shortlist.delete()


def vetting_snapshot(creator: Creator) -> dict[str, Any]:
    """The creator's figures now: per account, its metrics, the last vetting report and the
    price and reach estimate (what a campaign's results are later compared with)."""
    from vetting.monitoring.estimates import estimate_snapshot

    accounts = []
    for account in creator.accounts.all():
        metrics = getattr(account, "metrics", None)
        row: dict[str, Any] = {"account_id": account.pk, "platform": account.platform, "handle": account.handle}
        if metrics is not None:
            row.update({field: getattr(metrics, field) for field in SNAPSHOT_METRIC_FIELDS})
            row["computed_at"] = metrics.computed_at.isoformat() if metrics.computed_at else None
            row["vetting"] = metrics.vetting or {}
            row["estimate"] = estimate_snapshot(account)
        accounts.append(row)
    # The creator's verdict as it was (its worst vetted account's, named): what the list showed.
    risk = creator_risk_of(creator.accounts.all()).as_dict()
    return {"taken_at": timezone.now().isoformat(), "risk": risk, "accounts": accounts}


def _clean_ids(ids: Any, field: str) -> list[int]:
    if not isinstance(ids, (list, tuple)) or not ids:
        raise InputError("expected a non-empty list of ids", field=field)
    if len(ids) > BULK_LIMIT:
        raise InputError(f"at most {BULK_LIMIT} ids per request", field=field)
    cleaned: list[int] = []
    for index, value in enumerate(ids):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InputError("not a valid id", field=f"{field}[{index}]")
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _clean_status(status: Any, field: str = "status") -> str:
    if status not in EntryStatus.values:
        raise InputError(f"unknown status {status!r} (choose from {', '.join(EntryStatus.values)})", field=field)
    return status


def entries_add(
    *,
    shortlist: Shortlist,
    creator_ids: Iterable[int],
    user: User | AnonymousUser | None = None,
    status: str = EntryStatus.CANDIDATE,
    notes: str = "",
) -> tuple[list[ShortlistEntry], list[int]]:
    """Add creators to a shortlist with a vetting snapshot each; creators already on it are
    left alone. Returns (new entries, ids already present). Unknown creator ids are refused
    (nothing is added)."""
    ids = _clean_ids(list(creator_ids) if not isinstance(creator_ids, list) else creator_ids, "creator_ids")
    status = _clean_status(status)
    from django.db.models import Prefetch

    creators = {
        c.pk: c
        for c in Creator.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("accounts", queryset=Account.objects.select_related("metrics").order_by("platform", "handle"))
        )
    }
    missing = [i for i in ids if i not in creators]
    if missing:
        position = ids.index(missing[0])
        raise InputError(m.NO_SUCH_CREATOR(id=missing[0]), field=f"creator_ids[{position}]")
    present = set(
        ShortlistEntry.objects.filter(shortlist=shortlist, creator_id__in=ids).values_list("creator_id", flat=True)
    )
    actor = user if user is not None and user.pk else None
    with transaction.atomic():
        entries = ShortlistEntry.objects.bulk_create(
            [
                ShortlistEntry(
                    shortlist=shortlist,
                    creator=creators[i],
                    status=status,
                    notes=notes or "",
                    vetting_snapshot=vetting_snapshot(creators[i]),
                    added_by=actor,
                )
                for i in ids
                if i not in present
            ]
        )
        if not all(e.pk for e in entries):  # backends without RETURNING ids (none we support)
            entries = list(
                ShortlistEntry.objects.filter(shortlist=shortlist, creator_id__in=[e.creator_id for e in entries])
            )
        ShortlistEvent.objects.bulk_create(
            [ShortlistEvent(entry=e, user=actor, action="added", new_value=e.status) for e in entries]
        )
        Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    return entries, [i for i in ids if i in present]


def _entries_in(shortlist: Shortlist, entry_ids: Any, field: str) -> list[ShortlistEntry]:
    ids = _clean_ids(entry_ids, field)
    entries = {e.pk: e for e in ShortlistEntry.objects.filter(shortlist=shortlist, pk__in=ids)}
    if len(entries) != len(ids):
        # An entry of another shortlist (or organisation) is as unknown as a missing one.
        raise NotFound("entry not found")
    return [entries[i] for i in ids]


def entries_remove(*, shortlist: Shortlist, entry_ids: Any) -> int:
    """Remove entries (all must be on this shortlist, else 404 and nothing is removed)."""
    entries = _entries_in(shortlist, entry_ids, "entry_ids")
    with transaction.atomic():
        ShortlistEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
        Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    return len(entries)


def entry_update(
    *,
    entry: ShortlistEntry,
    user: User | AnonymousUser | None = None,
    status: str | None = None,
    notes: str | None = None,
) -> ShortlistEntry:
    """Change an entry's status and/or notes, recording each change as an event."""
    actor = user if user is not None and user.pk else None
    events = []
    if status is not None:
        status = _clean_status(status)
        if status != entry.status:
            events.append(
                ShortlistEvent(entry=entry, user=actor, action="status", old_value=entry.status, new_value=status)
            )
            entry.status = status
    if notes is not None:
        if not isinstance(notes, str) or len(notes) > 10_000:
            raise InputError(AT_MOST_CHARS(n=10_000), field="notes")
        refuse_nul(notes, field="notes")
        if notes != entry.notes:
            events.append(
                ShortlistEvent(entry=entry, user=actor, action="notes", old_value=entry.notes, new_value=notes)
            )
            entry.notes = notes
    if events:
        with transaction.atomic():
            entry.save(update_fields=["status", "notes", "updated_at"])
            ShortlistEvent.objects.bulk_create(events)
            Shortlist.objects.filter(pk=entry.shortlist_id).update(updated_at=timezone.now())
    return entry


def entries_set_status(
    *, shortlist: Shortlist, entry_ids: Any, status: str, user: User | AnonymousUser | None = None
) -> int:
    """Set the status of many entries at once (all must be on this shortlist)."""
    status = _clean_status(status)
    entries = _entries_in(shortlist, entry_ids, "entry_ids")
    with transaction.atomic():
        for entry in entries:
            entry_update(entry=entry, user=user, status=status)
    return len(entries)
