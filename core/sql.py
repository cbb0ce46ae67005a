"""SQL text the services write by hand, where the ORM's per-row work cost more than the statement
(bulk reads of a chunk, multi-row upserts): the parameter markers and the upsert, written once.

On PostgreSQL a chunk's ids travel as one array parameter (`ids_in`, `unnest_sql`), not as one
marker per value: psycopg scans the statement in Python for every marker and does not cache
long statements, and the server plans a long IN list slowly (the posts of 6,000 ids: 44.7 ms by
IN, 13.5 ms by ANY; 200 ids: 1.5 and 0.65 ms). A chunk's rows to write go by COPY into a
temporary table (`staged_rows`), written from there by one statement: Django binds parameters on
the client (psycopg's ClientCursor), so a multi-row VALUES list costs that scan for each of its
thousands of markers and the quoting of every long text as an SQL literal, both in Python, where
COPY's rows are formatted in C. SQLite keeps its markers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Field, Model
from django.db.models.constants import OnConflict


def placeholders(count: int) -> str:
    """`count` comma-separated parameter markers ("%s, %s, %s"), for an IN list or one row."""
    return ", ".join(["%s"] * count)


def values_rows(width: int, rows: int) -> str:
    """`rows` parenthesised groups of `width` markers: a multi-row VALUES list."""
    return ", ".join([f"({placeholders(width)})"] * rows)


def flat(rows: Iterable[Sequence[Any]]) -> list[Any]:
    """The parameters of a multi-row statement: every row's values in turn."""
    return [value for row in rows for value in row]


def upsert_sql(
    model: type[Model], fields: Sequence[Field], *, update: Sequence[Field], key: Sequence[Field], rows: int = 1
) -> str:
    """INSERT … ON CONFLICT DO UPDATE of `fields` for `rows` rows (SQLite ≥ 3.24 and PostgreSQL):
    a row that conflicts on `key` gets only `update`'s columns. `model` may be a migration's
    historical model."""
    return _upsert(model, fields, update, key, f"VALUES {values_rows(len(fields), rows)}")


def upsert_staged_sql(
    model: type[Model], fields: Sequence[Field], *, update: Sequence[Field], key: Sequence[Field], staged: str
) -> str:
    """PostgreSQL: `upsert_sql` of every row of the table `staged` (`staged_rows`), one statement."""
    return _upsert(model, fields, update, key, f"SELECT {_columns(fields)} FROM {staged}")


