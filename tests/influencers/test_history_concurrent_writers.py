"""Two writers of one account's history at once (PostgreSQL): each merges its points into the
history it read and writes the whole row back, so the second must wait for the first and merge
into its history, not overwrite it with its own stale read (`stored_histories(for_update=True)`).
While the account has no history row yet, the account row is what they take turns on: the
second then merges into the row the first created instead of failing on its key."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from influencers.selectors.history import account_histories
from influencers.services.history import record_points
from influencers.services.imports import creators_import_file
from tests.factories import AccountFactory, HistoryPointFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has one writer at a time"),
]

MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def _holding_a_refresh(account_id: int, committed: threading.Event, release: threading.Event) -> threading.Thread:
    """A refresh's point of Tuesday written in a transaction that stays open until `release`."""

    def run() -> None:
        try:
            with transaction.atomic():
                record_points(account_id, [(TUESDAY, 200, 20, 2)], replace=True)
                release.wait(timeout=10)
            committed.set()
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def test_an_import_waits_for_a_refresh_of_the_same_history_and_keeps_its_point(tmp_path: Path):
    account = AccountFactory(handle="both")
    HistoryPointFactory(account=account, date=MONDAY, followers=100, following=10, posts=1)
    committed, release = threading.Event(), threading.Event()
    refresh = _holding_a_refresh(account.pk, committed, release)
    refresh.start()
    path = tmp_path / "creators.jsonl"
    snapshots = [[str(WEDNESDAY), 300, 30, 3]]
    record = {"name": "Both", "accounts": [{"platform": "instagram", "handle": "both", "snapshots": snapshots}]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    # The refresh's transaction holds the history row; the import started now reads it only
    # once the refresh commits (released from another thread a moment later).
    threading.Timer(0.5, release.set).start()
    result = creators_import_file(path=path, refresh=False)
    refresh.join(timeout=10)
    assert committed.is_set()
    assert result.counts["snapshots"]["created"] == 1
    assert account_histories([account.pk])[account.pk] == [
        (MONDAY, 100, 10, 1),
        (TUESDAY, 200, 20, 2),
        (WEDNESDAY, 300, 30, 3),
    ]


@pytest.mark.parametrize("stored", [True, False], ids=["a-stored-history", "a-first-history"])
def test_two_refreshes_of_one_history_keep_both_points(stored):
    account = AccountFactory()
    if stored:
        HistoryPointFactory(account=account, date=MONDAY, followers=100, following=10, posts=1)
    committed, release = threading.Event(), threading.Event()
    refresh = _holding_a_refresh(account.pk, committed, release)
    refresh.start()
    threading.Timer(0.5, release.set).start()
    record_points(account.pk, [(WEDNESDAY, 300, 30, 3)], replace=True)
    refresh.join(timeout=10)
    assert committed.is_set()
    days = [point[0] for point in account_histories([account.pk])[account.pk]]
    assert days == ([MONDAY] if stored else []) + [TUESDAY, WEDNESDAY]


def _import_point(tmp_path: Path, handle: str, day: dt.date, counts: tuple[int, int, int]) -> dict:
    path = tmp_path / "creators.jsonl"
    account = {"platform": "instagram", "handle": handle, "snapshots": [[str(day), *counts]]}
    record = {"name": handle, "accounts": [account]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return creators_import_file(path=path, refresh=False).counts


def test_an_import_creating_a_first_history_waits_for_a_refresh_creating_it_and_merges(tmp_path: Path):
    account = AccountFactory(handle="first")
    committed, release = threading.Event(), threading.Event()
    refresh = _holding_a_refresh(account.pk, committed, release)
    refresh.start()
    threading.Timer(0.5, release.set).start()
    counts = _import_point(tmp_path, "first", WEDNESDAY, (300, 30, 3))
    refresh.join(timeout=10)
    assert committed.is_set()
    assert counts["snapshots"]["created"] == 1
    assert account_histories([account.pk])[account.pk] == [(TUESDAY, 200, 20, 2), (WEDNESDAY, 300, 30, 3)]


def test_a_refresh_creating_a_first_history_waits_for_an_import_creating_it_and_merges(tmp_path: Path):
    account = AccountFactory(handle="first")
    imported, release = threading.Event(), threading.Event()

    def run() -> None:
        try:
            with transaction.atomic():
                _import_point(tmp_path, "first", MONDAY, (100, 10, 1))
                release.wait(timeout=10)
            imported.set()
        finally:
            connections.close_all()

    importer = threading.Thread(target=run)
    importer.start()
    threading.Timer(0.5, release.set).start()
    record_points(account.pk, [(WEDNESDAY, 300, 30, 3)], replace=True)
    importer.join(timeout=10)
    assert imported.is_set()
    assert account_histories([account.pk])[account.pk] == [(MONDAY, 100, 10, 1), (WEDNESDAY, 300, 30, 3)]
