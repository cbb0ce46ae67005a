"""Multi-row INSERT and batched UPDATE for the importer, through the Django connection.

Why not `bulk_create`: it builds a model instance and runs every field's `get_db_prep_save`
per row, which caps it near 25,000 rows/s on SQLite; a large catalogue import writes millions
of snapshot rows. Here values are adapted per *column* with the backend's own adapters
(`connection.ops.adapt_*`, `JSONField.get_db_prep_save`), rows go in multi-row VALUES
statements sized to the backend's parameter limit, and no signals are sent (none of these
models relies on one). Works on SQLite and PostgreSQL; both support INSERT ... RETURNING.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from django.db import connection, models

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


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """The function turning a Python value of `field` into a DB parameter (None = as it is)."""
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateField":
        return _Memo(ops.adapt_datefield_value).__getitem__
    if kind == "DateTimeField":
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if kind == "JSONField":
        return _json_adapter(field)
    if kind in ("FileField", "ImageField"):
        return lambda value: "" if value is None else str(value)
    return None


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


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return min(PARAMS_PER_STATEMENT, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except AttributeError:  # Python < 3.11
            return 999
    return PARAMS_PER_STATEMENT


class _Cursor:
    """A DB-API cursor and its placeholder. On SQLite the raw sqlite3 cursor is used: Django's
    wrapper rewrites '%s' to '?' with a regex on every call (milliseconds per 100 KB statement)
    and, with DEBUG on, re-quotes every parameter for the query log."""

    def __enter__(self) -> _Cursor:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.cursor = connection.connection.cursor()
            self.placeholder = "?"
        else:
            self.cursor = connection.cursor()
            self.placeholder = "%s"
        self._errors = connection.wrap_database_errors
        self._errors.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._errors.__exit__(*exc_info)
        finally:
            self.cursor.close()


class BulkTable:
    """INSERT/UPDATE of `columns` (field names or attnames) of one model."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        returning: Sequence[str] = (),
        adapted: Sequence[str] = (),
    ) -> None:
        """`adapted` names columns whose values the caller passes already adapted (constants)."""
        meta = model._meta
        self.fields = [meta.get_field(name) for name in columns]
        self.width = len(self.fields)
        self.adapters = [
            (i, adapt)
            for i, (name, field) in enumerate(zip(columns, self.fields))
            if name not in adapted and (adapt := _adapter(field)) is not None
        ]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.column_sql = ", ".join(quote(field.column) for field in self.fields)
        returning_fields = [meta.get_field(name) for name in returning]
        self.returning_sql = (
            " RETURNING " + ", ".join(quote(field.column) for field in returning_fields) if returning else ""
        )
        self.pk_column = quote(meta.pk.column)
        self._insert_sql: dict[int, str] = {}

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

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Insert `rows` (tuples in column order); returns the RETURNING rows, if any were asked."""
        if not rows:
            return []
        returned: list[tuple[Any, ...]] = []
        per_statement = max(1, min(ROWS_PER_STATEMENT, _max_params() // self.width))
        with _Cursor() as cur:
            for start in range(0, len(rows), per_statement):
                batch = rows[start : start + per_statement]
                sql = self._insert_sql.get(len(batch))
                if sql is None:
                    group = "(" + ", ".join([cur.placeholder] * self.width) + ")"
                    sql = f"INSERT INTO {self.table} ({self.column_sql}) VALUES " + ", ".join(
                        [group] * len(batch)
                    ) + self.returning_sql
                    self._insert_sql[len(batch)] = sql
                cur.cursor.execute(sql, self._adapt_flat(list(chain.from_iterable(batch))))
                if self.returning_sql:
                    # Rows come back in VALUES order on SQLite and PostgreSQL (bulk_create relies on it too).
                    returned.extend(cur.cursor.fetchall())
        return returned

    def update(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """UPDATE each row: tuples of the column values followed by the primary key."""
        if not rows:
            return
        with _Cursor() as cur:
            assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = {cur.placeholder}"
                                    for field in self.fields)
            sql = f"UPDATE {self.table} SET {assignments} WHERE {self.pk_column} = {cur.placeholder}"
            width = self.width
            adapted = []
            for row in rows:
                params = list(row)
                for index, adapt in self.adapters:
                    params[index] = adapt(params[index])
                assert len(params) == width + 1
                adapted.append(params)
            cur.cursor.executemany(sql, adapted)
