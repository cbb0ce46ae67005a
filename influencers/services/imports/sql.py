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
from itertools import repeat
from operator import attrgetter, sub
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from core.memo import Memo
from core.sql import copy_rows, sqlite_utc_texts, staged_table_sql, update_staged_sql

ROWS_PER_STATEMENT = 5000
PARAMS_PER_STATEMENT = 30000  # well under PostgreSQL's 65,535 and SQLite's default 32,766


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


ColumnAdapter = Callable[[Sequence[Any]], list[Any]]


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """The function turning a Python value of `field` into a DB parameter (None = as it is)."""
    adapters = _adapters(field)
    return adapters[0] if adapters else None


def _adapters(field: models.Field) -> tuple[Callable[[Any], Any], ColumnAdapter] | None:
    """`field`'s adapter of one value and of a whole column of values (a list of the adapted
    values: the same as the first mapped over the column, in C where it can), or None when
    values go as they are."""
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateField":
        dates = Memo(ops.adapt_datefield_value)
        dates[None] = None
        adapt = dates.__getitem__
        return adapt, _mapped(adapt)
    if kind == "DateTimeField":
        return _datetime_adapters()
    if kind == "JSONField":
        return _json_adapters(field)
    if kind == "BooleanField" and connection.vendor == "sqlite":
        return _bool_as_int, _bools_as_ints
    if kind in ("FileField", "ImageField"):

        def adapt_file(value: Any) -> Any:
            return "" if value is None else str(value)

        return adapt_file, _mapped(adapt_file)
    return None


def _mapped(adapt: Callable[[Any], Any]) -> ColumnAdapter:
    def adapt_column(values: Sequence[Any]) -> list[Any]:
        return list(map(adapt, values))

    return adapt_column


_AS_INT = {True: 1, False: 0}
_BOOLEANS_ONLY = {bool, type(None)}


def _bool_as_int(value: Any) -> Any:
    return _AS_INT[value] if type(value) is bool else value


def _bools_as_ints(values: Sequence[Any]) -> list[Any]:
    """SQLite: True and False as 1 and 0, which SQLite stores for them anyway. sqlite3 binds a
    bool (as None, bytes or a str subclass) only after looking for an adapter of its type (two
    failed attribute look-ups, some 0.7 µs a value on the writer's thread); an int binds at once."""
    if set(map(type, values)) <= _BOOLEANS_ONLY:
        return list(map(_AS_INT.get, values, values))
    return list(map(_bool_as_int, values))


_DATETIMES_ONLY = {dt.datetime}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DAYS, _SECONDS, _MICROSECONDS = attrgetter("days"), attrgetter("seconds"), attrgetter("microseconds")


def _utc_texts(moments: Sequence[Any]) -> list[str] | None:
    """`moment.astimezone(UTC).isoformat(" ")` without its offset, of each aware datetime of
    `moments` (exact `datetime`s), or None when one is naive or outside the years 1 to 9999 in UTC.
    The moments' distances from 1970 (aware arithmetic in C, offsets included; a naive moment
    fails) read by C loops, their texts written by numpy (`sqlite_utc_texts`): isoformat cost over
    a microsecond a value, most of a post's adaptation."""
    try:
        deltas = list(map(sub, moments, repeat(_EPOCH)))
    except (TypeError, OverflowError):  # a naive moment: `adapt_datetimefield_value`'s own text
        return None
    count = len(deltas)
    days = np.fromiter(map(_DAYS, deltas), dtype=np.int64, count=count)
    seconds = np.fromiter(map(_SECONDS, deltas), dtype=np.int64, count=count)
    micros = np.fromiter(map(_MICROSECONDS, deltas), dtype=np.int64, count=count)
    return sqlite_utc_texts((days * 86_400 + seconds) * 1_000_000 + micros) if count else None


def _datetime_adapters() -> tuple[Callable[[Any], Any], ColumnAdapter] | None:
    """Datetime adaptation. PostgreSQL's adapter passes the value through (psycopg sends it), so
    there is none; SQLite stores aware moments as naive text in the connection's zone, which is
    `adapt_datetimefield_value` without its settings and thread-local look-ups per value."""
    ops = connection.ops
    if connection.vendor == "postgresql":
        return None
    if connection.vendor != "sqlite" or not settings.USE_TZ:

        def adapt_plain(value: Any) -> Any:
            return None if value is None else ops.adapt_datetimefield_value(value)

        return adapt_plain, _mapped(adapt_plain)
    zone = connection.timezone

    def adapt(value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))
        return ops.adapt_datetimefield_value(value)

    if zone is not dt.UTC:  # a DATABASES TIME_ZONE
        return adapt, _mapped(adapt)

    def adapt_utc(value: Any) -> Any:
        # The moment in UTC as text is the naive moment's text followed by "+00:00": cut off,
        # it spares replace(tzinfo=None), which costs more than the rest (a post's posted_at).
        if type(value) is dt.datetime and value.utcoffset() is not None:
            return value.astimezone(zone).isoformat(" ")[:-6]
        return adapt(value)

    def adapt_utc_column(values: Sequence[Any]) -> list[Any]:
        # A column of aware datetimes (the import's posted_at: validation makes every moment
        # aware) written at once: isoformat per post cost most of the insert's adaptation.
        if set(map(type, values)) == _DATETIMES_ONLY:
            texts = _utc_texts(values)
            if texts is not None:
                return texts
        return list(map(adapt_utc, values))

    return adapt_utc, adapt_utc_column


