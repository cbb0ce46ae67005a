"""Hostile input in the web UI's forms and filters: NUL characters and integers beyond 64 bits are
form errors (422 or a message), never a 500, and nothing is stored — on SQLite here and on
PostgreSQL in CI (where a NUL in a text column or a bigint overflow is a DataError)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Role
from tests.factories import (
    AccountFactory,
    AlertFactory,
    BrandFactory,
    CreatorFactory,
    MembershipFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    WatchFactory,
    WatchRuleFactory,
)
from vetting.models import Alert, AlertStatus, Brand, CreatorNote, Shortlist, Watch

pytestmark = pytest.mark.django_db

HOSTILE = {
    "nul": "bad\x00value",
    "2**63": str(2**63),
    "40 digits": "9" * 40,
    "-2**63-1": str(-(2**63) - 1),
}


@pytest.fixture
def world():
    owner = MembershipFactory(role=Role.OWNER)
    client = Client()
    client.force_login(owner.user)
    creator = CreatorFactory()
    AccountFactory(creator=creator)
    shortlist = ShortlistFactory(organization=owner.organization)
    watch = WatchFactory(organization=owner.organization)
    return {
        "client": client,
        "org": owner.organization,
        "creator": creator,
        "brand": BrandFactory(organization=owner.organization),
        "shortlist": shortlist,
        "entry": ShortlistEntryFactory(shortlist=shortlist, creator=creator),
        "watch": watch,
        "rule": WatchRuleFactory(watch=watch),
        "alert": AlertFactory(organization=owner.organization),
    }


def _requests(w, value: str) -> list[tuple[str, str, dict]]:
    brand = {"name": "Brand X", "min_followers": "", "max_followers": ""}
    c, s, e = w["creator"].pk, w["shortlist"].pk, w["entry"].pk
    return [
        ("post", "/shortlists/new/", {"name": value, "campaign": value, "brand": value}),
        ("post", "/shortlists/new/", {"name": "ok", "campaign": value}),
        ("post", "/shortlists/add/", {"creator": [c, value], "new_shortlist": value, "brand": value, "next": value}),
        ("post", f"/shortlists/{s}/entries/{e}/", {"status": value, "notes": value}),
        ("post", f"/shortlists/{s}/bulk/", {"entry": [e, value], "action": "status:" + value}),
        ("post", f"/shortlists/{s}/export/", {"format": value}),
        ("post", f"/creators/{c}/notes/", {"text": value}),
        ("post", f"/creators/{c}/shortlist/", {"shortlist": value, "new_shortlist": value}),
        ("post", "/brands/new/", {**brand, "name": value, "description": value, "values": value}),
        ("post", "/brands/new/", {**brand, "min_followers": value}),
        ("post", "/brands/new/", {**brand, "max_followers": value}),
        ("post", "/brands/new/", {**brand, "ta_countries": f"CN: {value}", "ta_countries_weight": value}),
        ("post", f"/brands/{w['brand'].pk}/edit/", {**brand, "competitors": value, "excluded_keywords": value}),
        ("get", f"/brands/{w['brand'].pk}/matches/", {"w_audience": value, "page": value}),
        ("get", "/", {"min_followers": value, "max_followers": value}),
        ("get", "/", {"max_data_age_days": value}),
        ("get", "/", {"q": value, "language": value, "worked_with": value, "audience_country": value}),
        ("get", "/", {"min_engagement_rate_pct": value, "page": value, "brand": value}),
        ("post", "/discovery/aesthetic/", {"prompt": value}),
        ("get", f"/creators/{c}/", {"account": value, "post": value}),
        ("get", "/alerts/", {"status": value, "kind": value, "watch": value, "page": value}),
        ("post", f"/alerts/{w['alert'].pk}/action/", {"action": "resolve", "note": value, "back_status": value}),
        ("post", f"/alerts/{value}/action/", {"action": "resolve"}),
        ("post", "/alerts/watches/new/", {"name": value, "target": "creators", "other_creators": value}),
        ("post", "/alerts/watches/new/", {"name": "W", "target": "shortlist", "brand": value, "shortlist": value}),
        ("post", "/alerts/watches/new/", {"name": "W", "target": "creators", "creators": [value]}),
        ("post", f"/alerts/watches/{w['watch'].pk}/rules/new/", {"kind": "keyword", "name": value, "min_count": value}),
        ("post", f"/alerts/rules/{w['rule'].pk}/edit/", {"name": value, "keywords": value, "window_days": value}),
        ("post", "/alerts/settings/", {"email_recipients": value, "webhook_url": value, "min_severity": "low"}),
        ("get", f"/shortlists/{s}/", {"status": value}),
        ("get", "/jobs/", {"page": value}),
    ]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_no_hostile_value_reaches_the_database_as_a_500(world, kind):
    client = world["client"]
    failures = []
    for method, url, data in _requests(world, HOSTILE[kind]):
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append((method, url, sorted(data), response.status_code))
    assert not failures, failures
    # Nothing hostile was stored on the way (compared in Python: a NUL cannot be a query parameter
    # on PostgreSQL, and SQLite cuts a LIKE pattern at it).
    stored = [b.name for b in Brand.objects.all()] + [s.name + s.campaign for s in Shortlist.objects.all()]
    stored += [w.name for w in Watch.objects.all()] + [e.notes for e in world["shortlist"].entries.all()]
    stored += [n.text for n in CreatorNote.objects.all()] + [a.resolution_note for a in Alert.objects.all()]
    assert not any("\x00" in text for text in stored)


def test_follower_counts_beyond_64_bits_are_a_form_error(world):
    for field in ("min_followers", "max_followers"):
        response = world["client"].post("/brands/new/", {"name": "Too big", field: str(2**63)})
        assert response.status_code == 422
        assert "less than or equal to 9223372036854775807" in response.content.decode()
    assert not Brand.objects.filter(name="Too big").exists()
    ok = world["client"].post("/brands/new/", {"name": "Just fits", "max_followers": str(2**63 - 1)})
    assert ok.status_code == 302 and Brand.objects.get(name="Just fits").max_followers == 2**63 - 1


def test_nul_characters_are_refused_with_the_field_named(world):
    client, creator = world["client"], world["creator"]
    note = client.post(f"/creators/{creator.pk}/notes/", {"text": "a\x00b"}, HTTP_HX_REQUEST="true")
    assert note.status_code == 422 and "NUL" in note.content.decode()
    listed = client.post("/shortlists/new/", {"name": "x\x00y"}, follow=True)
    assert "NUL" in listed.content.decode() and not Shortlist.objects.filter(name__startswith="x").exists()
    resolve = client.post(f"/alerts/{world['alert'].pk}/action/", {"action": "resolve", "note": "n\x00"}, follow=True)
    assert "NUL" in resolve.content.decode()
    assert Alert.objects.get(pk=world["alert"].pk).status == AlertStatus.OPEN
    brand = client.post("/brands/new/", {"name": "Nul\x00brand"})
    assert brand.status_code == 422 and "Null characters are not allowed" in brand.content.decode()
