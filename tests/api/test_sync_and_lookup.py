"""Integration primitives: incremental sync with updated_since and a cursor, and account lookup."""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.utils import timezone

from influencers.models import Account, Creator
from tests.api.conftest import assert_error
from tests.factories import AccountFactory, AlertFactory, CreatorFactory, PostFactory
from vetting.models import Alert


def _age(model, pks, when):
    model.objects.filter(pk__in=pks).update(updated_at=when)


def _pages(client, url):
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    return seen, pages


def test_creators_changed_since_come_in_order_across_pages(editor):
    old = [CreatorFactory().pk for _ in range(2)]
    new = [CreatorFactory().pk for _ in range(5)]
    now = timezone.now()
    _age(Creator, old, now - dt.timedelta(days=10))
    for offset, pk in enumerate(new):
        _age(Creator, [pk], now - dt.timedelta(hours=5 - offset))
    since = (now - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    seen, pages = _pages(editor.client, f"/api/v1/sync/creators/?updated_since={since}&page_size=2")
    assert seen == new and pages == 3
    everything, _ = _pages(editor.client, "/api/v1/sync/creators/?page_size=3")
    assert everything == old + new


def test_rows_with_the_same_time_are_neither_lost_nor_repeated(editor):
    pks = [AccountFactory().pk for _ in range(5)]
    _age(Account, pks, timezone.now())
    seen, _ = _pages(editor.client, "/api/v1/sync/accounts/?page_size=2")
    assert seen == sorted(pks)


def test_alert_sync_is_the_organisations_only(editor, intruder):
    mine = AlertFactory(organization=editor.organization)
    AlertFactory(organization=intruder.organization)
    body = editor.client.get("/api/v1/sync/alerts/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk] and body["next_cursor"] is None


def test_bad_sync_parameters_are_400(editor):
    assert_error(editor.client.get("/api/v1/sync/creators/?cursor=garbage"), "cursor")
    assert_error(editor.client.get("/api/v1/sync/creators/?updated_since=yesterday"), "updated_since")
    assert_error(editor.client.get("/api/v1/sync/creators/?since=2026-01-01"), "since")


def test_lookup_by_platform_and_handle(editor):
    account = AccountFactory(platform="instagram", handle="lin.mei")
    for handle in ("lin.mei", "@Lin.Mei"):
        response = editor.client.get(f"/api/v1/accounts/lookup?platform=Instagram&handle={handle}")
        assert response.status_code == 200
        assert response.json()["id"] == account.pk and response.json()["creator"] == account.creator_id
    missing = editor.client.get("/api/v1/accounts/lookup?platform=tiktok&handle=lin.mei")
    assert assert_error(missing, "handle", status=404)["code"] == "not_found"
    assert_error(editor.client.get("/api/v1/accounts/lookup?platform=myspace&handle=x"), "platform")


def _since_hour_ago() -> str:
    return (timezone.now() - dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")


def _synced_ids(client, what: str) -> list[int]:
    seen, _ = _pages(client, f"/api/v1/sync/{what}/?updated_since={_since_hour_ago()}")
    return seen


def test_a_metrics_refresh_brings_the_account_and_its_creator_back_into_sync(editor):
    """Regression: a metrics refresh wrote AccountMetrics only, so updated_since missed it."""
    from influencers.metrics.service import refresh_metrics

    account = AccountFactory()
    PostFactory(account=account)
    quiet = AccountFactory()
    _age(Account, [account.pk, quiet.pk], timezone.now() - dt.timedelta(days=3))
    _age(Creator, [account.creator_id, quiet.creator_id], timezone.now() - dt.timedelta(days=3))
    assert _synced_ids(editor.client, "accounts") == []

    assert refresh_metrics([account.pk]) == 1
    assert _synced_ids(editor.client, "accounts") == [account.pk]
    assert _synced_ids(editor.client, "creators") == [account.creator_id]


def test_a_vetting_run_brings_the_account_back_into_sync(editor):
    from vetting.services.reports import vet_accounts

    account = AccountFactory()
    _age(Account, [account.pk], timezone.now() - dt.timedelta(days=3))
    assert _synced_ids(editor.client, "accounts") == []

    assert vet_accounts([account.pk]) == 1
    assert _synced_ids(editor.client, "accounts") == [account.pk]


def test_acknowledging_an_alert_brings_it_back_into_sync(editor):
    alert = AlertFactory(organization=editor.organization)
    Alert.objects.filter(pk=alert.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    assert _synced_ids(editor.client, "alerts") == []

    response = editor.client.post(f"/api/v1/monitoring/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 200, response.content
    body = editor.client.get(f"/api/v1/sync/alerts/?updated_since={_since_hour_ago()}").json()
    assert [(row["id"], row["status"]) for row in body["results"]] == [(alert.pk, "acknowledged")]


def test_a_forged_cursor_outside_the_calendar_in_utc_is_a_400_not_a_500(editor):
    for moment in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00", "2026-01-01T00:00:00"):
        raw = json.dumps([moment, 1]).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        response = editor.client.get(f"/api/v1/sync/creators/?cursor={cursor}")
        assert_error(response, "cursor")
