"""Multi-row INSERT and batched UPDATE for the importer, through the Django connection.

Why not `bulk_create`: it builds a model instance and runs every field's `get_db_prep_save`
per row, which caps it near 25,000 rows/s on SQLite; a large catalogue import writes millions
of posts and comments. Here values are adapted per *column* with the backend's own adapters
(`connection.ops.adapt_*`, `JSONField.get_db_prep_save`), rows go in multi-row VALUES
statements sized to the backend's parameter limit (on PostgreSQL, queued inserts are one
COPY), and no signals are sent (none of these models relies on one). Works on SQLite and
PostgreSQL. New rows that others refer to get reserved ids (`IdReserver`), so no insert needs
RETURNING and every insert can run on the runner's thread; on PostgreSQL those ids come over a
second connection (`SequenceSource`), so reserving them never waits for the runner's COPYs.
"""

from __future__ import annotations

import datetime as dt
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from django.conf import settings
from django.db import connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from core.sql import copy_rows, staged_table_sql, update_staged_sql

ROWS_PER_STATEMENT = 5000
PARAMS_PER_STATEMENT = 30000  # well under PostgreSQL's 65,535 and SQLite's default 32,766


class _Memo(dict):
    """Adapted values of a hashable column (dates) computed once per distinct value."""

    def __init__(self, adapt: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.adapt = adapt

    def __missing__(self, value: Any) -> Any:
        adapted = self[value] = self.adapt(value)
        return adapted


def column_field(model: type[models.Model], name: str) -> models.Field:
    """The field `name` (or attname) of `model` that has a column: never a reverse relation or a
    many-to-many, which these statements cannot write."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model._meta.label}.{name} has no column")
    return field


def column_name(field: models.Field) -> str:
    """The column of a field `column_field` returned (or of a primary key: always one)."""
    if field.column is None:
        raise ValueError(f"{field} has no column")
    return field.column


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """The function turning a Python value of `field` into a DB parameter (None = as it is)."""
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateField":
        return _Memo(ops.adapt_datefield_value).__getitem__
    if kind == "DateTimeField":
        return _datetime_adapter()
    if kind == "JSONField":
        return _json_adapter(field)
    if kind in ("FileField", "ImageField"):
        return lambda value: "" if value is None else str(value)
    return None


def _datetime_adapter() -> Callable[[Any], Any] | None:
    """Datetime adaptation. PostgreSQL's adapter passes the value through (psycopg sends it), so
    there is none; SQLite stores aware moments as naive text in the connection's zone, which is
    `adapt_datetimefield_value` without its settings and thread-local look-ups per value."""
    ops = connection.ops
    if connection.vendor == "postgresql":
        return None
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    zone = connection.timezone

    def adapt(value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))
        return ops.adapt_datetimefield_value(value)

    if zone is not dt.UTC:  # a DATABASES TIME_ZONE
        return adapt

    def adapt_utc(value: Any) -> Any:
        # The moment in UTC as text is the naive moment's text followed by "+00:00": cut off,
        # it spares replace(tzinfo=None), which costs more than the rest (a post's posted_at).
        if type(value) is dt.datetime and value.utcoffset() is not None:
            return value.astimezone(zone).isoformat(" ")[:-6]
        return adapt(value)

    return adapt_utc


def _json_adapter(field: models.Field) -> Callable[[Any], Any]:
    """JSON adaptation, memoised for lists of strings (languages, categories, hashtags repeat a
    lot across a catalogue; encoding each through the field costs more than the insert)."""
    memo: dict[tuple[Any, ...], Any] = {}

    def adapt(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is list:
            try:
                key = tuple(value)
                return memo[key]
            except KeyError:
                adapted = field.get_db_prep_save(value, connection)
                if len(memo) < 10_000:
                    memo[key] = adapted
                return adapted
            except TypeError:  # unhashable items: not memoised
                pass
        return field.get_db_prep_save(value, connection)

    return adapt


# Column types a binary COPY may send (PostgreSQL type → psycopg's name), and only these: the
# importer's validation makes every value of such a column an int in bigint range (`parse_count`
# refuses negatives and anything over MAX_COUNT; ids are the sequences') or a `date`, which binary
# sends as it is and the server checks as it would the text (CHECKs, foreign keys, uniqueness).
# Not `integer` (no import column is, and an int over its range would fail in psycopg, not on the
# server), nor timestamps (a naive datetime to timestamptz is an error in binary, a zone in text),
# nor booleans or text. `bytea` (the packed history arrays, `AccountHistory`): binary sends the
# bytes as they are, where text would spell each byte as two hex digits for the server to parse.
BINARY_COPY_TYPES = {"bigint": "int8", "date": "date", "bytea": "bytea"}


def _binary_copy_types(fields: Sequence[models.Field]) -> list[str] | None:
    """The psycopg type names to COPY `fields` in binary (PostgreSQL), or None when one of them
    is not of `BINARY_COPY_TYPES` (that table goes in text)."""
    if connection.vendor != "postgresql":
        return None
    types = [BINARY_COPY_TYPES.get(field.db_type(connection) or "") for field in fields]
    if None in types:
        return None
    return [name for name in types if name is not None]


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return min(PARAMS_PER_STATEMENT, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except AttributeError:  # Python < 3.11
            return 999
    return PARAMS_PER_STATEMENT


def _placeholder() -> str:
    return "?" if connection.vendor == "sqlite" else "%s"


def _raw_connection() -> Any:
    """The DB-API connection under Django's, in its current transaction. Used directly because
    Django's cursor wrapper rewrites '%s' to '?' with a regex on every SQLite call (milliseconds
    per 100 KB statement) and, with DEBUG on, re-quotes every parameter for the query log."""
    connection.ensure_connection()
    return connection.connection


class StatementRunner:
    """Runs statements that return nothing (INSERTs of child rows, UPDATEs) on one background
    thread, in submission order, on the same connection and transaction.

    Why: SQLite (and psycopg) release the GIL while a statement runs, so the next batch's
    parameters are built in Python while the database inserts the previous one — on two cores
    that hides most of the Python cost of a large import. Anything that reads the database
    calls `flush()` first, so the connection is never used by both threads at
    once. An error in the thread is re-raised by the next `flush()` as Django's own DB error.
    """

    def __init__(self) -> None:
        # Unbounded: the caller must be free to queue a whole chunk and go on preparing the next
        # one; its next statement that returns rows (or reads) flushes, so about one chunk waits.
        self._queue: queue.Queue[tuple[str, Any, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._cancelled = False
        self._submitted = 0
        self._done = 0
        self._progress = threading.Condition()

    def submit(self, sql: str, params: Any, many: bool = False) -> None:
        """Queue `sql` with `params` (or, with `many`, with each of the parameter lists in `params`)."""
        self._queue_item((sql, params, "many" if many else "one"))

    def submit_copy(self, sql: str, rows: Sequence[Sequence[Any]], binary_types: Sequence[str] | None = None) -> None:
        """Queue a `COPY ... FROM STDIN` (PostgreSQL, psycopg 3) that sends `rows` (in binary,
        with `binary_types`: see `copy_rows`)."""
        self._queue_item((sql, (rows, binary_types), "copy"))

    def _queue_item(self, item: tuple[str, Any, str]) -> None:
        if self._error is not None:
            self.flush()
        if self._thread is None:
            raw = _raw_connection()
            self._thread = threading.Thread(target=self._run, args=(raw,), name="import-writer", daemon=True)
            self._thread.start()
        self._submitted += 1
        self._queue.put(item)

    def _run(self, raw: Any) -> None:
        cursor = raw.cursor()
        try:
            while True:
                item = self._queue.get()
                try:
                    if item is None:
                        return
                    if self._error is None and not self._cancelled:
                        _run_statement(cursor, *item)
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    self._error = exc
                finally:
                    if item is not None:
                        with self._progress:
                            self._done += 1
                            self._progress.notify_all()
                    self._queue.task_done()
        finally:
            cursor.close()

    def mark(self) -> int:
        """A mark of the statements submitted so far, for `wait_for`."""
        return self._submitted

    def wait_for(self, mark: int) -> None:
        """Wait until the statements submitted before `mark` ran (or were skipped after an
        error, which the next `flush` raises): bounds how far the caller runs ahead."""
        with self._progress:
            while self._done < mark and self._thread is not None:
                self._progress.wait()

    def flush(self) -> None:
        """Wait until every submitted statement ran; raise the first error."""
        if self._thread is not None:
            self._queue.join()
        if self._error is not None:
            error, self._error = self._error, None
            self._cancelled = True
            with connection.wrap_database_errors:
                raise error

    def close(self, cancel: bool = False) -> None:
        """Stop the thread (statements still queued after an error, or with `cancel`, are skipped)."""
        if self._thread is None:
            return
        if cancel or self._error is not None or sys.exc_info()[0] is not None:
            self._cancelled = True
        self._queue.put(None)
        self._thread.join()
        with self._progress:
            self._thread = None
            self._progress.notify_all()


def _run_statement(cursor: Any, sql: str, params: Any, kind: str) -> None:
    if kind == "copy":
        rows, binary_types = params
        copy_rows(cursor, sql, rows, binary_types)
    elif kind == "many":
        cursor.executemany(sql, params)
    else:
        cursor.execute(sql, params)


def _execute(sql: str, params: Any, *, many: bool = False, fetch: bool = False) -> list[tuple[Any, ...]]:
    with connection.wrap_database_errors:
        cursor = _raw_connection().cursor() if connection.vendor == "sqlite" else connection.cursor()
        try:
            (cursor.executemany if many else cursor.execute)(sql, params)
            return cursor.fetchall() if fetch else []
        finally:
            cursor.close()


class SequenceSource:
    """A second connection to the database, in autocommit, that takes ids from the sequences
    (PostgreSQL).

    Why not the import's connection: its writer thread is busy with the previous chunk's COPYs,
    so every reservation there waited for them, and Python and the server took turns instead of
    working side by side. A sequence is not transactional, so ids taken here are as good as ids
    taken inside the import's transaction: a rollback leaves the same gaps `nextval` leaves."""

    def __init__(self) -> None:
        self._connection: BaseDatabaseWrapper | None = None  # opened at the first reservation

    def next_values(self, table: str, pk_column: str, count: int) -> list[int]:
        """`count` new values of the sequence behind `table`.`pk_column`, in the sequence's order."""
        if self._connection is None:
            self._connection = connections.create_connection(connection.alias)
        sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
        with self._connection.cursor() as cursor:
            cursor.execute(sql, [table, pk_column, count])
            return [pk for (pk,) in cursor.fetchall()]

    def close(self) -> None:
        """Close the connection (an import opens one at its first reservation)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class IdReserver:
    """Primary keys for rows this import inserts with explicit ids, so their INSERTs need no
    RETURNING and can run on the runner's thread while Python prepares the rows that refer to
    them (accounts → creators, comments → posts) instead of waiting for each chunk's ids.

    PostgreSQL: taken from the table's sequence over `sequences`, a second connection (safe with
    concurrent writers, and no wait for the runner). SQLite: the next free id is read once,
    inside the import's transaction, which holds the database's only write lock until it ends,
    and counted on from there; inserting explicit ids moves AUTOINCREMENT's `sqlite_sequence`
    past them, as an insert without an id would."""

    def __init__(self, model: type[models.Model], sequences: SequenceSource) -> None:
        self.table = model._meta.db_table
        self.pk_column = column_name(model._meta.pk)
        self.sequences = sequences
        self._next: int | None = None

    def reserve(self, count: int, runner: StatementRunner) -> list[int]:
        if not count:
            return []
        if connection.vendor == "postgresql":
            return self.sequences.next_values(self.table, self.pk_column, count)
        if self._next is None:
            runner.flush()
            quote = connection.ops.quote_name
            sql = (
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
                f"coalesce((SELECT max({quote(self.pk_column)}) FROM {quote(self.table)}), 0))"
            )
            ((last,),) = _execute(sql, [self.table], fetch=True)
            self._next = last + 1
        first = self._next
        self._next += count
        return list(range(first, first + count))


class BulkTable:
    """INSERT/UPDATE of `columns` (field names or attnames) of one model."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        adapted: Sequence[str] = (),
    ) -> None:
        """`adapted` names columns whose values the caller passes already adapted (constants)."""
        meta = model._meta
        self.fields = [column_field(model, name) for name in columns]
        self.width = len(self.fields)
        self.adapters = [
            (i, adapt)
            for i, (name, field) in enumerate(zip(columns, self.fields))
            if name not in adapted and (adapt := _adapter(field)) is not None
        ]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.column_sql = ", ".join(quote(column_name(field)) for field in self.fields)
        self.binary_types = _binary_copy_types(self.fields)
        binary = " WITH (FORMAT BINARY)" if self.binary_types is not None else ""
        self.copy_sql = f"COPY {self.table} ({self.column_sql}) FROM STDIN{binary}"
        self.pk_column = quote(column_name(meta.pk))
        self._insert_sql: dict[int, str] = {}
        # PostgreSQL, columns all sent in binary (the packed histories): an update of many rows
        # goes by COPY into a temporary table and one UPDATE ... FROM it (`_staged_update`).
        self.staged_update_types = self.binary_types and _binary_copy_types([*self.fields, meta.pk])
        self.staged_update_sql: tuple[str, str, str] | None = None
        if self.staged_update_types:
            staged, prepare = staged_table_sql(model, [*self.fields, meta.pk])
            self.staged_update_sql = (
                prepare,
                f"COPY {staged} ({self.column_sql}, {self.pk_column}) FROM STDIN WITH (FORMAT BINARY)",
                update_staged_sql(model, self.fields, key=meta.pk, staged=staged),
            )

    def adapt(self, column: str, value: Any) -> Any:
        """`value` of `column` as a DB parameter."""
        field = self.fields[[f.attname for f in self.fields].index(column)]
        adapt = _adapter(field)
        return value if adapt is None else adapt(value)

    def _adapt_flat(self, params: list[Any]) -> list[Any]:
        width = self.width
        for index, adapt in self.adapters:
            params[index::width] = map(adapt, params[index::width])
        return params

    def insert(self, rows: Sequence[tuple[Any, ...]], runner: StatementRunner | None = None) -> None:
        """Insert `rows` (tuples in column order). With a `runner` the statements run on its
        thread; on PostgreSQL the rows then go in one COPY, the database's bulk path (no SQL
        text to build or parse, no parameter limit)."""
        if not rows:
            return
        if runner is not None and connection.vendor == "postgresql":
            runner.submit_copy(self.copy_sql, self._adapt_rows(rows), self.binary_types)
            return
        per_statement = max(1, min(ROWS_PER_STATEMENT, _max_params() // self.width))
        placeholder = _placeholder()
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            sql = self._insert_sql.get(len(batch))
            if sql is None:
                group = "(" + ", ".join([placeholder] * self.width) + ")"
                sql = f"INSERT INTO {self.table} ({self.column_sql}) VALUES " + ", ".join([group] * len(batch))
                self._insert_sql[len(batch)] = sql
            params = self._adapt_flat(list(chain.from_iterable(batch)))
            if runner is not None:
                runner.submit(sql, params)
            else:
                _execute(sql, params)

    def _adapt_rows(self, rows: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]]:
        """`rows` with the columns that need it adapted, a column at a time."""
        if not self.adapters:
            return rows
        columns: list[Any] = list(zip(*rows, strict=True))
        for index, adapt in self.adapters:
            columns[index] = map(adapt, columns[index])
        return list(zip(*columns, strict=True))

    def update(self, rows: Sequence[tuple[Any, ...]], runner: StatementRunner | None = None) -> None:
        """UPDATE each row: tuples of the column values followed by the primary key."""
        if not rows:
            return
        adapted = []
        for row in rows:
            params = list(row)
            for index, adapt in self.adapters:
                params[index] = adapt(params[index])
            adapted.append(params)
        if runner is not None and self.staged_update_types and len(rows) > 1:
            self._staged_update(adapted, runner)
            return
        placeholder = _placeholder()
        assignments = ", ".join(
            f"{connection.ops.quote_name(column_name(field))} = {placeholder}" for field in self.fields
        )
        sql = f"UPDATE {self.table} SET {assignments} WHERE {self.pk_column} = {placeholder}"
        if runner is not None:
            runner.submit(sql, adapted, many=True)
        else:
            _execute(sql, adapted, many=True)

    def _staged_update(self, rows: Sequence[Sequence[Any]], runner: StatementRunner) -> None:
        """PostgreSQL: `update` of `rows` as a binary COPY into this session's temporary table of
        the columns (`core.sql.staged_table_sql`: made at the first use, emptied before each and
        at commit, long values compressed by lz4, which the UPDATE moves as they are) and one
        UPDATE joined to it. An UPDATE per row (`executemany`) cost the server a statement each: 0.5 s
        for a day added to 5,000 histories."""
        # Only called when every column goes in binary, which made both.
        assert self.staged_update_sql is not None and self.staged_update_types is not None
        prepare, copy, update = self.staged_update_sql
        runner.submit(prepare, None)
        runner.submit_copy(copy, rows, self.staged_update_types)
        runner.submit(update, None)