_LISTS_ONLY = {list}


def _json_adapters(field: models.Field) -> tuple[Callable[[Any], Any], ColumnAdapter]:
    """JSON adaptation, memoised for lists of strings (languages, categories, hashtags repeat a
    lot across a catalogue; encoding each through the field costs more than the insert)."""

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return _memoised_json(prepare)


def _json_copy_adapter(field: models.Field) -> ColumnAdapter:
    """PostgreSQL, a text COPY: `_json_adapters`' column adapter giving each value as the JSON
    text psycopg's Jsonb dumper would send for it (`_json_text`), memoised the same way. The
    dumper calls `json.dumps` in Python for every value, memoised or not: two per post (hashtags,
    mentions), most of the writer thread's CPU for a chunk's posts; a text goes through psycopg's
    str dumper in C, as the same bytes, escaped the same way by the COPY."""

    def prepare(value: Any) -> Any:
        return _json_text(field.get_db_prep_save(value, connection))

    return _memoised_json(prepare)[1]


def _json_text(adapted: Any) -> Any:
    """The text psycopg's JSON dumper makes of `adapted` (Django's adapted JSON value, a
    `Jsonb` wrapper holding the value and the field's `dumps`), or `adapted` itself when it is no
    wrapper or its `dumps` makes bytes (the dumper then sends those)."""
    from psycopg.types.json import Jsonb  # PostgreSQL only: SQLite never calls this

    if type(adapted) is not Jsonb or adapted.dumps is None:
        return adapted
    text = adapted.dumps(adapted.obj)
    return text if type(text) is str else adapted


