"""The audience-overlap estimator (vetting/scoring/overlap.py, pure): exact when the samples are
whole audiences, the scaling of shared sampled followers, intervals that widen as samples shrink,
no point estimate where samples cannot tell, and unique reach with bounds that hold."""

from __future__ import annotations

import numpy as np
import pytest

from vetting.scoring.overlap import (
    Audience,
    binomial_cdf,
    count_interval,
    horvitz_thompson_union,
    normalise_identity,
    pair_overlap,
    unique_reach,
)


def names(ids) -> list[str]:
    return [f"user{i}" for i in ids]


def test_identities_are_matched_without_case_at_signs_or_width():
    assert normalise_identity("@Lin.Mei ") == normalise_identity("lin.mei") == normalise_identity("ｌｉｎ.ｍｅｉ")
    audience = Audience.of("a", 10, ["@Anna", "anna", "", "Ben"])
    assert audience.sample == frozenset({"anna", "ben"})


def test_a_stale_follower_count_below_the_sample_is_raised_to_it():
    assert Audience.of("a", 2, names(range(5))).followers == 5


def test_whole_audiences_give_the_exact_overlap():
    a = Audience.of("a", 100, names(range(100)))
    b = Audience.of("b", 100, names(range(50, 150)))
    pair = pair_overlap(a, b)
    assert pair.shared_in_sample == 50
    assert pair.overlap_share == 0.5 and pair.interval == (0.5, 0.5)
    reach = unique_reach([a, b])
    assert reach.estimate == 150 and reach.interval == (150.0, 150.0)


def test_shared_sampled_followers_are_scaled_by_both_sampling_fractions():
    # A: 1,000 followers, 100 sampled (p = 0.1); B: 2,000, 400 sampled (p = 0.2); 5 shared in the
    # samples → 5 / (0.1 × 0.2) = 250 common followers, a quarter of A.
    a = Audience.of("a", 1_000, names(range(100)))
    b = Audience.of("b", 2_000, names([*range(5), *range(1_000, 1_395)]))
    pair = pair_overlap(a, b)
    assert pair.shared_in_sample == 5 and pair.sample_sizes == (100, 400)
    assert pair.shared_followers == pytest.approx(250)
    assert pair.overlap_share == pytest.approx(0.25)
    assert pair.interval[0] < 0.25 < pair.interval[1]


def test_binomial_cdf_matches_hand_values():
    assert binomial_cdf(3, 10, 0.5) == pytest.approx(176 / 1024)
    assert binomial_cdf(0, 1_000_000, 2e-6) == pytest.approx(np.exp(-2), rel=1e-5)
    assert binomial_cdf(10, 10, 0.3) == 1.0 and binomial_cdf(-1, 10, 0.3) == 0.0


def test_with_nothing_shared_the_upper_bound_is_where_zero_becomes_unlikely():
    # 0.96^M > 0.025 ⇔ M < ln 0.025 / ln 0.96 = 90.4
    assert count_interval(0, 0.04, 5_000) == (0, 90)
    # the bound never exceeds the smaller audience
    assert count_interval(0, 1e-6, 5_000) == (0, 5_000)


def test_the_interval_widens_as_samples_shrink():
    a_ids, b_ids = range(0, 10_000), range(7_000, 17_000)  # 3,000 shared: 30 %
    rng = np.random.default_rng(3)
    widths = []
    for n in (4_000, 1_500, 600):
        a = Audience.of("a", 10_000, names(rng.choice(list(a_ids), n, replace=False)))
        b = Audience.of("b", 10_000, names(rng.choice(list(b_ids), n, replace=False)))
        low, high = pair_overlap(a, b).interval
        widths.append(high - low)
    assert widths == sorted(widths) and widths[0] < widths[-1] / 2


def test_samples_too_small_to_see_any_overlap_give_no_point_estimate():
    a = Audience.of("a", 100_000, names(range(150)))
    b = Audience.of("b", 100_000, names(range(10**6, 10**6 + 150)))
    pair = pair_overlap(a, b)
    assert pair.informative is False and pair.overlap_share is None and pair.shared_followers is None
    assert pair.detectable_share is None
    assert pair.interval[0] == 0 and pair.interval[1] > 0.9  # anything is possible


def test_the_estimate_is_unbiased_and_the_interval_covers_on_random_samples():
    rng = np.random.default_rng(11)
    truth, errors, covered = 0.3, [], 0
    a_ids, b_ids = np.arange(2_000), np.arange(1_400, 3_400)  # 600 of 2,000 shared
    for _ in range(200):
        a = Audience.of("a", 2_000, names(rng.choice(a_ids, 300, replace=False)))
        b = Audience.of("b", 2_000, names(rng.choice(b_ids, 300, replace=False)))
        pair = pair_overlap(a, b)
        errors.append(pair.overlap_share - truth)
        covered += pair.interval[0] <= truth <= pair.interval[1]
    assert abs(np.mean(errors)) < 0.03
    assert covered / 200 >= 0.9


def test_horvitz_thompson_union_is_unbiased():
    rng = np.random.default_rng(5)
    sets = [np.arange(0, 3_000), np.arange(2_000, 5_000), np.arange(2_500, 4_000)]
    truth = len(np.unique(np.concatenate(sets)))  # 5,000
    estimates = [
        horvitz_thompson_union(
            [
                Audience.of(i, len(ids), names(rng.choice(ids, len(ids) // 3, replace=False)))
                for i, ids in enumerate(sets)
            ]
        )
        for _ in range(300)
    ]
    assert abs(np.mean(estimates) - truth) / truth < 0.02


def test_unique_reach_bounds_hold_and_a_single_account_is_exact():
    one = Audience.of("a", 5_000, names(range(100)))
    assert unique_reach([one]).interval == (5_000.0, 5_000.0)
    rng = np.random.default_rng(8)
    sets = [np.arange(0, 20_000), np.arange(10_000, 40_000), np.arange(15_000, 25_000)]
    truth = 40_000
    reach = unique_reach(
        [Audience.of(i, len(ids), names(rng.choice(ids, 2_000, replace=False))) for i, ids in enumerate(sets)]
    )
    low, high = reach.interval
    assert 30_000 <= low <= truth <= high <= 60_000  # between the largest audience and the sum
    assert low <= reach.estimate <= high
    assert len(reach.pairs) == 3


def test_samples_sharing_more_than_identical_audiences_could_are_flagged_not_believed():
    # 4 shared between 156 sampled followers of a 564,798-follower account and 190 of a
    # 3,845-follower one: even if all 3,845 followed the bigger account, 0.05 shared would be
    # expected and P(X ≥ 4) ≈ 3·10⁻⁷ — the counts or the samples are wrong
    big = Audience.of("big", 564_798, names(range(156)))
    small = Audience.of("small", 3_845, names([*range(4), *range(10_000, 10_186)]))
    pair = pair_overlap(big, small)
    assert pair.shared_in_sample == 4
    assert pair.consistent is False and pair.informative is False and pair.overlap_share is None
    assert pair.interval == (0.0, 1.0)
    # and the unique reach takes no constraint from it: anything from the bigger to the sum
    reach = unique_reach([big, small])
    assert reach.interval == (564_798.0, 564_798.0 + 3_845.0)


def test_a_plausible_shared_follower_is_not_a_contradiction():
    a = Audience.of("a", 2_000, names(range(200)))
    b = Audience.of("b", 2_000, names([0, *range(5_000, 5_199)]))
    assert pair_overlap(a, b).consistent is True
