"""SQL text the services write by hand, where the ORM's per-row work cost more than the statement
(bulk reads of a chunk, multi-row upserts): the parameter markers and the upsert, written once."""

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
