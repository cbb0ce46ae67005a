"""The alert inbox page: lists the organisation's alerts with evidence, acknowledge and resolve."""

from __future__ import annotations

import pytest

from core.models import Role
from tests.factories import AlertFactory, MembershipFactory
from vetting.models import AlertStatus

pytestmark = pytest.mark.django_db


def _login(client, role: str = Role.EDITOR):
    membership = MembershipFactory(role=role)
    client.force_login(membership.user)
    return membership


def test_inbox_shows_own_alerts_with_evidence_only(client) -> None:
    membership = _login(client)
    mine = AlertFactory(
        organization=membership.organization,
        evidence={
            "posts": [
                {
                    "post_id": 1,
                    "posted_at": "2026-05-01T10:00:00",
                    "handle": "amy",
                    "platform": "instagram",
                    "caption": "Casino night 赌博",
                    "matched_terms": ["赌博"],
                }
            ]
        },
    )
    theirs = AlertFactory(title="Someone else's alert")
    html = client.get("/alerts/").content.decode()
    assert f'id="alert-{mine.pk}"' in html and "Casino night 赌博" in html and "赌博" in html
    assert f'id="alert-{theirs.pk}"' not in html and "Someone else" not in html


def test_acknowledge_then_resolve_from_the_page(client) -> None:
    membership = _login(client)
    alert = AlertFactory(organization=membership.organization)
    response = client.post(f"/alerts/{alert.pk}/action/", {"action": "acknowledge", "back_status": "open"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == membership.user
    client.post(f"/alerts/{alert.pk}/action/", {"action": "resolve", "note": "handled"})
    alert.refresh_from_db()
    assert (alert.status, alert.resolution_note) == (AlertStatus.RESOLVED, "handled")
    assert "handled" in client.get("/alerts/?status=resolved").content.decode()


def test_viewers_and_other_organisations_cannot_change_alerts(client) -> None:
    viewer = _login(client, Role.VIEWER)
    alert = AlertFactory(organization=viewer.organization)
    client.post(f"/alerts/{alert.pk}/action/", {"action": "acknowledge"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    other = AlertFactory()
    assert client.post(f"/alerts/{other.pk}/action/", {"action": "acknowledge"}).status_code == 404
