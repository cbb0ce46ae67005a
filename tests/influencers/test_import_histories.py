"""An import's history points written as one `AccountHistory` row per account: counted per point
(created: a new day, updated: a stored day whose counts changed, unchanged), merged with the
stored history (a count the file leaves out keeps the stored one), written only when something
changed, and rolled back with the rest of a failing import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from influencers.models import Account, AccountHistory
from influencers.services.imports import creators_import_file, read_import_file
from influencers.services.imports import sql as sql_module
from influencers.services.imports import writer as writer_module
from influencers.services.imports.problems import Problems
from influencers.services.imports.sql import BulkTable
from influencers.services.imports.writer import Writer, resolve_accounts
from tests.factories import AccountFactory, HistoryPointFactory
from tests.influencers.test_import_csv import StoredPoint, points_of

pytestmark = pytest.mark.django_db

HISTORY_TABLE = AccountHistory._meta.db_table


def jsonl(tmp_path: Path, accounts: dict[str, list[list[Any]]], name: str = "creators.jsonl") -> Path:
    """A JSON Lines file of one creator per handle, each with its snapshots ([date, followers,
    following?, posts?])."""
    path = tmp_path / name
    records = [
        {"name": handle, "accounts": [{"platform": "instagram", "handle": handle, "snapshots": snapshots}]}
        for handle, snapshots in accounts.items()
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def history_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every statement the import's runner sends to the history table (INSERT, UPDATE or
    COPY): where all of the writer's writes go."""
    sent: list[str] = []
    real = sql_module._run_statement

    def recording(cursor: Any, sql: str, params: Any, kind: str) -> None:
        if HISTORY_TABLE in sql:
            sent.append(sql)
        real(cursor, sql, params, kind)

    monkeypatch.setattr(sql_module, "_run_statement", recording)
    return sent


def stored_row(handle: str) -> tuple[bytes, ...]:
    row = AccountHistory.objects.filter(account__handle=handle).values_list("dates", "followers", "following", "posts")
    return tuple(map(bytes, row.get()))


def written(path: Path) -> Writer:
    """The writer after writing the file at `path` (read and resolved as an import does), for
    its counts and the accounts it touched."""
    batch = read_import_file(path)
    resolve_accounts(batch, Problems(str(path)))
    writer = Writer(dry_run=False)
    with transaction.atomic():
        writer.write(batch)
    return writer


