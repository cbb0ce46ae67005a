"""Sentiment (VADER for English, SnowNLP for Chinese) and robust spike detection."""

from __future__ import annotations

import datetime as dt

import pytest

from vetting.monitoring import sentiment as s
from vetting.monitoring.spikes import LabelledText, daily_series, detect_spike_days, robust_z


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("This is so pretty!", "en"),
        ("这个颜色绝了", "zh"),
        ("Love this look! 好看", "mixed"),
        ("👏👏", "none"),
    ],
)
def test_language_route_by_script(text: str, language: str) -> None:
    assert s.detect_language(text) == language


def test_english_goes_to_vader_with_its_thresholds() -> None:
    good = s.analyze("Thanks for the honest review, love it")
    bad = s.analyze("This is a scam, worst product ever")
    neutral = s.analyze("What camera do you use?")
    assert (good.method, good.label) == ("vader", "positive")
    assert (bad.method, bad.label) == ("vader", "negative")
    assert neutral.label == "neutral"
    assert -1 <= bad.score < 0 < good.score <= 1


def test_chinese_goes_to_snownlp_on_the_same_scale() -> None:
    bad = s.analyze("骗子！退钱，什么垃圾产品")
    good = s.analyze("太好看了，强烈推荐，喜欢")
    assert bad.method == "snownlp" and bad.language == "zh"
    assert bad.label == "negative" and good.label == "positive"
    assert -1 <= bad.score < good.score <= 1


def test_mixed_text_is_weighted_by_the_amount_of_each_script() -> None:
    mixed = s.analyze("Terrible, awful, a total scam and a waste of money 好")
    # Eight English words against one Han character: the English (negative) part dominates.
    assert mixed.language == "mixed" and mixed.method == "snownlp+vader"
    assert mixed.label == "negative"


def test_social_emoji_are_read_as_praise_or_scorn() -> None:
    # VADER alone reads 🔥 as "fire" (negative) and 😡 as neutral.
    assert s.analyze("🔥🔥").label == "positive"
    assert s.analyze("😡😡").label == "negative"


def test_robust_z_uses_median_and_mad_with_a_floor() -> None:
    stats = robust_z(0.9, [0.1, 0.1, 0.2, 0.1, 0.0])
    assert stats.median == pytest.approx(0.1)
    assert stats.mad == pytest.approx(0.0)  # most days identical: MAD 0
    assert stats.spread == pytest.approx(0.05)  # the floor keeps z finite
    assert stats.z == pytest.approx((0.9 - 0.1) / 0.05)
    # One wild historical day barely moves a median-based baseline.
    assert robust_z(0.5, [0.1, 0.1, 0.1, 0.1, 1.0]).median == pytest.approx(0.1)


def _day(n: int) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=n)


def test_daily_series_counts_labels_per_day() -> None:
    items = [
        LabelledText(_day(0), "negative", -0.5),
        LabelledText(_day(0), "positive", 0.5),
        LabelledText(_day(0), "neutral", 0.0),
        LabelledText(_day(2), "negative", -0.8),
    ]
    series = daily_series(items)
    assert [p.day for p in series] == [_day(0), _day(2)]
    assert (series[0].total, series[0].negative, series[0].neutral, series[0].positive) == (3, 1, 1, 1)
    assert series[0].negative_share == pytest.approx(1 / 3)
    assert series[1].negative_share == 1.0


def test_spike_days_are_judged_against_earlier_days_only() -> None:
    items = []
    for d in range(10):  # ten calm days: 1 negative in 5
        items += [LabelledText(_day(d), "negative", -0.5)] + [LabelledText(_day(d), "positive", 0.6)] * 4
    items += [LabelledText(_day(10), "negative", -0.9)] * 5 + [LabelledText(_day(10), "positive", 0.6)]
    spikes = detect_spike_days(daily_series(items), margin=0.2, z_threshold=3.0)
    assert [sp.point.day for sp in spikes] == [_day(10)]
    assert spikes[0].stats.median == pytest.approx(0.2)


def test_no_spike_without_enough_history_or_margin() -> None:
    short = [LabelledText(_day(d), "positive", 0.5) for d in range(2) for _ in range(5)]
    short += [LabelledText(_day(2), "negative", -0.9)] * 5
    assert detect_spike_days(daily_series(short), min_history_days=5) == []
    calm = [LabelledText(_day(d), "negative" if i == 0 else "positive", 0.0) for d in range(8) for i in range(5)]
    calm += [LabelledText(_day(8), "negative", -0.5)] * 2 + [LabelledText(_day(8), "positive", 0.5)] * 3
    # 40% negative against a 20% baseline: a rise of exactly the margin... but below margin 0.3.
    assert detect_spike_days(daily_series(calm), margin=0.3) == []
