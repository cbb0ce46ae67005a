"""`core.sql.sqlite_utc_texts`: the text Django's SQLite backend stores a moment as, for a whole
column at once; it must be exactly the adapter's, or a stored time and a bound compare wrongly."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from core.sql import sqlite_utc_texts

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _django_text(moment: dt.datetime) -> str:
    """Django's own text of an aware moment on SQLite with USE_TZ and the UTC zone
    (`DatabaseOperations.adapt_datetimefield_value`: the moment made naive in UTC, as `str`)."""
    return str(moment.astimezone(dt.UTC).replace(tzinfo=None))


def _micros(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def test_texts_are_djangos_for_moments_across_the_calendar():
    rng = random.Random(7)
    moments = [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
        EPOCH - dt.timedelta(microseconds=1),
        EPOCH,
        dt.datetime(2026, 3, 1, 10, 0, 0, 1, tzinfo=dt.UTC),
    ]
    for _ in range(5_000):
        moments.append(
            dt.datetime(
                rng.randint(1, 9999),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(0, 23),
                rng.randint(0, 59),
                rng.randint(0, 59),
                rng.choice([0, rng.randint(0, 999_999)]),
                tzinfo=dt.UTC,
            )  # fmt: skip
        )
    texts = sqlite_utc_texts(np.array([_micros(m) for m in moments], dtype=np.int64))
    assert texts == [_django_text(m) for m in moments]
    assert texts[:3] == ["0001-01-01 00:00:00", "9999-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999"]


def test_a_moment_outside_the_years_1_to_9999_gives_none_and_no_moment_an_empty_list():
    first = _micros(dt.datetime(1, 1, 1, tzinfo=dt.UTC))
    last = _micros(dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC))
    assert sqlite_utc_texts(np.array([first - 1, 0], dtype=np.int64)) is None
    assert sqlite_utc_texts(np.array([0, last + 1], dtype=np.int64)) is None
    assert sqlite_utc_texts(np.array([], dtype=np.int64)) == []
