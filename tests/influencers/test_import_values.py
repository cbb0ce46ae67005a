"""Value parsers of the importer: the number, share, date and name formats real exports use."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.services.imports.values import (
    ValueInvalid,
    check_handle,
    parse_bool,
    parse_count,
    parse_date,
    parse_datetime,
    parse_handle,
    parse_human_number,
    parse_percent,
    parse_platform,
    parse_share,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2万", 12_000),
        ("3.5w", 35_000),
        ("3.5W", 35_000),
        ("12.3k", 12_300),
        ("1,234", 1_234),
        ("1.2M", 1_200_000),
        ("1.1亿", 110_000_000),
        ("10万+", 100_000),
        ("２万", 20_000),  # full-width digits from Chinese input methods
        (" 88 ", 88),
        (1500, 1500),
    ],
)
def test_human_numbers_are_read_the_way_exports_write_them(text, expected):
    assert parse_human_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2x", "万", "12..3k"])
def test_human_number_garbage_is_refused(text):
    with pytest.raises(ValueInvalid, match="not a number"):
        parse_human_number(text)


def test_count_accepts_plain_and_grouped_integers_and_refuses_the_rest():
    assert parse_count("12000") == 12000
    assert parse_count("12,000") == 12000
    assert parse_count(12000.0) == 12000
    assert parse_count("") is None
    with pytest.raises(ValueInvalid, match="not a whole number"):
        parse_count("lots")
    with pytest.raises(ValueInvalid, match="negative"):
        parse_count("-5")
    with pytest.raises(ValueInvalid, match="whole number"):
        parse_count(12.5)
    with pytest.raises(ValueInvalid):
        parse_count(True)


def test_percent_and_share():
    assert parse_percent("3.4%") == pytest.approx(0.034)
    assert parse_percent("3.4") == pytest.approx(0.034)
    assert parse_share("34%") == pytest.approx(0.34)
    assert parse_share("0.34") == pytest.approx(0.34)
    with pytest.raises(ValueInvalid, match="above 1"):
        parse_share("34")


def test_dates_with_formats_and_times_with_offsets():
    assert parse_date("2026/03/01", ["%Y/%m/%d"]) == dt.date(2026, 3, 1)
    assert parse_date("2026年03月01日", ["%Y/%m/%d", "%Y年%m月%d日"]) == dt.date(2026, 3, 1)
    assert parse_date("2026-03-01") == dt.date(2026, 3, 1)
    with pytest.raises(ValueInvalid, match="not a date"):
        parse_date("01.03.2026")
    moment = parse_datetime("2026-02-28T20:15:00+08:00")
    assert moment == dt.datetime(2026, 2, 28, 12, 15, tzinfo=dt.UTC)
    assert parse_datetime("2026-02-28T12:15:00Z") == moment


def test_handles_and_platforms_are_normalised():
    assert parse_handle("  @LinXiaoyu ") == "LinXiaoyu"  # the case is settled per platform
    assert check_handle("instagram", parse_handle("  @LinXiaoyu ")) == "linxiaoyu"
    with pytest.raises(ValueInvalid, match="spaces"):
        parse_handle("lin xiaoyu")
    assert parse_platform("Instagram") == "instagram"
    with pytest.raises(ValueInvalid, match="unknown platform 'myspace'"):
        parse_platform("myspace")


def test_booleans_in_english_and_chinese():
    assert parse_bool("Yes") is True
    assert parse_bool("否") is False
    assert parse_bool("") is None
    with pytest.raises(ValueInvalid):
        parse_bool("maybe")
