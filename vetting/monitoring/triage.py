"""Alert triage: acknowledge and resolve, recording who and when."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import InputError, InvalidState
from core.text import refuse_nul
from vetting.models import Alert, AlertStatus


def alert_acknowledge(*, alert: Alert, user) -> Alert:  # noqa: ANN001
    """Mark an open alert acknowledged by `user` now. Acknowledging twice is a no-op; a resolved
    alert cannot be acknowledged."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.RESOLVED:
            raise InvalidState(f"alert {alert.pk} is resolved already")
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
            alert.acknowledged_by = user if user is not None and user.pk else None
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    return alert


def alert_resolve(*, alert: Alert, user, note: str = "") -> Alert:  # noqa: ANN001
    """Mark an alert resolved by `user` now, with an optional note. The same cause will not raise
    a new alert; a new episode (new posts, a later spike) will."""
    if not isinstance(note, str):
        raise InputError("must be text", field="note")
    if len(note) > 5000:
        raise InputError("at most 5000 characters", field="note")
    refuse_nul(note, field="note")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.RESOLVED:
            raise InvalidState(f"alert {alert.pk} is resolved already")
        now = timezone.now()
        if alert.status == AlertStatus.OPEN:  # resolving straight from open acknowledges too
            alert.acknowledged_by = user if user is not None and user.pk else None
            alert.acknowledged_at = now
        alert.status = AlertStatus.RESOLVED
        alert.resolved_by = user if user is not None and user.pk else None
        alert.resolved_at = now
        alert.resolution_note = note.strip()
        alert.save()
    return alert
