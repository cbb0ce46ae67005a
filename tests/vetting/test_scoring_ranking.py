"""Vectorised ranking: filters, weights, determinism, missing data (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InputError
from vetting.scoring.ranking import DEFAULT_WEIGHTS, Candidates, explain_row, rank, rank_groups

PLATFORMS = ["instagram", "tiktok", "xiaohongshu"]
COUNTRIES = ["CN", "TW", "US"]
LANGS = ["zh", "en"]


def candidates(**overrides) -> Candidates:
    n = 6
    data = {
        "ids": np.array([10, 11, 12, 13, 14, 15]),
        "platform": np.array([0, 0, 1, 2, 0, 2]),
        "followers": np.array([5e3, 5e4, 2e5, 8e4, 1.2e6, 3e4]),
        "country": np.array([0, 1, 2, 0, 0, -1]),
        "languages": np.array([1, 3, 2, 1, 1, 1], dtype=np.int64),
        "risk": np.array([0.1, 0.2, 0.05, 0.7, 0.1, np.nan]),
        "risk_confidence": np.ones(n),
        "audience_fit": np.array([0.9, 0.6, 0.8, 0.9, 0.4, 0.7]),
        "fit_confidence": np.ones(n),
        "value_alignment": np.array([0.7, 0.6, 0.2, 0.8, 0.5, 0.6]),
        "engagement": np.array([0.7, 0.6, 0.5, 0.9, 0.3, np.nan]),
    }
    data.update(overrides)
    return Candidates(**data, platform_names=PLATFORMS, country_names=COUNTRIES, language_names=LANGS)


def ranked_ids(page, c) -> list[int]:
    return [int(c.ids[i]) for i in page.indices]


def test_composite_is_the_weighted_mean_of_the_parts():
    c = candidates()
    page = rank(c)
    row = list(page.indices).index(0)
    parts = explain_row(page, row)
    expected = (0.35 * 0.9 + 0.30 * 0.9 + 0.20 * 0.7 + 0.15 * 0.7) / sum(DEFAULT_WEIGHTS.values())
    assert page.composite[row] == pytest.approx(expected)
    assert sum(p["contribution"] for p in parts.values()) == pytest.approx(expected, abs=1e-3)
    assert list(page.composite) == sorted(page.composite, reverse=True)


def test_hard_filters():
    c = candidates()
    page = rank(
        c,
        filters={
            "platforms": ["instagram", "xiaohongshu"],
            "min_followers": 10_000,
            "max_followers": 1e6,
            "countries": ["CN", "TW"],
            "languages": ["zh"],
            "max_risk": 0.5,
        },
    )
    assert ranked_ids(page, c) == [11]
    assert page.total == 1
    unvetted = rank(c, filters={"max_risk": 0.5, "include_unvetted": True})
    assert 15 in ranked_ids(unvetted, c) and 13 not in ranked_ids(unvetted, c)
    assert 15 not in ranked_ids(rank(c, filters={"max_risk": 0.5}), c)


def test_an_account_without_metrics_is_outside_any_follower_range():
    c = candidates(followers=np.array([5e3, np.nan, 2e5, 8e4, np.nan, 3e4]))
    assert set(ranked_ids(rank(c, filters={"max_followers": 1e5}), c)) == {10, 13, 15}
    assert 11 not in ranked_ids(rank(c, filters={"min_followers": -5}), c)
    assert {11, 14} <= set(ranked_ids(rank(c), c))  # no follower filter: listed


def test_weights_are_overridable_per_request():
    c = candidates()
    by_alignment = rank(c, weights={"audience_fit": 0, "authenticity": 0, "engagement": 0, "value_alignment": 1})
    assert ranked_ids(by_alignment, c)[0] == 13
    by_authenticity = rank(c, weights={"audience_fit": 0, "authenticity": 1, "engagement": 0, "value_alignment": 0})
    assert ranked_ids(by_authenticity, c)[0] == 12


def test_bad_weights_and_filters_are_input_errors():
    c = candidates()
    with pytest.raises(InputError, match="unknown weight"):
        rank(c, weights={"charisma": 1})
    with pytest.raises(InputError, match="non-negative"):
        rank(c, weights={"audience_fit": -1})
    with pytest.raises(InputError, match="positive"):
        rank(c, weights=dict.fromkeys(DEFAULT_WEIGHTS, 0))
    with pytest.raises(InputError, match="unknown filter"):
        rank(c, filters={"colour": "red"})
    with pytest.raises(InputError, match="min_followers"):
        rank(c, filters={"min_followers": "lots"})


def test_ties_are_broken_by_id_and_pages_do_not_overlap():
    n = 50
    c = candidates(
        ids=np.arange(100, 100 + n)[::-1].copy(),
        platform=np.zeros(n, dtype=int),
        followers=np.full(n, 1e4),
        country=np.zeros(n, dtype=int),
        languages=np.ones(n, dtype=np.int64),
        risk=np.full(n, 0.2),
        risk_confidence=np.ones(n),
        audience_fit=np.full(n, 0.5),
        fit_confidence=np.ones(n),
        value_alignment=np.full(n, 0.5),
        engagement=np.full(n, 0.5),
    )
    first = rank(c, limit=20)
    second = rank(c, limit=20, offset=20)
    assert ranked_ids(first, c) == list(range(100, 120))
    assert ranked_ids(second, c) == list(range(120, 140))
    assert ranked_ids(rank(c, limit=20), c) == ranked_ids(first, c)


def test_missing_parts_are_neutral_and_flagged():
    c = candidates()
    page = rank(c)
    row = list(page.indices).index(5)
    parts = explain_row(page, row)
    assert parts["authenticity"] == {"value": 0.5, "weight": 0.30, "contribution": pytest.approx(0.15), "known": False}
    assert parts["engagement"]["known"] is False
    low_conf = rank(candidates(risk_confidence=np.full(6, 0.2)))
    high_conf = rank(candidates())
    r_low = explain_row(low_conf, list(low_conf.indices).index(2))["authenticity"]["value"]
    r_high = explain_row(high_conf, list(high_conf.indices).index(2))["authenticity"]["value"]
    assert 0.5 < r_low < r_high  # an unconfirmed clean score counts less than a confirmed one


@pytest.mark.parametrize("wanted", [0, 1, 50, 300, 2_000, 5_000])
def test_rank_groups_is_the_start_of_the_full_order_with_enough_groups(wanted):
    # Coarse scores (many ties, also at any cut) and groups of one to five candidates.
    rng = np.random.default_rng(7)
    n = 3_000
    c = candidates(
        ids=rng.permutation(n) + 1_000,
        platform=rng.integers(0, 3, n),
        followers=np.full(n, 1e4),
        country=np.zeros(n, dtype=int),
        languages=np.ones(n, dtype=np.int64),
        risk=rng.choice([0.1, 0.5, np.nan], n),
        risk_confidence=np.ones(n),
        audience_fit=rng.choice([0.2, 0.6, 1.0], n),
        fit_confidence=np.ones(n),
        value_alignment=rng.choice([0.0, 0.5], n),
        engagement=np.full(n, 0.5),
    )
    group = rng.integers(0, 900, n)
    filters = {"platforms": ["instagram", "tiktok"]}
    full = rank(c, filters=filters, limit=n)
    got, total = rank_groups(c, group, 900, wanted, filters=filters)
    start = len(got.indices)
    assert got.indices.tolist() == full.indices[:start].tolist()
    assert got.composite.tolist() == full.composite[:start].tolist()
    assert len(set(group[got.indices].tolist())) >= wanted or start == len(full.indices)
    assert total == len(set(group[full.indices].tolist()))


def _skewed_sample(rng, n):
    """High values exactly where a stride of 50 samples: the sample's bound holds too few values."""
    values = rng.random(n) * 0.5
    values[::50][:40] = 2.0
    return values