def test_reimporting_the_same_file_counts_every_point_unchanged_and_writes_nothing(tmp_path, monkeypatch):
    path = jsonl(
        tmp_path,
        {
            "ana": [["2026-03-01", 100, 5, 1], ["2026-03-02", 101, None, 2], ["2026-03-03", 102, 6, None]],
            "bo": [["2026-02-27", 7]],
        },
    )
    first = creators_import_file(path=path, refresh=False)
    assert first.counts["snapshots"] == {"created": 4, "updated": 0, "unchanged": 0}
    before = {handle: stored_row(handle) for handle in ("ana", "bo")}
    sent = history_statements(monkeypatch)

    again = creators_import_file(path=path, refresh=False)

    assert again.counts["snapshots"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert sent == []
    assert {handle: stored_row(handle) for handle in ("ana", "bo")} == before
    # The recorder sees the writes it is there to catch: one changed count is one UPDATE.
    creators_import_file(path=jsonl(tmp_path, {"bo": [["2026-02-27", 8]]}, "changed.jsonl"), refresh=False)
    assert [sql.split()[0] for sql in sent] == ["UPDATE"]


def test_one_changed_day_and_one_new_day_are_one_update_and_one_creation(tmp_path):
    creators_import_file(
        path=jsonl(
            tmp_path, {"ana": [["2026-03-01", 100, 5, 1], ["2026-03-03", 120, 6, 2], ["2026-03-05", 130, 7, 3]]}
        ),
        refresh=False,
    )
    result = creators_import_file(
        path=jsonl(
            tmp_path,
            # 03-03 changed, 03-04 new (between two stored days), 03-05 as stored; 03-01 left out.
            {"ana": [["2026-03-03", 125, 6, 2], ["2026-03-04", 127, 8, 9], ["2026-03-05", 130, 7, 3]]},
            "second.jsonl",
        ),
        refresh=False,
    )
    assert result.counts["snapshots"] == {"created": 1, "updated": 1, "unchanged": 1}
    assert points_of(handle="ana") == [
        (dt.date(2026, 3, 1), 100, 5, 1),
        (dt.date(2026, 3, 3), 125, 6, 2),
        (dt.date(2026, 3, 4), 127, 8, 9),
        (dt.date(2026, 3, 5), 130, 7, 3),
    ]
    # The stored columns, as days since 1970-01-01 (2026-03-01 is day 20513) and counts.
    row = AccountHistory.objects.get(account__handle="ana")
    assert bytes(row.dates) == b"".join(day.to_bytes(8, "little") for day in (20513, 20515, 20516, 20517))
    assert bytes(row.following) == b"".join(n.to_bytes(8, "little") for n in (5, 6, 8, 7))


def test_a_file_without_following_keeps_the_stored_following(tmp_path):
    creators_import_file(path=jsonl(tmp_path, {"ana": [["2026-03-01", 100, 5, 1]]}), refresh=False)
    result = creators_import_file(
        path=jsonl(tmp_path, {"ana": [["2026-03-01", 150], ["2026-03-02", 160]]}, "second.jsonl"), refresh=False
    )
    assert result.counts["snapshots"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert points_of(handle="ana") == [
        StoredPoint(dt.date(2026, 3, 1), 150, 5, 1),
        StoredPoint(dt.date(2026, 3, 2), 160, None, None),
    ]


def test_a_point_the_file_gives_as_stored_but_without_following_is_unchanged(tmp_path, monkeypatch):
    creators_import_file(path=jsonl(tmp_path, {"ana": [["2026-03-01", 100, 5, 1]]}), refresh=False)
    sent = history_statements(monkeypatch)
    result = creators_import_file(path=jsonl(tmp_path, {"ana": [["2026-03-01", 100]]}, "second.jsonl"), refresh=False)
    assert result.counts["snapshots"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert sent == []


def test_existing_accounts_with_and_without_a_history_and_new_accounts_in_one_file(tmp_path):
    stored = AccountFactory(platform="instagram", handle="stored")
    HistoryPointFactory(account=stored, date=dt.date(2026, 3, 1), followers=10, following=1, posts=None)
    AccountFactory(platform="instagram", handle="bare")  # an account of the catalogue without any history
    path = tmp_path / "creators.csv"
    path.write_text(
        "platform,handle,followers,following,snapshot_date\n"
        "instagram,stored,11,,2026-03-02\n"
        "instagram,bare,20,2,2026-03-02\n"
        "instagram,fresh,30,3,2026-03-02\n"
    )
    writer = written(path)

    assert writer.counts["snapshots"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert points_of(handle="stored") == [(dt.date(2026, 3, 1), 10, 1, None), (dt.date(2026, 3, 2), 11, None, None)]
    assert points_of(handle="bare") == [(dt.date(2026, 3, 2), 20, 2, None)]
    assert points_of(handle="fresh") == [(dt.date(2026, 3, 2), 30, 3, None)]
    assert writer.touched == set(Account.objects.values_list("pk", flat=True))


def test_an_unchanged_history_does_not_touch_its_account(tmp_path):
    account = AccountFactory(platform="instagram", handle="same")
    HistoryPointFactory(account=account, date=dt.date(2026, 3, 1), followers=10, following=1, posts=2)
    path = tmp_path / "creators.csv"
    path.write_text("platform,handle,followers,snapshot_date\ninstagram,same,10,2026-03-01\n")
    writer = written(path)
    assert writer.counts["snapshots"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert writer.touched == set()


def test_a_dry_run_counts_the_points_and_writes_no_history(tmp_path, monkeypatch):
    creators_import_file(path=jsonl(tmp_path, {"ana": [["2026-03-01", 100, 5, 1]]}), refresh=False)
    before = stored_row("ana")
    sent = history_statements(monkeypatch)
    result = creators_import_file(
        path=jsonl(
            tmp_path, {"ana": [["2026-03-01", 150], ["2026-03-02", 160]], "new": [["2026-03-01", 1]]}, "2.jsonl"
        ),
        dry_run=True,
    )
    assert result.counts["snapshots"] == {"created": 2, "updated": 1, "unchanged": 0}
    assert sent == []
    assert stored_row("ana") == before
    assert AccountHistory.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_import_failing_in_a_later_chunk_writes_no_history(tmp_path, monkeypatch):
    """The first chunk's histories (an update of a stored one and inserts) are written before the
    third chunk's insert fails: the rollback takes them all back."""
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", 2)
    monkeypatch.setattr(writer_module, "SQLITE_ACCOUNTS_PER_CHUNK", 2)
    creators_import_file(path=jsonl(tmp_path, {"u0": [["2026-03-01", 100, 5, 1]]}), refresh=False)
    before = stored_row("u0")
    accounts = {f"u{n}": [["2026-03-01", 200 + n], ["2026-03-02", 300 + n, 4]] for n in range(6)}
    real_insert = BulkTable.insert
    history_inserts = []

    def failing_third(self: BulkTable, rows: Any, runner: Any = None) -> None:
        if rows and self.table.strip('"') == HISTORY_TABLE:
            history_inserts.append(len(rows))
            if len(history_inserts) == 3:
                rows = [*rows, rows[0]]  # a second row for one account: the primary key refuses it
        real_insert(self, rows, runner)

    monkeypatch.setattr(BulkTable, "insert", failing_third)
    with pytest.raises(IntegrityError):
        creators_import_file(path=jsonl(tmp_path, accounts, "second.jsonl"), refresh=False)

    assert history_inserts == [1, 2, 2], "the failure was not in a later chunk: the test proves nothing"
    assert list(AccountHistory.objects.values_list("account__handle", flat=True)) == ["u0"]
    assert stored_row("u0") == before


def test_a_next_days_file_updates_every_stored_history(tmp_path):
    """Several stored histories updated by one import (on PostgreSQL one COPY and one UPDATE)."""
    first = {f"u{n}": [["2026-03-01", 100 + n, 5, 1], ["2026-03-02", 110 + n, 5, 1]] for n in range(4)}
    creators_import_file(path=jsonl(tmp_path, first), refresh=False)
    later = {f"u{n}": [["2026-03-02", 111 + n], ["2026-03-03", 120 + n, 6]] for n in range(3)}
    result = creators_import_file(path=jsonl(tmp_path, later, "second.jsonl"), refresh=False)
    assert result.counts["snapshots"] == {"created": 3, "updated": 3, "unchanged": 0}
    for n in range(3):
        assert points_of(handle=f"u{n}") == [
            (dt.date(2026, 3, 1), 100 + n, 5, 1),
            (dt.date(2026, 3, 2), 111 + n, 5, 1),
            (dt.date(2026, 3, 3), 120 + n, 6, None),
        ]
    assert points_of(handle="u3") == [(dt.date(2026, 3, 1), 103, 5, 1), (dt.date(2026, 3, 2), 113, 5, 1)]
