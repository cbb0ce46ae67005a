"""An organisation's private notes on creators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from vetting.models import CreatorNote
from core.models import Organization

from vetting.selectors.brands import _int_or_404


def note_list(*, organization: Organization, creator_id: int | None = None) -> QuerySet[CreatorNote]:
    notes = CreatorNote.objects.filter(organization=organization).select_related("author", "creator")
    if creator_id is not None:
        notes = notes.filter(creator_id=creator_id)
    return notes.order_by("-created_at", "-id")


def note_get(*, organization: Organization, note_id: object) -> CreatorNote:
    return get_object_or_404(note_list(organization=organization), pk=_int_or_404(note_id))