@pytest.mark.parametrize(
    "make",
    [
        lambda rng, n: rng.random(n),
        lambda rng, n: np.round(rng.random(n), 2),  # many ties at every cut
        lambda rng, n: np.where(rng.random(n) < 0.999, 0.5, rng.random(n)),  # nearly all equal
        lambda rng, n: np.sort(rng.random(n)),  # the sample strides over an ordered column
        _skewed_sample,
    ],
)
def test_the_cut_from_a_sample_keeps_exactly_the_values_at_or_above_the_size_th_highest(make, monkeypatch):
    from vetting.scoring import ranking

    monkeypatch.setattr(ranking, "SAMPLED_CUT_FROM", 1_000)
    monkeypatch.setattr(ranking, "SAMPLE", 1_000)  # a stride of 50 over 50,000 values
    values = make(np.random.default_rng(7), 50_000)
    for size in (1, 37, 256, 700):
        cut = np.sort(values)[::-1][size - 1]
        assert np.array_equal(ranking.at_or_above_cut(values, size), np.flatnonzero(values >= cut))


def test_rank_groups_without_narrowing_filters_is_the_start_of_the_full_order():
    c = candidates()
    group = np.array([0, 1, 1, 2, 3, 3])
    everyone, total = rank_groups(c, group, 4, 3)
    full = rank(c, limit=6)
    assert total == 4
    assert list(everyone.indices) == list(full.indices[: len(everyone.indices)])
    narrowed, narrowed_total = rank_groups(c, group, 4, 3, filters={"platforms": ["instagram"]})
    assert narrowed_total == 3 and set(narrowed.indices) <= {0, 1, 4}


