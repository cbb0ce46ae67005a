"""Checks on text every service stores: PostgreSQL cannot store a NUL character (\\x00) in a text
column or a JSON document (it raises DataError, a 500), and SQLite would store what the other
database refuses, so services refuse it first, naming the field, on every database."""

from __future__ import annotations

from core.errors import InputError

NUL = "\x00"
MAX_BIGINT = 2**63 - 1  # the largest value of a 64-bit integer column (BigIntegerField, PositiveBigIntegerField)


def refuse_nul(value: str, *, field: str) -> str:
    """`value`, or InputError naming `field` when it contains a NUL character."""
    if NUL in value:
        raise InputError("must not contain NUL characters (\\x00)", field=field)
    return value
