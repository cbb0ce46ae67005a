"""Data versions and the shared-cache helper (core/caching/versions.py): which tables change which
scope, writes seen through the ORM and raw SQL bump their scope once per commit, an evicted
version never comes back, and get_or_compute recomputes after a bump, waits for a computation
in progress, and computes every time when the cache cannot be reached. (What the API caches
with it is tested in tests/api/test_caching.py.)"""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction

from core.caching import versions as cache_versions
from core.caching.versions import data_version, get_or_compute, written_tables
from influencers.models import AccountMetrics, Creator
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory, OrganizationFactory


@pytest.fixture
def caching(settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def creator_with(followers: int) -> Creator:
    creator = CreatorFactory()
    AccountMetricsFactory(account=AccountFactory(creator=creator), followers=followers)
    return creator


def test_a_write_in_a_transaction_bumps_again_when_it_commits(db, caching):
    def pending() -> list:
        bumper = cache_versions.AFTER_COMMIT["catalogue"]
        return [entry[1] for entry in connection.run_on_commit if entry[1] is bumper]

    assert connection.in_atomic_block and pending() == []
    creator = creator_with(5000)
    AccountMetrics.objects.update(followers=1)
    Creator.objects.filter(pk=creator.pk).update(display_name="Renamed")
    # One commit callback however many writes: readers see the new rows only after the commit.
    assert len(pending()) == 1
    before = data_version()
    pending()[0]()
    assert data_version() != before


def test_an_evicted_version_never_comes_back(db, caching):
    first = data_version()
    cache.delete(cache_versions.version_key("catalogue"))
    assert data_version() not in (None, first)


@pytest.mark.parametrize(
    "sql, tables",
    [
        ('SELECT * FROM "influencers_creator"', []),
        ('INSERT INTO "influencers_accountmetrics" ("account_id") VALUES (%s)', ["influencers_accountmetrics"]),
        ('UPDATE "influencers_account" SET "bio" = %s', ["influencers_account"]),
        ("  delete from influencers_post where id = 1", ["influencers_post"]),
        (
            "TRUNCATE influencers_creator, influencers_account RESTART IDENTITY",
            ["influencers_creator", "influencers_account"],
        ),
        ('INSERT OR IGNORE INTO "vision_imageembedding" VALUES (1)', ["vision_imageembedding"]),
        ('UPDATE "public"."vetting_brand" SET name = 1', ["vetting_brand"]),
    ],
)
def test_written_tables_reads_the_statement(sql, tables):
    assert written_tables(sql) == tables


def test_an_unreachable_cache_means_no_caching(db, caching, monkeypatch):
    # What the fail-open Redis cache answers while Redis is down.
    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "get", lambda key, default=None: default)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    calls = []
    for _ in range(2):
        assert get_or_compute("x", organization_id=1, parts=[1], compute=lambda: calls.append(1) or "v") == "v"
    assert calls == [1, 1]


def test_concurrent_misses_wait_for_the_one_computing(db, caching):
    version = data_version()
    key = cache_versions.cache_key("slow", organization_id=1, parts=["q"])
    cache.add(f"{key}:{version}{cache_versions.LOCK_SUFFIX}", 1, timeout=10)  # another process is computing

    def finish() -> None:
        time.sleep(0.1)
        cache.set(key, ((version,), "from the other process"), timeout=60)

    threading.Thread(target=finish).start()
    calls = []
    value = get_or_compute("slow", organization_id=1, parts=["q"], compute=lambda: calls.append(1) or "mine")
    assert value == "from the other process" and calls == []


def test_cache_keys_differ_per_organisation():
    keys = {cache_versions.cache_key("creators", organization_id=org, parts=["q"]) for org in (1, 2)}
    assert len(keys) == 2


def test_an_entry_of_an_older_version_is_recomputed(db, caching):
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert get_or_compute("k", organization_id=1, parts=[], compute=compute) == 1
    assert get_or_compute("k", organization_id=1, parts=[], compute=compute) == 1
    cache_versions.data_version_bump()
    assert get_or_compute("k", organization_id=1, parts=[], compute=compute) == 2


def test_each_table_changes_its_own_scope(db):
    tables = cache_versions.watched_tables()
    assert tables["influencers_accountmetrics"] == "catalogue"
    assert tables["influencers_audienceprofile"] == "catalogue"
    assert tables["vetting_brand"] == "brands" and tables["vetting_moodboardimage"] == "brands"
    assert tables["vision_imageembedding"] == "vision"
    assert tables["core_membership"] == "access"
    assert "core_job" not in tables and "vetting_creatornote" not in tables and "vetting_alert" not in tables


def test_access_tables_change_the_access_version(db):
    tables = cache_versions.watched_tables()
    for table in ("authtoken_token", get_user_model()._meta.db_table, "core_membership"):
        assert tables[table] == "access"
    assert tables["core_organization"] == "access"
    before = cache.get(cache_versions.version_key("access"))
    OrganizationFactory(name="New org")
    assert cache.get(cache_versions.version_key("access")) != before


def test_data_memos_are_on_with_a_shared_cache_whether_or_not_responses_are_cached(settings):
    from core.caching.versions import data_memo_enabled

    settings.DATA_MEMO, settings.API_RESPONSE_CACHE_SECONDS = None, 0
    settings.CACHE_URL = "redis://127.0.0.1:6379/9"
    assert data_memo_enabled()
    settings.CACHE_URL = ""
    assert not data_memo_enabled()  # versions per process: a write elsewhere would not reach them
    settings.API_RESPONSE_CACHE_SECONDS = 60
    assert data_memo_enabled()
    settings.DATA_MEMO = False
    assert not data_memo_enabled()
    settings.DATA_MEMO, settings.API_RESPONSE_CACHE_SECONDS = True, 0
    assert data_memo_enabled()


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_what_an_open_write_transaction_computes_is_never_cached(caching):
    creator = creator_with(100)

    def followers() -> int:
        return AccountMetrics.objects.get(account__creator=creator).followers

    def cached() -> int:
        return get_or_compute("followers", organization_id=1, parts=[creator.pk], compute=followers)

    assert cached() == 100
    with pytest.raises(Rollback), transaction.atomic():
        AccountMetrics.objects.filter(account__creator=creator).update(followers=9000)
        assert cached() == 9000  # the transaction reads its own write...
        raise Rollback
    # ...which no one reads after the rollback (no commit bumped the version again).
    assert cached() == 100


def test_a_responses_key_parts_are_read_only_when_responses_are_cached(db, settings):
    from types import SimpleNamespace

    from core.caching.responses import cached_json_response
    from core.renderers import FastJSONRenderer

    request = SimpleNamespace(accepted_renderer=FastJSONRenderer(), accepted_media_type="application/json")
    read: list[str] = []

    def answer(data: dict) -> bytes:
        parts = lambda: read.append("parts") or ["q"]  # noqa: E731
        return cached_json_response(request, kind="t", organization_id=1, parts=parts, compute=lambda: data).content

    settings.API_RESPONSE_CACHE_SECONDS = 0
    assert answer({"a": 1}) == b'{"a":1}' and read == []  # no key is made without the cache
    settings.API_RESPONSE_CACHE_SECONDS = 60
    cache.clear()
    assert answer({"a": 2}) == b'{"a":2}' and read == ["parts"]
    assert answer({"a": 3}) == b'{"a":2}'  # the same key: the cached answer
    cache.clear()
