"""The metrics' time texts made once equal each time's own isoformat (influencers/metrics/days.py):
the newest post's text shared by the cadence and the window, and the window's start written from
its end's text in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from influencers.metrics.days import days_before_text
from influencers.metrics.growth import cadence_result

UTC_TIMES = [
    dt.datetime(2026, 3, 1, 12, 30, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2024, 3, 1, 23, 59, 59, 999_999, tzinfo=dt.UTC),  # a leap year's February behind
    dt.datetime(2027, 1, 1, 0, 0, 0, 7, tzinfo=dt.UTC),  # a year behind
    dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    dt.datetime(999, 6, 1, 8, tzinfo=dt.UTC),  # a three-digit year, written with four
]
OTHER_TIMES = [
    dt.datetime(2026, 3, 29, 12, tzinfo=ZoneInfo("Europe/Berlin")),  # the window crosses a change of offset
    dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2026, 3, 1, 12, 0, 1),  # naive
]


@pytest.mark.parametrize("time", UTC_TIMES + OTHER_TIMES)
@pytest.mark.parametrize("count", [0, 1, 7, 90, 366])
def test_days_before_text_is_the_earlier_times_isoformat(time, count):
    assert days_before_text(time, time.isoformat(), count) == (time - dt.timedelta(days=count)).isoformat()


@pytest.mark.parametrize("time", UTC_TIMES + OTHER_TIMES)
def test_cadence_details_write_the_times_date_and_time(time):
    value, details = cadence_result(13, time, 90)
    assert value == 13 / (90 / 7)
    assert details == {
        "value": value,
        "formula": f"posts in the 90 days up to {time.date().isoformat()} / (90 / 7)",
        "posts": 13,
        "window_days": 90,
        "to": time.isoformat(),
    }
    assert list(details) == ["value", "formula", "posts", "window_days", "to"]
