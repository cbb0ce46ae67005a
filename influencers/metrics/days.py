"""Days as the histories and the metrics count them: whole days since 1970-01-01."""

from __future__ import annotations

import datetime as dt
import functools

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(day: dt.date) -> int:
    """A date as days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL


@functools.lru_cache(maxsize=4096)  # a chunk's accounts mostly share their dates
def day_of(number: int) -> dt.date:
    """The date of a day number."""
    return dt.date.fromordinal(int(number) + _EPOCH_ORDINAL)


@functools.lru_cache(maxsize=4096)
def day_text(number: int) -> str:
    """The ISO text of a day number's date."""
    return day_of(number).isoformat()


def days_before_text(time: dt.datetime, time_text: str, count: int) -> str:
    """`(time - timedelta(days=count)).isoformat()` given `time_text`, `time`'s isoformat: in UTC
    (a fixed offset) whole days move only the date, so the clock and offset are `time_text`'s."""
    if time.tzinfo is not dt.UTC:
        return (time - _whole_days(count)).isoformat()
    return (time.date() - _whole_days(count)).isoformat() + time_text[10:]


@functools.cache
def _whole_days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)
