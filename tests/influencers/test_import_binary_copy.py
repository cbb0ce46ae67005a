"""Binary COPY of the importer's integer/date tables (PostgreSQL): the snapshots go packed, the
tables with text or JSON columns still go as text; the rows read back as the text COPY writes
them, down to the ends of the ranges validation lets through, and a row the database refuses is
refused with the same error as in text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from influencers.models import AccountSnapshot
from influencers.services.imports import sql as sql_module
from influencers.services.imports.records import TABLES
from influencers.services.imports.sql import BulkTable, StatementRunner
from influencers.services.imports.values import MAX_COUNT, ValueInvalid, parse_count
from influencers.services.imports.writer import _TableWriter
from tests.factories import AccountFactory

SNAPSHOT_COLUMNS = ("account_id", "date", "followers", "following", "posts")


def snapshot_table(monkeypatch: pytest.MonkeyPatch, *, binary: bool) -> BulkTable:
    """The snapshots' inserter, in binary as the importer makes it or forced to text."""
    with monkeypatch.context() as patch:
        if not binary:
            patch.setattr(sql_module, "BINARY_COPY_TYPES", {})
        return BulkTable(AccountSnapshot, SNAPSHOT_COLUMNS)


def copy(table: BulkTable, rows: Sequence[tuple[Any, ...]]) -> None:
    runner = StatementRunner()
    try:
        table.insert(rows, runner)
        runner.flush()
    finally:
        runner.close()


def stored_snapshots() -> list[tuple[Any, ...]]:
    return list(AccountSnapshot.objects.order_by("account_id", "date").values_list(*SNAPSHOT_COLUMNS))


def refusal(table: BulkTable, rows: Sequence[tuple[Any, ...]]) -> tuple[str, str, str]:
    """The SQLSTATE, message and detail of the error COPYing `rows` raises (in a savepoint); the
    detail's failing row without its id (each attempt takes a new one from the sequence)."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        copy(table, rows)
    diag = caught.value.__cause__.diag  # type: ignore[union-attr]
    return diag.sqlstate, diag.message_primary, re.sub(r"^Failing row contains \(\d+, ", "(", diag.message_detail)


@pytest.mark.postgres
@pytest.mark.django_db
def test_only_the_snapshots_table_is_copied_in_binary():
    now = timezone.now()
    binary = {table.label: _TableWriter(table, now).inserter for table in TABLES}
    assert binary["snapshots"].binary_types == ["int8", "date", "int8", "int8", "int8"]
    assert binary["snapshots"].copy_sql.endswith("FROM STDIN WITH (FORMAT BINARY)")
    text = [label for label, inserter in binary.items() if inserter.binary_types is None]
    assert sorted(text) == sorted(label for label in binary if label != "snapshots")
    assert all(binary[label].copy_sql.endswith("FROM STDIN") for label in text)


@pytest.mark.postgres
@pytest.mark.django_db
def test_binary_copy_stores_what_the_text_copy_stores(monkeypatch):
    accounts = [AccountFactory(), AccountFactory()]
    days = [dt.date(1, 1, 1), dt.date(1970, 1, 1), dt.date(2000, 2, 29), dt.date(2026, 12, 7), dt.date(9999, 12, 31)]
    counts = [0, 1, 2**31, 2**32 + 7, MAX_COUNT - 1, MAX_COUNT, None]
    rows = [
        (account.id, day, counts[(i + j) % 6], counts[(i + 2 * j) % 7], counts[(3 * i + j + 1) % 7])
        for i, account in enumerate(accounts)
        for j, day in enumerate(days)
    ]
    binary = snapshot_table(monkeypatch, binary=True)
    text = snapshot_table(monkeypatch, binary=False)
    assert binary.binary_types is not None and text.binary_types is None
    copy(binary, rows)
    from_binary = stored_snapshots()
    AccountSnapshot.objects.all().delete()
    copy(text, rows)
    assert from_binary == stored_snapshots()
    assert from_binary == sorted(rows, key=lambda row: row[:2])


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(lambda pk: (pk, dt.date(2026, 1, 1), -1, None, None), id="negative followers"),
        pytest.param(lambda pk: (pk, dt.date(2026, 1, 1), None, 3, 4), id="no followers"),
        pytest.param(lambda pk: (pk, dt.date(2026, 1, 2), 5, -(2**63), 0), id="bigint minimum"),
        pytest.param(lambda pk: (pk, dt.date(2026, 1, 3), 5, 5, 5), id="duplicate day"),
    ],
)
def test_a_refused_row_gets_the_same_error_in_binary_as_in_text(monkeypatch, bad_row):
    account = AccountFactory()
    rows = [
        (account.id, dt.date(2026, 1, 3), 1, 2, 3),
        bad_row(account.id),
    ]
    binary = snapshot_table(monkeypatch, binary=True)
    text = snapshot_table(monkeypatch, binary=False)
    assert binary.binary_types is not None and text.binary_types is None
    assert refusal(binary, rows) == refusal(text, rows)
    assert not AccountSnapshot.objects.exists()


@pytest.mark.parametrize("count", [-1, MAX_COUNT + 1, 2**64])
def test_validation_lets_no_count_through_that_bigint_cannot_hold(count):
    """Binary COPY packs counts client-side as 8-byte integers: out of that range it would fail in
    psycopg rather than on the server; validation refuses such counts first."""
    with pytest.raises(ValueInvalid):
        parse_count(count)
    assert parse_count(MAX_COUNT) == 2**63 - 1
