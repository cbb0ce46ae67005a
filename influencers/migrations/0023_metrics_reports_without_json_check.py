"""SQLite: the JSON_VALID checks of the stored report and details dropped from the metrics table,
whose columns 0021 made text (`core.fields.JSONTextField`) in the models' state only.

Why: SQLite ran `JSON_VALID` over every report (~10 KB) and details (~2.6 KB) it wrote, parsing
each again after orjson had written it: 6.1 % of the vetting step's instructions and 6.5 % of the
metrics step's (callgrind, 1,000 real-shaped accounts). What the app writes is JSON either way
(`core.stored_json`).

How: SQLite's documented way to remove a CHECK constraint without rebuilding the table
(https://www.sqlite.org/lang_altertable.html, "making other kinds of table schema changes"): the
table's SQL in the schema is rewritten under `writable_schema` and the schema version raised, so
every connection reads the new definition; no row is touched, so it takes no time on a large
catalogue, and the table's triggers and indexes stay as they are (a rebuild would drop the
creators' worst-risk triggers). Back: the checks are written in again the same way.
PostgreSQL: nothing to do (0021 altered its columns to text, without checks).
"""

import logging
from typing import Any

from django.db import DatabaseError, migrations

logger = logging.getLogger(__name__)

TABLE = "influencers_accountmetrics"
COLUMNS = ("vetting", "details")


def _check(column: str) -> str:
    """The check Django's SQLite backend wrote after a JSONField's column definition."""
    return f' CHECK ((JSON_VALID("{column}") OR "{column}" IS NULL))'


def _definition(column: str) -> str:
    return f'"{column}" text NOT NULL'


def _rewrite(apps: Any, schema_editor: Any, *, checked: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        (sql,) = cursor.fetchone()
        rewritten = sql
        for column in COLUMNS:
            with_check, without = _definition(column) + _check(column), _definition(column)
            if not checked:
                rewritten = rewritten.replace(with_check, without)
            elif with_check not in rewritten:
                if rewritten.count(without) != 1:
                    raise RuntimeError(f"{TABLE}: column {column!r} is not defined as 0021 left it: {sql}")
                rewritten = rewritten.replace(without, with_check)
                # A check only holds for rows that meet it (the app writes JSON; said if not).
                cursor.execute(f'SELECT count(*) FROM "{TABLE}" WHERE NOT JSON_VALID("{column}")')
                (invalid,) = cursor.fetchone()
                if invalid:
                    raise RuntimeError(f"{TABLE}: {invalid} row(s) whose {column!r} is not JSON")
        if rewritten == sql:
            return
        cursor.execute("PRAGMA schema_version")
        (version,) = cursor.fetchone()
        cursor.execute("PRAGMA writable_schema = ON")
        try:
            cursor.execute("UPDATE sqlite_master SET sql = %s WHERE type = 'table' AND name = %s", [rewritten, TABLE])
        except DatabaseError:
            # An SQLite built or opened in defensive mode refuses schema writes: the checks stay,
            # which costs only their parsing.
            logger.warning("%s: the schema cannot be rewritten here (defensive mode?); checks left as they are", TABLE)
            return
        else:
            # Every connection reads the schema again when its version changes.
            cursor.execute(f"PRAGMA schema_version = {int(version) + 1}")
        finally:
            cursor.execute("PRAGMA writable_schema = OFF")


def drop_checks(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, checked=False)


def add_checks(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, checked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0022_worst_risk_triggers_skip_no_change"),
    ]

    operations = [migrations.RunPython(drop_checks, add_checks, elidable=False)]