def test_the_cut_over_a_large_catalogue_partitions_a_sample_not_every_value(monkeypatch):
    """At 20k-130k values (a 100k-creator catalogue) the cut is found from a strided sample of
    at most SAMPLE values, then the few values above its bound: never a partition of all."""
    from vetting.scoring import ranking

    partitioned: list[int] = []
    real = np.partition

    def partition(values, kth):
        partitioned.append(len(values))
        return real(values, kth)

    monkeypatch.setattr(ranking.np, "partition", partition)
    for n in (20_000, 110_009):
        values = np.random.default_rng(n).random(n)
        partitioned.clear()
        got = ranking.at_or_above_cut(values, 256)
        assert np.array_equal(got, np.flatnonzero(values >= np.sort(values)[::-1][255]))
        assert partitioned and max(partitioned) <= ranking.SAMPLE, (n, partitioned)


def test_few_codes_filter_as_isin_does_including_unknown_ones():
    c = candidates(country=np.array([0, 1, 2, -1, 0, -1]), platform=np.array([0, 1, 2, 0, 1, 2]))
    from vetting.scoring.ranking import filter_mask

    assert filter_mask(c, {"countries": ["cn", "us"]}).tolist() == [True, False, True, False, True, False]
    assert filter_mask(c, {"platforms": ["tiktok"]}).tolist() == [False, True, False, False, True, False]
    assert not filter_mask(c, {"countries": ["FR"]}).any()  # a code the candidates lack: none pass


def test_a_follower_range_leaves_out_accounts_without_metrics():
    c = candidates(followers=np.array([5e3, np.nan, 2e5, np.nan, 1e4, 3e4]))
    from vetting.scoring.ranking import filter_mask

    assert filter_mask(c, {"min_followers": 0}).tolist() == [True, False, True, False, True, True]
    assert filter_mask(c, {"max_followers": 1e4}).tolist() == [True, False, False, False, True, False]


def test_rank_groups_counts_the_passing_groups_through_the_callers_keeper():
    c = candidates()
    group = np.array([0, 1, 1, 2, 3, 3])
    asked: list[int] = []

    def keeper(count):
        asked.append(count())
        return 99  # the kept number is the one returned

    page, total = rank_groups(c, group, 4, 3, filters={"platforms": ["instagram"]}, total=keeper)
    assert asked == [3] and total == 99 == page.total


def test_rankings_in_one_thread_keep_their_own_scores():
    """The composite is computed in a scratch array the next ranking of the thread reuses: a
    page keeps copies of its rows' scores, never views of it."""
    c = candidates()
    group = np.arange(6)
    first, _ = rank_groups(c, group, 6, 6, weights={"engagement": 5.0})
    scores = first.composite.tolist()
    parts = {name: values.tolist() for name, values in first.parts.items()}
    rank_groups(c, group, 6, 6, weights={"audience_fit": 5.0, "engagement": 0.0})
    assert first.composite.tolist() == scores
    assert {name: values.tolist() for name, values in first.parts.items()} == parts


def test_explain_rows_is_explain_row_of_each_row():
    from vetting.scoring.ranking import explain_rows

    c = candidates()
    page = rank(c, weights={"engagement": 0.7}, limit=6)
    rows = [3, 0, 5]
    got = explain_rows(page, np.array(rows))
    assert got == [explain_row(page, row) for row in rows]
    assert all(type(part["value"]) is float and type(part["known"]) is bool for row in got for part in row.values())
    assert explain_rows(page, np.array([], dtype=np.int64)) == []
