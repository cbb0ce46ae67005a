"""Growth anomalies against the account's own trend (pure)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tests.words import en
from vetting.scoring.growth import growth_anomalies, growth_summary, round_package
from vetting.scoring.risk import growth_signals

START = dt.date(2026, 1, 1)


def days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def steady(n: int = 150, base: float = 80_000, per_day: float = 120, noise: float = 25, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.round(base + np.cumsum(rng.normal(per_day, noise, n)))


def test_steady_growth_has_no_anomaly():
    for seed in range(5):
        report = growth_anomalies(days(150), steady(seed=seed))
        assert report.available and report.anomalies == [], seed
    assert growth_signals(growth_anomalies(days(150), steady()))[0].risk == 0.0


def test_perfectly_linear_growth_has_no_anomaly():
    assert growth_anomalies(days(90), 10_000 + 50.0 * np.arange(90)).anomalies == []


def test_injected_jump_is_found_on_its_day():
    series = steady()
    series[97:] += 20_000
    report = growth_anomalies(days(150), series)
    jumps = [a for a in report.anomalies if a.kind == "jump"]
    assert [a.date for a in jumps] == [START + dt.timedelta(days=97)]
    jump = jumps[0]
    assert jump.round_package == 20_000
    assert "20,000" in en(jump.reason) and "robust standard deviations" in en(jump.reason)
    assert 19_000 < report.anomalous_gain < 21_000
    signal = growth_signals(report)[0]
    assert signal.risk >= 0.8 and signal.evidence[0]["date"] == jump.date.isoformat()


def test_non_round_jump_is_not_called_round():
    series = steady()
    series[60:] += 13_370
    jump = [a for a in growth_anomalies(days(150), series).anomalies if a.kind == "jump"][0]
    assert jump.round_package is None
    assert round_package(13_370, 50) is None and round_package(10_040, 50) == 10_000


def test_jump_followed_by_a_drop_is_a_purge():
    series = steady()
    series[50:] += 10_000
    series[58:] -= 4_000
    report = growth_anomalies(days(150), series)
    purge = [a for a in report.anomalies if a.kind == "purge"]
    assert len(purge) == 1
    assert purge[0].date == START + dt.timedelta(days=58)
    assert purge[0].related_date == START + dt.timedelta(days=50)
    assert report.purge_loss > 3_500


def test_decaying_viral_burst_is_not_a_bought_jump():
    series = steady()
    for k, extra in enumerate([9_000, 6_000, 3_000, 2_000]):
        series[70 + k :] += extra
    report = growth_anomalies(days(150), series)
    assert [a.kind for a in report.anomalies] == ["burst"]
    assert report.anomalous_gain == 0
    assert growth_signals(report)[0].risk == 0.0


def test_jump_after_a_viral_post_is_marked_possibly_organic():
    series = steady()
    series[40:] += 15_000
    day = START + dt.timedelta(days=40)
    plain = growth_anomalies(days(150), series)
    explained = growth_anomalies(days(150), series, viral_dates=[day - dt.timedelta(days=1)])
    jump = [a for a in explained.anomalies if a.kind == "jump"][0]
    assert jump.explained_by_post == day - dt.timedelta(days=1)
    assert growth_signals(explained)[0].risk < growth_signals(plain)[0].risk


def test_following_churn_waves_are_found():
    following = 400 + np.random.default_rng(2).integers(-2, 4, 150).cumsum().astype(float)
    for start in (20, 45, 70, 100):
        following[start : start + 6] += 2_500 * np.array([0.5, 1, 1, 0.6, 0.25, 0.05])
    report = growth_anomalies(days(150), steady(), following)
    churn = [a for a in report.anomalies if a.kind == "following_churn"]
    assert churn and all(a.related_date for a in churn)
    assert report.churn_bursts == 4
    assert growth_signals(report)[1].risk == 1.0


def test_short_history_is_unavailable_not_clean():
    report = growth_anomalies(days(5), [100, 110, 120, 130, 140])
    assert not report.available
    signal = growth_signals(report)[0]
    assert signal.risk is None and "snapshots" in en(signal.explanation)
    assert "unavailable" in en(growth_summary(report))


def test_gaps_spread_a_change_over_the_missing_days():
    dates = days(120)
    series = 50_000 + 100.0 * np.arange(120)
    keep = [i for i in range(120) if not 60 <= i < 67]  # a week without snapshots
    report = growth_anomalies([dates[i] for i in keep], series[keep])
    assert report.anomalies == [] and report.max_gap_days == 8


def test_the_summary_of_a_steady_history_is_the_one_made_anew():
    # Kept by number of snapshots (an int): a number of another type makes it anew, as its
    # message keeps the type it was given (True would be stored as true, not 1).
    from core.stored_json import stored_json
    from vetting import messages as m
    from vetting.scoring.growth import GrowthReport

    for n in (1, True, 30, np.int64(30), 30, 1):
        summary = growth_summary(GrowthReport(available=True, n_snapshots=n))
        expected = m.GROWTH_STEADY(n=n)
        assert summary == expected
        assert stored_json(summary) == stored_json(expected.as_dict())
        assert type(summary.params["n"]) is type(expected.params["n"])
