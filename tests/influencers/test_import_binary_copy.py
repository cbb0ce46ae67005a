"""Binary COPY of the importer's integer/date/bytea tables (PostgreSQL): the histories go packed,
the tables with text or JSON columns still go as text; the rows read back as the text COPY writes
them, byte for byte for the packed arrays, and a row the database refuses is refused with the
same error as in text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from influencers.history_arrays import COLUMNS
from influencers.models import AccountHistory
from influencers.services.imports import sql as sql_module
from influencers.services.imports.records import TABLES
from influencers.services.imports.sql import BulkTable, StatementRunner
from influencers.services.imports.values import MAX_COUNT, ValueInvalid, parse_count
from influencers.services.imports.writer import Writer, _TableWriter
from tests.factories import AccountFactory

HISTORY_COLUMNS = ("account_id", *COLUMNS)


def history_table(monkeypatch: pytest.MonkeyPatch, *, binary: bool) -> BulkTable:
    """The histories' inserter, in binary as the importer makes it or forced to text."""
    with monkeypatch.context() as patch:
        if not binary:
            patch.setattr(sql_module, "BINARY_COPY_TYPES", {})
        return BulkTable(AccountHistory, HISTORY_COLUMNS)


def copy(table: BulkTable, rows: Sequence[tuple[Any, ...]]) -> None:
    runner = StatementRunner()
    try:
        table.insert(rows, runner)
        runner.flush()
    finally:
        runner.close()


def stored_rows() -> list[tuple[Any, ...]]:
    rows = AccountHistory.objects.order_by("account_id").values_list(*HISTORY_COLUMNS)
    return [(account_id, *map(bytes, packed)) for account_id, *packed in rows]


def refusal(table: BulkTable, rows: Sequence[tuple[Any, ...]]) -> tuple[str, str]:
    """The SQLSTATE and message of the error COPYing `rows` raises (in a savepoint)."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        copy(table, rows)
    diag = caught.value.__cause__.diag  # type: ignore[union-attr]
    return diag.sqlstate, re.sub(r"\d+", "N", diag.message_primary)


def packed(values: Sequence[int]) -> bytes:
    return np.array(values, dtype="<i8").tobytes()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_history_table_and_only_it_is_copied_in_binary():
    now = timezone.now()
    inserters = {table.label: _TableWriter(table, now).inserter for table in TABLES}
    history = Writer(dry_run=True).history_inserter
    assert history.binary_types == ["int8", "bytea", "bytea", "bytea", "bytea"]
    assert history.copy_sql.endswith("FROM STDIN WITH (FORMAT BINARY)")
    assert all(inserter.binary_types is None for inserter in inserters.values())
    assert all(inserter.copy_sql.endswith("FROM STDIN") for inserter in inserters.values())


@pytest.mark.postgres
@pytest.mark.django_db
def test_binary_copy_stores_the_arrays_byte_for_byte_as_the_text_copy(monkeypatch):
    accounts = [AccountFactory(), AccountFactory(), AccountFactory()]
    extremes = [0, 1, -1, 2**31, 2**32 + 7, MAX_COUNT - 1, MAX_COUNT, -(2**63)]
    # Every byte value, a NUL run and a backslash (what text COPY must escape), and an empty array.
    columns = [
        (packed(extremes), bytes(range(256)), b"\x00" * 64, b"\\\\\n\t" * 2),
        (packed(range(90)), packed([5] * 90), packed([-1] * 90), packed(range(0, 900, 10))),
        (b"", b"", b"", b""),
    ]
    rows = [(account.id, *values) for account, values in zip(accounts, columns, strict=True)]
    binary = history_table(monkeypatch, binary=True)
    text = history_table(monkeypatch, binary=False)
    assert binary.binary_types is not None and text.binary_types is None
    copy(binary, rows)
    from_binary = stored_rows()
    AccountHistory.objects.all().delete()
    copy(text, rows)
    assert from_binary == stored_rows()
    assert from_binary == sorted(rows)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(lambda pk: (pk, packed([1]), None, packed([1]), packed([1])), id="no followers"),
        pytest.param(lambda pk: (pk, packed([2]), packed([1]), packed([1]), packed([1])), id="second row"),
    ],
)
def test_a_refused_row_gets_the_same_error_in_binary_as_in_text(monkeypatch, bad_row):
    account = AccountFactory()
    rows = [(account.id, packed([20_000]), packed([1]), packed([2]), packed([3])), bad_row(account.id)]
    binary = history_table(monkeypatch, binary=True)
    text = history_table(monkeypatch, binary=False)
    assert binary.binary_types is not None and text.binary_types is None
    assert refusal(binary, rows) == refusal(text, rows)
    assert not AccountHistory.objects.exists()


@pytest.mark.parametrize("count", [-1, MAX_COUNT + 1, 2**64])
def test_validation_lets_no_count_through_that_int64_cannot_hold(count):
    """The arrays pack counts client-side as 8-byte integers (and -1 means unknown): out of that
    range, or negative, a count would be stored wrong; validation refuses such counts first."""
    with pytest.raises(ValueInvalid):
        parse_count(count)
    assert parse_count(MAX_COUNT) == 2**63 - 1


def run(statements: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Record (kind, first word) of each statement the runner runs into `statements`."""
    real = sql_module._run_statement

    def recording(cursor: Any, sql: str, params: Any, kind: str) -> None:
        statements.append((kind, sql.split()[0]))
        real(cursor, sql, params, kind)

    monkeypatch.setattr(sql_module, "_run_statement", recording)


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_update_of_many_histories_is_one_copy_and_one_update_that_store_what_row_updates_store(monkeypatch):
    accounts = [AccountFactory() for _ in range(4)]
    table = BulkTable(AccountHistory, HISTORY_COLUMNS)
    copy(table, [(account.id, packed([1]), packed([1]), packed([1]), packed([1])) for account in accounts])
    updater = BulkTable(AccountHistory, COLUMNS)
    first = [(packed([1, 2]), bytes(range(256)), packed([-1, 5]), b"", accounts[0].id)]
    first.append((packed([7]), packed([8]), packed([9]), packed([10]), accounts[1].id))
    statements: list[tuple[str, str]] = []
    run(statements, monkeypatch)
    runner = StatementRunner()
    try:
        updater.update(first, runner)
        runner.flush()
        # Changed behind the staged table's back: the next staged update must not bring it back.
        updater.update([(packed([3]), packed([3]), packed([3]), packed([3]), accounts[0].id)])
        second = [(packed([4]), packed([5]), packed([6]), packed([7]), account.id) for account in accounts[2:]]
        updater.update(second, runner)
        runner.flush()
    finally:
        runner.close()
    assert statements == [("one", "DO"), ("copy", "COPY"), ("one", "UPDATE")] * 2
    staged = stored_rows()
    row_by_row = [(packed([3]), packed([3]), packed([3]), packed([3]), accounts[0].id), first[1], *second]
    AccountHistory.objects.all().delete()
    copy(table, [(account.id, packed([1]), packed([1]), packed([1]), packed([1])) for account in accounts])
    updater.update(row_by_row)  # without a runner: an UPDATE per row
    assert staged == stored_rows()
    assert staged == sorted((row[-1], *row[:-1]) for row in row_by_row)
