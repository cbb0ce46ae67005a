"""Every PATCH changes only what is sent, in JSON, urlencoded and multipart bodies alike (a form
PATCH of one field once switched off every boolean it did not name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.factories import (
    BrandFactory,
    CreatorFactory,
    CreatorNoteFactory,
    NotificationSettingsFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    WatchFactory,
    WatchRuleFactory,
)

VOLATILE = {"updated_at", "events", "updated_by"}


@dataclass(frozen=True)
class Patchable:
    name: str
    make: Callable[[Any], str]  # organization → the object's URL
    change: dict[str, str]  # one field, as a form would send it
    expected: dict[str, Any]  # what that field reads afterwards


def _brand(org) -> str:
    brand = BrandFactory(organization=org, min_followers=1000, values=["calm"], preferred_platforms=["instagram"])
    return f"/api/brands/{brand.pk}/"


def _watch(org) -> str:
    watch = WatchFactory(organization=org, is_active=True, creators=[CreatorFactory()])
    return f"/api/monitoring/watches/{watch.pk}/"


def _rule(org) -> str:
    rule = WatchRuleFactory(watch=WatchFactory(organization=org), is_active=True, params={"keywords": ["casino"]})
    return f"/api/monitoring/rules/{rule.pk}/"


def _settings(org) -> str:
    NotificationSettingsFactory(organization=org, email_enabled=True, webhook_enabled=True)
    return "/api/monitoring/settings/"


def _shortlist(org) -> str:
    return f"/api/shortlists/{ShortlistFactory(organization=org, brand=BrandFactory(organization=org)).pk}/"


def _entry(org) -> str:
    entry = ShortlistEntryFactory(shortlist=ShortlistFactory(organization=org), notes="keep me")
    return f"/api/shortlists/{entry.shortlist_id}/entries/{entry.pk}/"


def _note(org) -> str:
    return f"/api/notes/{CreatorNoteFactory(organization=org).pk}/"


PATCHABLE = [
    Patchable("brand", _brand, {"description": "new words"}, {"description": "new words"}),
    Patchable("watch", _watch, {"name": "Renamed"}, {"name": "Renamed"}),
    Patchable("rule", _rule, {"name": "Casino talk"}, {"name": "Casino talk"}),
    Patchable("settings", _settings, {"min_severity": "high"}, {"min_severity": "high"}),
    Patchable("shortlist", _shortlist, {"campaign": "Autumn"}, {"campaign": "Autumn"}),
    Patchable("entry", _entry, {"status": "contacted"}, {"status": "contacted"}),
    Patchable("note", _note, {"text": "better"}, {"text": "better"}),
]


def _send(client, url: str, data: dict[str, str], encoding: str):
    if encoding == "json":
        return client.patch(url, data, format="json")
    if encoding == "multipart":
        return client.patch(url, data, format="multipart")
    return client.generic("PATCH", url, urlencode(data), content_type="application/x-www-form-urlencoded")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["json", "urlencoded", "multipart"])
@pytest.mark.parametrize("case", PATCHABLE, ids=[p.name for p in PATCHABLE])
def test_patch_changes_only_the_fields_sent(editor, case, encoding):
    url = case.make(editor.organization)
    before = editor.client.get(url).json()
    response = _send(editor.client, url, case.change, encoding)
    assert response.status_code == 200, response.content
    after = editor.client.get(url).json()
    for field, value in case.expected.items():
        assert after[field] == value, field
    untouched = set(before) - set(case.expected) - VOLATILE
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}


@pytest.mark.django_db
def test_a_form_patch_of_min_severity_keeps_both_channels_on(editor):
    NotificationSettingsFactory(organization=editor.organization, email_enabled=True, webhook_enabled=True)
    _send(editor.client, "/api/monitoring/settings/", {"min_severity": "high"}, "urlencoded")
    after = editor.client.get("/api/monitoring/settings/").json()
    assert after["email_enabled"] is True and after["webhook_enabled"] is True
