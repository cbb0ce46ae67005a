"""vetting.scoring.campaigns: actual figures of a booked creator, predictions times posts, the
error of each, the organisation's error per type and the ranges it re-sizes. Expected values
are worked out by hand in the comments."""

from __future__ import annotations

import math

import pytest

from vetting.scoring.campaigns import (
    MIN_OUTCOMES,
    PostFigures,
    actuals,
    calibrated_range,
    compare,
    prediction_error,
    predictions,
)


def test_feed_platform_actuals():
    posts = [
        PostFigures("instagram", likes=900, comments=100, reach=20_000),
        PostFigures("instagram", likes=400, comments=100, reach=10_000),
    ]
    result = actuals(posts, fee=1_500, followers=50_000)
    assert result["reach"] == 30_000 and result["reach_basis"] == "reach"
    assert result["engagements"] == 1_500
    # Instagram ER: (likes + comments) / (followers × posts) = 1,500 / 100,000
    assert result["er"] == pytest.approx(0.015)
    assert result["cpe"] == pytest.approx(1.0)  # 1,500 / 1,500
    assert result["cpm"] == pytest.approx(50.0)  # 1,500 / 30,000 × 1,000
    assert result["views"] is None and result["cpv"] is None


def test_video_platform_reach_falls_back_to_views_and_er_is_by_views():
    posts = [PostFigures("tiktok", likes=800, comments=100, views=40_000, shares=100)]
    result = actuals(posts, fee=400, followers=10_000)
    assert result["reach"] == 40_000 and result["reach_basis"] == "views"
    # TikTok ER counts shares: (800 + 100 + 100) / 40,000
    assert result["er"] == pytest.approx(0.025)
    assert result["engagements"] == 900  # the CPE count: likes + comments
    assert result["cpv"] == pytest.approx(0.01)


def test_xiaohongshu_counts_saves_and_a_missing_reach_is_unknown():
    posts = [
        PostFigures("xiaohongshu", likes=100, comments=10, saves=90, reach=5_000),
        PostFigures("xiaohongshu", likes=100, comments=10, saves=90),
    ]
    result = actuals(posts, fee=0, followers=None)
    assert result["engagements"] == 400 and result["reach"] is None and result["er"] is None
    assert result["cpe"] == 0.0


def test_predictions_scale_per_post_figures_by_the_posts():
    estimate = {
        "reach_per_post": [1_000, 3_000],
        "cost_per_post_usd": [100, 300],
        "cpm_usd": [33.3, 300],
        "cpe_usd": None,
        "engagements_per_post": 50,
    }
    predicted = predictions(estimate, er=0.02, posts=3)
    assert predicted["reach"] == (3_000, 9_000) and predicted["cost"] == (300, 900)
    assert predicted["engagements"] == (150, 150) and predicted["er"] == (0.02, 0.02)
    assert predicted["cpm"] == (33.3, 300) and "cpe" not in predicted


def test_compare_against_the_middle_of_the_range():
    rows = compare({"reach": (3_000, 9_000), "er": (0.02, 0.02)}, {"reach": 9_000, "er": 0.01})
    assert rows["reach"]["error"] == pytest.approx(0.5)  # 9,000 / 6,000 − 1
    assert rows["reach"]["within"] is True
    assert rows["er"]["error"] == pytest.approx(-0.5) and rows["er"]["within"] is None  # a point
    assert compare({"reach": (3_000, 9_000)}, {"reach": 10_000})["reach"]["within"] is False
    assert rows["reach"]["log_ratio"] == pytest.approx(math.log(1.5))
    unknown = compare({"reach": (1, 2)}, {"reach": None})["reach"]
    assert unknown["error"] is None and unknown["within"] is None


def test_prediction_error_and_the_range_it_gives():
    # reach came in at 2×, 2× and 0.5× the middle of the predictions
    comparisons = [
        compare({"reach": (50, 150)}, {"reach": 200}),
        compare({"reach": (50, 150)}, {"reach": 200}),
        compare({"reach": (50, 150)}, {"reach": 50}),
    ]
    error = prediction_error(comparisons)["reach"]
    assert error["n"] == 3
    assert error["bias"] == pytest.approx(1.0)  # median ratio 2 → +100 %
    assert error["median_abs_error"] == pytest.approx(1.0)  # |2 − 1|, |2 − 1|, |0.5 − 1| → median 1
    # |r − ln 2| = 0, 0, ln 4 → 80th percentile between 0 and ln 4 at 0.6 of the way
    assert error["spread"] == pytest.approx(0.6 * math.log(4))
    assert error["within_share"] == pytest.approx(1 / 3)
    low, high = calibrated_range(1_000, 3_000, error)
    centre = 2_000 * 2
    assert low == pytest.approx(centre * math.exp(-0.6 * math.log(4)))
    assert high == pytest.approx(centre * math.exp(0.6 * math.log(4)))


def test_a_good_track_record_narrows_the_range():
    comparisons = [compare({"cost": (500, 1_500)}, {"cost": v}) for v in (950, 1_000, 1_050, 1_000)]
    low, high = calibrated_range(500, 1_500, prediction_error(comparisons)["cost"])
    assert 900 < low < 1_000 < high < 1_100  # narrower than 500–1,500


def test_too_few_outcomes_change_nothing():
    comparisons = [compare({"reach": (50, 150)}, {"reach": 200})] * (MIN_OUTCOMES - 1)
    assert calibrated_range(1, 2, prediction_error(comparisons)["reach"]) is None
    assert prediction_error([])["cpe"]["n"] == 0
