"""An organisation's private notes on creators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import InputError
from core.messages import AT_MOST_CHARS
from core.models import Organization
from core.text import refuse_nul
from influencers.models import Creator
from vetting.messages import NOTE_NEEDS_TEXT
from vetting.models import CreatorNote

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

NOTE_MAX_CHARS = 10_000


def _clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(NOTE_NEEDS_TEXT(), field="text")
    if len(text) > NOTE_MAX_CHARS:
        raise InputError(AT_MOST_CHARS(n=NOTE_MAX_CHARS), field="text")
    return refuse_nul(text.strip(), field="text")


def note_create(
    *, organization: Organization, creator: Creator, text: str, user: User | AnonymousUser | None = None
) -> CreatorNote:
    """A note of `organization` on a catalogue creator (invisible to other organisations)."""
    return CreatorNote.objects.create(
        organization=organization, creator=creator, text=_clean_text(text), author=user if user and user.pk else None
    )


def note_update(*, note: CreatorNote, text: str) -> CreatorNote:
    note.text = _clean_text(text)
    note.save(update_fields=["text"])
    return note


def note_delete(*, note: CreatorNote) -> None:
    note.delete()
