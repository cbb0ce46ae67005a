"""SQL text the services write by hand, where the ORM's per-row work cost more than the statement
(bulk reads of a chunk, multi-row upserts): the parameter markers and the upsert, written once.

On PostgreSQL a chunk's ids travel as one array parameter (`ids_in`, `unnest_sql`), not as one
marker per value: psycopg scans the statement in Python for every marker and does not cache
long statements, and the server plans a long IN list slowly (the posts of 6,000 ids: 44.7 ms by
IN, 13.5 ms by ANY; 200 ids: 1.5 and 0.65 ms). Not for text: Django binds parameters on the
client (psycopg's ClientCursor), which writes an array of long strings (a chunk's reports) as
one escaped literal in Python, slower than one marker per value. SQLite keeps its markers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

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
    quote = connection.ops.quote_name
    conflict = connection.ops.on_conflict_suffix_sql(
        fields, OnConflict.UPDATE, [str(field.column) for field in update], [str(field.column) for field in key]
    )
    columns = ", ".join(quote(str(field.column)) for field in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values_rows(len(fields), rows)} {conflict}"


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
