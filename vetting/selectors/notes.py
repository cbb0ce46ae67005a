"""An organisation's private notes on creators."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import Organization
from core.selectors.lookup import get_or_not_found
from vetting.models import CreatorNote


def note_list(*, organization: Organization, creator_id: int | None = None) -> QuerySet[CreatorNote]:
    notes = CreatorNote.objects.filter(organization=organization).select_related("author", "creator")
    if creator_id is not None:
        notes = notes.filter(creator_id=creator_id)
    return notes.order_by("-created_at", "-id")


def note_get(*, organization: Organization, note_id: object) -> CreatorNote:
    return get_or_not_found(note_list(organization=organization), note_id, what="note")