def _memoised_json(prepare: Callable[[Any], Any]) -> tuple[Callable[[Any], Any], ColumnAdapter]:
    """Adapters of one JSON value and of a column (see `_adapters`) calling `prepare` once per
    distinct list of hashable items."""
    # JSON parameters of lists by their items (as a tuple), each encoded once.
    memo: Memo[tuple[Any, ...], Any] = Memo(lambda items: prepare(list(items)), limit=10_000)

    def adapt(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is list:
            try:
                return memo[tuple(value)]
            except TypeError:  # unhashable items: not memoised
                pass
        return prepare(value)

    def adapt_column(values: Sequence[Any]) -> list[Any]:
        # A column of lists (a post's hashtags and mentions) looked up in the memo by a chain of
        # C calls, without a Python call per value where it holds only lists.
        if set(map(type, values)) == _LISTS_ONLY:
            try:
                return list(map(memo.__getitem__, map(tuple, values)))
            except TypeError:  # unhashable items (or a value the field refuses): one by one
                pass
        return list(map(adapt, values))

    return adapt, adapt_column


def _text_copy_adapters(
    fields: Sequence[models.Field],
    names: Sequence[str],
    adapted: Sequence[str],
    column_adapters: Sequence[tuple[int, ColumnAdapter]],
) -> list[tuple[int, ColumnAdapter]]:
    """PostgreSQL: the column adapters of a text COPY of `fields` (named `names`): the
    `column_adapters`, with JSON columns as their JSON text (`_json_copy_adapter`) and every
    timestamp column as its moments' text (`_timestamptz_texts`), the constant ones the caller
    passes `adapted` included (PostgreSQL's adapter leaves a datetime as it is)."""
    by_index = dict(column_adapters)
    for index, (name, field) in enumerate(zip(names, fields, strict=True)):
        kind = field.get_internal_type()
        if kind == "JSONField" and name not in adapted:
            by_index[index] = _json_copy_adapter(field)
        elif kind == "DateTimeField":
            by_index[index] = _timestamptz_texts
    return sorted(by_index.items())


def _timestamptz_texts(moments: Sequence[Any]) -> list[Any]:
    """PostgreSQL, a text COPY: a column of aware datetimes as each moment's text in UTC,
    "2026-01-03 10:00:00.000001+00" (".ffffff" only when the microseconds are not 0), the
    instant the server stores from the text psycopg's dumper makes of the datetime; written by
    numpy (`_utc_texts`), where that dumper cost some 1.6 µs a value (a post's posted_at, every
    row's created_at and updated_at). Any other column (a naive or missing moment, a year outside
    1 to 9999 in UTC) goes as it is, for psycopg to send as before."""
    if set(map(type, moments)) == _DATETIMES_ONLY:
        texts = _utc_texts(moments)
        if texts is not None:
            return list(map(str.__add__, texts, repeat("+00")))
    return list(moments)


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
        adapters = [
            (i, pair)
            for i, (name, field) in enumerate(zip(columns, self.fields))
            if name not in adapted and (pair := _adapters(field)) is not None
        ]
        self.adapters = [(i, one) for i, (one, _column) in adapters]
        self.column_adapters = [(i, column) for i, (_one, column) in adapters]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.column_sql = ", ".join(quote(column_name(field)) for field in self.fields)
        self.binary_types = _binary_copy_types(self.fields)
        self.copy_column_adapters = (
            _text_copy_adapters(self.fields, columns, adapted, self.column_adapters)
            if connection.vendor == "postgresql" and self.binary_types is None
            else self.column_adapters
        )
        binary = " WITH (FORMAT BINARY)" if self.binary_types is not None else ""
        self.copy_sql = f"COPY {self.table} ({self.column_sql}) FROM STDIN{binary}"
        self.pk_column = quote(column_name(meta.pk))
        self._insert_sql: dict[tuple[int, frozenset[int]], str] = {}
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

    def insert(self, rows: Sequence[tuple[Any, ...]], runner: StatementRunner | None = None) -> None:
        """Insert `rows` (tuples in column order). With a `runner` the statements run on its
        thread; on PostgreSQL the rows then go in one COPY, the database's bulk path (no SQL
        text to build or parse, no parameter limit)."""
        if rows:
            self.insert_columns(list(zip(*rows, strict=True)), runner)

    def insert_columns(self, columns: Sequence[Sequence[Any]], runner: StatementRunner | None = None) -> None:
        """`insert` of rows given as columns (a sequence of values per column, in column order, all
        of one length): what a chunk's rows are built as, a column at a time (see the writer's
        `_TableWriter.new_columns`), adapted and laid out in C without a tuple per row on
        SQLite."""
        if len(columns) != self.width:
            raise ValueError(f"{len(columns)} columns for the {self.width} of {self.table}")
        count = len(columns[0])
        if not count:
            return
        adapted = list(columns)
        if runner is not None and connection.vendor == "postgresql":
            for index, adapt in self.copy_column_adapters:
                adapted[index] = adapt(adapted[index])
            runner.submit_copy(self.copy_sql, list(zip(*adapted, strict=True)), self.binary_types)
            return
        for index, adapt in self.column_adapters:
            adapted[index] = adapt(adapted[index])
        # A column without a value in these rows is NULL in the statements' text rather than a
        # parameter per row: sqlite3 binds None only after looking for an adapter of its type
        # (two failed attribute look-ups, some 0.6 µs a value on the writer's thread), which cost
        # more than inserting it (a post's unknown shares, views and paid-partnership flag).
        empty = frozenset(
            index for index, column in enumerate(adapted) if column[0] is None and column.count(None) == count
        )
        sent = [column for index, column in enumerate(adapted) if index not in empty]
        width = len(sent)
        params: list[Any] = [None] * (count * width)
        for index, column in enumerate(sent):
            if len(column) != count:
                raise ValueError(f"columns of {len(column)} and {count} values for {self.table}")
            params[index::width] = column
        self._insert_flat(params, count, empty, runner)

    def _insert_flat(
        self, params: list[Any], count: int, empty: frozenset[int], runner: StatementRunner | None
    ) -> None:
        """Multi-row INSERTs of `count` rows whose adapted values are `params`, row after row,
        without the columns `empty` names (NULL in every row)."""
        width = self.width - len(empty)
        per_statement = max(1, min(ROWS_PER_STATEMENT, _max_params() // max(width, 1)))
        for start in range(0, count, per_statement):
            rows = min(per_statement, count - start)
            sql = self._insert_sql.get((rows, empty))
            if sql is None:
                placeholder = _placeholder()
                values = [("NULL" if index in empty else placeholder) for index in range(self.width)]
                group = "(" + ", ".join(values) + ")"
                sql = f"INSERT INTO {self.table} ({self.column_sql}) VALUES " + ", ".join([group] * rows)
                self._insert_sql[(rows, empty)] = sql
            batch = params if rows == count else params[start * width : (start + rows) * width]
            if runner is not None:
                runner.submit(sql, batch)
            else:
                _execute(sql, batch)

    def _adapt_rows(self, rows: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]]:
        """`rows` with the columns that need it adapted, a column at a time."""
        if not self.column_adapters:
            return rows
        columns: list[Any] = list(zip(*rows, strict=True))
        for index, adapt in self.column_adapters:
            columns[index] = adapt(columns[index])
        return list(zip(*columns, strict=True))

    def update(self, rows: Sequence[tuple[Any, ...]], runner: StatementRunner | None = None) -> None:
        """UPDATE each row: tuples of the column values followed by the primary key."""
        if not rows:
            return
        adapted = self._adapt_rows(rows)
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