def update_staged_sql(model: type[Model], fields: Sequence[Field], *, key: Field, staged: str) -> str:
    """PostgreSQL: one UPDATE of `fields` of `model`'s rows from the table `staged` (`staged_rows`,
    or `staged_table_sql` filled by the caller's COPY), matched on `key`. One statement rather
    than one per row: the server's cost per statement, and statement-level triggers run once."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = s.{quote(str(field.column))}" for field in fields)
    matched = quote(str(key.column))
    return f"UPDATE {quoted_table(model)} AS t SET {assignments} FROM {staged} AS s WHERE t.{matched} = s.{matched}"


def _upsert(
    model: type[Model], fields: Sequence[Field], update: Sequence[Field], key: Sequence[Field], rows: str
) -> str:
    conflict = connection.ops.on_conflict_suffix_sql(
        fields, OnConflict.UPDATE, [str(field.column) for field in update], [str(field.column) for field in key]
    )
    return f"INSERT INTO {quoted_table(model)} ({_columns(fields)}) {rows} {conflict}"


def quoted_table(model: type[Model]) -> str:
    """`model`'s table, quoted for this connection's SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def quoted_column(model: type[Model], name: str, alias: str = "") -> str:
    """The column of `model`'s field `name`, quoted (qualified by `alias` when given)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    quoted = connection.ops.quote_name(str(field.column))
    return f"{alias}.{quoted}" if alias else quoted


def _columns(fields: Sequence[Field]) -> str:
    return ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)


def staged_rows(cursor: Any, model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> str:
    """PostgreSQL: `rows` (values in `fields`' order, as query parameters) copied into this
    session's temporary table of those columns of `model`'s table (typed as they are, without
    their constraints, long values compressed by lz4: `_create_staged_sql`; made once per
    session, emptied at each commit and before each use);
    returns its quoted name, to write from in one statement (`upsert_staged_sql`, an UPDATE …
    FROM). Runs in the caller's transaction."""
    name, prepare = staged_table_sql(model, fields)
    cursor.execute(prepare)
    copy_rows(cursor, f"COPY {name} ({_columns(fields)}) FROM STDIN", rows)
    return name


def staged_table_sql(model: type[Model], fields: Sequence[Field]) -> tuple[str, str]:
    """PostgreSQL: the quoted name of this session's temporary table of `fields` of `model`'s
    table (`staged_rows`'s), and the SQL that makes it unless it exists and empties it, for a
    caller that fills it by its own COPY (the importer's runner thread, in binary)."""
    quote = connection.ops.quote_name
    table = str(model._meta.db_table)
    columns = _columns(fields)
    name = quote(f"staged_{table[:40]}_{hashlib.sha256(columns.encode()).hexdigest()[:8]}")
    # One round trip for both (no parameters: psycopg sends them as one simple query).
    return name, f"{_create_staged_sql(name, quote(table), columns)}; TRUNCATE {name}"


def _create_staged_sql(name: str, table: str, columns: str) -> str:
    """PostgreSQL: a DO block that makes the temporary table `name` of `columns` of `table` unless
    this session has it, its compressible columns compressed by lz4 where the server has it.

    Why lz4: a value over ~2 KB is compressed as COPY stores it, and stays compressed as it is when
    the UPDATE or upsert moves it to the model's table. With pglz, the default, compressing the
    vetting reports (~10 KB of JSON each) was half of the server's CPU of the whole vetting step
    (0.75 of 1.35 s for COPYing 5,000 reports; lz4: 0.05 s), and lz4 values read back faster.
    The values stored are the same; where the server was built without lz4, pglz as before."""
    return f"""DO $staged$
DECLARE
    compressible name;
BEGIN
    IF to_regclass('pg_temp.{name}') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TEMPORARY TABLE {name} ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} WITH NO DATA;
    IF NOT EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
        RETURN;
    END IF;
    FOR compressible IN
        SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = 'pg_temp.{name}'::regclass AND a.attnum > 0 AND t.typstorage <> 'p'
    LOOP
        EXECUTE format('ALTER TABLE pg_temp.{name} ALTER COLUMN %I SET COMPRESSION lz4', compressible);
    END LOOP;
END $staged$"""


def copy_rows(
    cursor: Any, copy_sql: str, rows: Iterable[Sequence[Any]], binary_types: Sequence[str] | None = None
) -> None:
    """PostgreSQL (psycopg 3): send `rows` by `COPY … FROM STDIN` (each row formatted in C).

    With `binary_types` (a psycopg type name per column), `copy_sql` must end in
    `WITH (FORMAT BINARY)`: values are sent packed rather than as text, which costs the client
    about a third of the CPU and spares the server parsing them (integers and dates)."""
    with cursor.copy(copy_sql) as copy:
        if binary_types is not None:
            copy.set_types(binary_types)
        write_row = copy.write_row
        for row in rows:
            write_row(row)


# Microseconds since 1970-01-01 of the first and last moments whose text is "YYYY-…" (years
# 1 to 9999): numpy writes other years with more or fewer digits.
_FIRST_MICROS = (dt.datetime.min - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
_LAST_MICROS = (dt.datetime.max - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
_NAIVE_TEXT = len("2026-01-03 10:00:00.000001")


def sqlite_utc_texts(micros: np.ndarray) -> list[str] | None:
    """The text SQLite's backend of Django stores each moment as (`str` of the naive moment in
    UTC: "2026-01-03 10:00:00", ".ffffff" after it unless the microseconds are 0), of moments given
    as microseconds since 1970-01-01 UTC; None when one lies outside the years 1 to 9999. Written
    by numpy for the whole column: an adapter call per value (isoformat, Django's checks) cost a
    microsecond or more, most of a row's adaptation where a chunk writes or bounds many times."""
    if len(micros) and (int(micros.min()) < _FIRST_MICROS or int(micros.max()) > _LAST_MICROS):
        return None
    iso = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us")  # "2026-01-03T10:00:00.000001"
    chars = iso.astype(f"<U{_NAIVE_TEXT}").view(np.uint32).reshape(len(micros), _NAIVE_TEXT)
    chars[:, 10] = ord(" ")
    chars[micros % 1_000_000 == 0, 19:] = 0  # trailing NULs are not part of a numpy string
    texts: list[str] = chars.view(f"<U{_NAIVE_TEXT}").ravel().tolist()
    return texts


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def ids_in(column: str, count: int) -> str:
    """SQL: `column` is one of `count` ids, given by `ids_params`: `column = ANY(%s)` with one
    array on PostgreSQL, `column IN (%s, …)` elsewhere."""
    return f"{column} = ANY(%s::bigint[])" if is_postgresql() else f"{column} IN ({placeholders(count)})"


def ids_params(ids: Sequence[int]) -> list[Any]:
    """The parameters of `ids_in`: one list (PostgreSQL) or the ids in turn."""
    return [list(ids)] if is_postgresql() else list(ids)


def unnest_sql(fields: Sequence[Field]) -> str:
    """PostgreSQL: rows as a set from one array parameter per field (a list of that field's
    values), `unnest(%s::t1[], %s::t2[], …)`, to select from or join; each array cast to its
    column's type."""
    return "unnest(" + ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields) + ")"
