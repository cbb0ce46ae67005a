"""Shortlists: bulk add with a vetting snapshot that survives later metric changes, statuses
and notes with an audit trail, bulk remove and status, validation naming the field."""

from __future__ import annotations

import pytest

from influencers.models import AccountMetrics
from tests.api.conftest import assert_error
from tests.factories import AccountFactory, AccountMetricsFactory, BrandFactory, CreatorFactory
from vetting.models import ShortlistEntry, ShortlistEvent


@pytest.fixture
def creators(db):
    made = []
    for followers in (5_000, 50_000, 500_000):
        creator = CreatorFactory()
        account = AccountFactory(creator=creator)
        AccountMetricsFactory(
            account=account,
            followers=followers,
            fake_risk=0.2,
            risk_level="low",
            vetting={"signals": [{"name": "growth", "value": 0.1}]},
        )
        made.append(creator)
    return made


def test_shortlist_lifecycle_with_snapshot_and_audit(editor, creators):
    brand = BrandFactory(organization=editor.organization)
    response = editor.client.post(
        "/api/shortlists/", {"name": "Spring 春季", "brand": brand.pk, "campaign": "S26"}, format="json"
    )
    assert response.status_code == 201, response.json()
    shortlist_id = response.json()["id"]
    assert response.json()["brand_name"] == brand.name

    ids = [c.pk for c in creators]
    response = editor.client.post(f"/api/shortlists/{shortlist_id}/entries/", {"creator_ids": ids}, format="json")
    assert response.status_code == 201
    added = response.json()["added"]
    assert {e["creator"]["id"] for e in added} == set(ids)
    snapshot = next(e for e in added if e["creator"]["id"] == ids[2])["vetting_snapshot"]
    assert snapshot["accounts"][0]["followers"] == 500_000
    assert snapshot["accounts"][0]["vetting"] == {"signals": [{"name": "growth", "value": 0.1}]}

    # Adding again is harmless and says which were there already.
    response = editor.client.post(f"/api/shortlists/{shortlist_id}/entries/", {"creator_ids": [ids[0]]}, format="json")
    assert response.json() == {"added": [], "already_present": [ids[0]]}

    # The metrics change later; the snapshot keeps the figures the decision was made on.
    AccountMetrics.objects.filter(account__creator_id=ids[2]).update(followers=1, fake_risk=0.9)
    entry = ShortlistEntry.objects.get(shortlist_id=shortlist_id, creator_id=ids[2])
    body = editor.client.get(f"/api/shortlists/{shortlist_id}/entries/{entry.pk}/").json()
    assert body["vetting_snapshot"]["accounts"][0]["followers"] == 500_000
    assert body["creator"]["accounts"][0]["metrics"]["followers"] == 1

    response = editor.client.patch(
        f"/api/shortlists/{shortlist_id}/entries/{entry.pk}/",
        {"status": "approved", "notes": "Great fit 很合适"},
        format="json",
    )
    assert response.status_code == 200
    events = [(e["action"], e["old_value"], e["new_value"], e["user"]) for e in response.json()["events"]]
    assert events == [
        ("added", "", "candidate", editor.user.username),
        ("status", "candidate", "approved", editor.user.username),
        ("notes", "", "Great fit 很合适", editor.user.username),
    ]

    others = list(
        ShortlistEntry.objects.filter(shortlist_id=shortlist_id).exclude(pk=entry.pk).values_list("pk", flat=True)
    )
    response = editor.client.post(
        f"/api/shortlists/{shortlist_id}/entries/status/", {"entry_ids": others, "status": "contacted"}, format="json"
    )
    assert response.json() == {"count": 2}
    assert set(ShortlistEntry.objects.filter(pk__in=others).values_list("status", flat=True)) == {"contacted"}

    response = editor.client.post(
        f"/api/shortlists/{shortlist_id}/entries/remove/", {"entry_ids": others}, format="json"
    )
    assert response.json() == {"count": 2}
    assert list(ShortlistEntry.objects.filter(shortlist_id=shortlist_id).values_list("pk", flat=True)) == [entry.pk]
    listed = editor.client.get("/api/shortlists/").json()["results"]
    assert listed[0]["entry_count"] == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"creator_ids": []}, "creator_ids"),
        ({"creator_ids": ["x"]}, "creator_ids"),
        ({"creator_ids": [999_999]}, "creator_ids[0]"),
        ({"creator_ids": [1], "status": "maybe"}, "status"),
    ],
)
def test_bulk_add_errors_name_the_field_and_add_nothing(editor, payload, field):
    from tests.factories import ShortlistFactory

    shortlist = ShortlistFactory(organization=editor.organization)
    response = editor.client.post(f"/api/shortlists/{shortlist.pk}/entries/", payload, format="json")
    assert_error(response, field)
    assert not ShortlistEntry.objects.exists()


def test_entry_patch_with_nothing_to_change_is_400(editor, creators):
    from tests.factories import ShortlistEntryFactory, ShortlistFactory

    entry = ShortlistEntryFactory(shortlist=ShortlistFactory(organization=editor.organization), creator=creators[0])
    response = editor.client.patch(f"/api/shortlists/{entry.shortlist_id}/entries/{entry.pk}/", {}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "status"
    assert not ShortlistEvent.objects.exists()
