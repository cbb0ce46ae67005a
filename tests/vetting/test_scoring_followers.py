"""Fake-follower scorer: features, scorecard, reasons and audience types (pure, no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vetting.scoring import synthetic
from vetting.scoring.audience_quality import score_profiles
from vetting.scoring.calibration import fit_logistic, roc_auc, tpr_at_fpr
from vetting.scoring.followers import (
    FEATURE_INDEX,
    FollowerBatch,
    FollowerProfile,
    audience_types,
    batch_from_synthetic,
    feature_matrix,
    load_scorecard,
    reasons_for,
    score_batch,
)


def empty_mass_follower(i: int) -> FollowerProfile:
    return FollowerProfile(
        username=f"user{48213 + i * 7919}",
        full_name="",
        biography="",
        followers_count=i % 15,
        following_count=2_000 + (i * 37) % 5_000,
        media_count=0,
        has_profile_pic=False,
        is_private=False,
        is_verified=False,
        external_url="",
    )


def genuine(i: int) -> FollowerProfile:
    names = ["anna", "luca", "marie", "jonas", "chiara", "wei", "sofia", "noah", "lena", "marco"]
    name = names[i % len(names)]
    return FollowerProfile(
        username=f"{name}.{['meier', 'rossi', 'dubois', 'keller'][i % 4]}",
        full_name=f"{name.title()} Example",
        biography="coffee, mountains, photos" if i % 3 else "",
        followers_count=150 + (i * 53) % 900,
        following_count=200 + (i * 31) % 600,
        media_count=20 + (i * 17) % 300,
        has_profile_pic=True,
        is_private=bool(i % 2),
        is_verified=False,
        external_url="",
    )


def test_empty_mass_following_sample_gets_a_high_fake_share():
    rows, quality = score_profiles([empty_mass_follower(i) for i in range(200)])
    assert quality.n == 200
    assert quality.fake_share is not None and quality.fake_share >= 0.9
    assert quality.interval[0] >= 0.8
    assert all(r["fake_probability"] > 0.9 for r in rows)
    assert quality.audience_types["mass_follower"] == pytest.approx(1.0)


def test_genuine_sample_gets_a_low_fake_share():
    rows, quality = score_profiles([genuine(i) for i in range(200)])
    assert quality.fake_share is not None and quality.fake_share <= 0.05
    assert max(r["fake_probability"] for r in rows) < 0.5


@pytest.mark.parametrize(
    "field",
    ["has_profile_pic", "followers_count", "following_count", "media_count", "biography", "full_name", "username"],
)
def test_unknown_field_never_reads_as_its_fake_value(field):
    fake_values = {
        "has_profile_pic": False,
        "followers_count": 0,
        "following_count": 7_500,
        "media_count": 0,
        "biography": "",
        "full_name": "",
        "username": "xq7r2k99871234",
    }
    base = genuine(1)
    known = FollowerProfile(**{**base.__dict__, field: fake_values[field]})
    unknown = FollowerProfile(**{**base.__dict__, field: None})
    batch = FollowerBatch.from_profiles([known, unknown], blank_columns_unknown=False)
    p_known, p_unknown = score_batch(batch).probability
    assert p_unknown < p_known


def test_unknown_fields_lower_confidence_not_raise_probability():
    nothing = FollowerProfile()
    counts_only = FollowerProfile(followers_count=300, following_count=350, media_count=40)
    everything = genuine(2)
    batch = FollowerBatch.from_profiles([nothing, counts_only, everything], blank_columns_unknown=False)
    scores = score_batch(batch)
    assert scores.confidence[0] == 0.0
    assert 0 < scores.confidence[1] < scores.confidence[2] <= 1.0
    assert scores.probability[0] <= load_scorecard().base_rate
    rows, quality = score_profiles([nothing] * 30)
    assert quality.n == 0 and quality.fake_share is None
    assert "too little profile data" in rows[0]["reasons"][0]


def test_blank_text_column_in_a_large_sample_is_read_as_not_collected():
    profiles = [FollowerProfile(**{**genuine(i).__dict__, "biography": ""}) for i in range(25)]
    batch = FollowerBatch.from_profiles(profiles)
    assert batch.biography == [None] * 25
    small = FollowerBatch.from_profiles(profiles[:5])
    assert small.biography == [""] * 5


def test_reasons_cite_the_numbers():
    profile = FollowerProfile(
        username="andre003143", followers_count=5, following_count=3_200, media_count=0, has_profile_pic=False
    )
    batch = FollowerBatch.from_profiles([profile])
    reasons = reasons_for(batch, score_batch(batch), 0)
    text = "; ".join(reasons)
    assert "no profile picture" in text
    assert "3,200" in text
    assert "unknown: full_name" in text


def test_verified_account_is_read_as_real():
    base = {**empty_mass_follower(3).__dict__, "has_profile_pic": True, "media_count": 40}
    batch = FollowerBatch.from_profiles(
        [FollowerProfile(**{**base, "is_verified": True}), FollowerProfile(**{**base, "is_verified": False})],
        blank_columns_unknown=False,
    )
    p_verified, p_plain = score_batch(batch).probability
    assert p_verified < p_plain


def test_audience_types_follow_hypeauditor_priority():
    profiles = [
        FollowerProfile(
            username="a", followers_count=9_000, following_count=2_000, media_count=50, has_profile_pic=True
        ),
        FollowerProfile(username="b", followers_count=9_000, following_count=300, media_count=50, has_profile_pic=True),
        empty_mass_follower(1).__class__(**{**empty_mass_follower(1).__dict__, "following_count": 900}),
        genuine(4),
        FollowerProfile(),
    ]
    batch = FollowerBatch.from_profiles(profiles, blank_columns_unknown=False)
    probability = np.array([0.9, 0.9, 0.9, 0.1, 0.9])  # as calibrated for an audience
    assert audience_types(batch, score_batch(batch), probability) == [
        "mass_follower",
        "influencer",
        "suspicious",
        "real",
        "unknown",
    ]


def test_committed_scorecard_separates_a_fresh_synthetic_set():
    fresh = synthetic.generate(3_000, fake_share=0.5, seed=424242)
    scores = score_batch(batch_from_synthetic(fresh))
    assert roc_auc(scores.probability, fresh.is_fake) > 0.95
    assert tpr_at_fpr(scores.probability, fresh.is_fake, 0.05)[0] > 0.75


def test_scorecard_weights_follow_the_literature_signs():
    card = load_scorecard()
    weights = card.meta["weights"]
    for feature in ("no_profile_pic", "few_posts", "following_volume", "username_digit_share", "empty_bio"):
        assert weights[feature] > 0, feature
    for feature in ("verified", "has_external_url", "followers_over_following"):
        assert weights[feature] < 0, feature
    assert max(abs(w) * 1.5 for w in weights.values()) < 12  # no single feature dominates


def test_fit_logistic_recovers_known_weights_and_respects_bounds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6_000, 3))
    true = np.array([1.5, -0.8, 0.0])
    y = (rng.random(6_000) < 1 / (1 + np.exp(-(0.3 + X @ true)))).astype(float)
    intercept, w = fit_logistic(X, y, np.array([0.0, -5, -5]), np.array([5.0, 5, 5]), l2=0.0)
    assert intercept == pytest.approx(0.3, abs=0.12)
    assert w[:2] == pytest.approx(true[:2], abs=0.12)
    _, w_bounded = fit_logistic(X, y, np.array([0.0, 0.0, -5]), np.array([1.0, 5, 5]), l2=0.0)
    assert w_bounded[0] == pytest.approx(1.0) and w_bounded[1] == 0.0


def test_roc_auc_handles_ties_and_known_cases():
    assert roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == pytest.approx(0.75)
    assert roc_auc(np.array([0.5, 0.5]), np.array([0, 1])) == pytest.approx(0.5)
    assert math.isnan(roc_auc(np.array([0.5]), np.array([1])))


def test_synthetic_generator_is_reproducible_and_labelled():
    a = synthetic.generate(500, fake_share=0.2, seed=5)
    b = synthetic.generate(500, fake_share=0.2, seed=5)
    assert a.username == b.username and np.array_equal(a.followers_count, b.followers_count)
    assert a.is_fake.sum() == 100
    assert (a.following_count <= synthetic.FOLLOWING_CAP).all()


def test_following_over_twice_followers_starts_at_two_to_one_and_needs_both_counts():
    profiles = [
        FollowerProfile(followers_count=100, following_count=150),
        FollowerProfile(followers_count=100, following_count=1_000),
        FollowerProfile(followers_count=None, following_count=1_000),
        FollowerProfile(followers_count=0, following_count=7_500),
    ]
    X, K = feature_matrix(FollowerBatch.from_profiles(profiles, blank_columns_unknown=False))
    j = FEATURE_INDEX["following_over_twice_followers"]
    assert X[0, j] == 0.0 and K[0, j]
    # log10(1001 / 101) − log10(2) = 0.99612 − 0.30103
    assert X[1, j] == pytest.approx(0.69509, abs=1e-4)
    assert X[2, j] == 0.0 and not K[2, j]
    assert X[3, j] == pytest.approx(3.0 - math.log10(2.0))  # capped like the 1:1 ratio term


def test_the_two_ratio_terms_give_one_reason():
    profile = FollowerProfile(followers_count=5, following_count=3_200, media_count=0, has_profile_pic=False)
    batch = FollowerBatch.from_profiles([profile])
    reasons = reasons_for(batch, score_batch(batch), 0)
    assert sum("follows 3,200 accounts, followed by 5" in r for r in reasons) == 1
