"""The feed score (expected best of 3 random images) and its calibration, on hand-made numbers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vision.creator_scores import best_of_subset_weights, calibrate, expanded_query, feed_scores, rank_groups


def _expected_best_of_three(sims: list[float]) -> float:
    """Brute force: the mean, over every 3-image subset, of its best similarity."""
    return float(np.mean([max(c) for c in itertools.combinations(sims, 3)]))


FEEDS = [[0.9, 0.5, 0.1], [0.9, 0.8, 0.3, 0.2, 0.1], [0.7] * 4, [0.1, 0.95, 0.3, 0.6, 0.2, 0.4]]


@pytest.mark.parametrize("sims", FEEDS)
def test_feed_score_is_the_expected_best_of_three_random_images(sims):
    groups, scores, counts = feed_scores(np.array(sims), np.full(len(sims), 7))
    assert groups.tolist() == [7] and counts.tolist() == [len(sims)]
    assert scores[0] == pytest.approx(_expected_best_of_three(sims))


def test_weights_of_a_five_image_feed_and_of_small_feeds():
    assert best_of_subset_weights(np.arange(5), np.full(5, 5)).tolist() == pytest.approx([0.6, 0.3, 0.1, 0, 0])
    assert best_of_subset_weights(np.arange(2), np.full(2, 2)).tolist() == [1.0, 0.0]  # best image only
    groups, scores, _ = feed_scores(np.array([0.4, 0.8, 0.5]), np.array([1, 1, 2]))
    assert groups.tolist() == [1, 2] and scores.tolist() == pytest.approx([0.8, 0.5])


def test_a_feed_does_not_score_higher_for_having_more_images_of_the_same_look():
    # 2,000 feeds drawn from one distribution: 5-image feeds and 3-image feeds score alike on
    # average (the former "mean of the best 3" gave the 5-image feeds a clear lead).
    rng = np.random.default_rng(0)
    big = rng.normal(0.6, 0.1, size=(2000, 5))
    small = big[:, :3]
    groups = np.repeat(np.arange(2000), 5)
    _, big_scores, _ = feed_scores(big.ravel(), groups)
    _, small_scores, _ = feed_scores(small.ravel(), np.repeat(np.arange(2000), 3))
    assert abs(big_scores.mean() - small_scores.mean()) < 0.005
    old_big = np.sort(big, axis=1)[:, -3:].mean()
    assert old_big - small.mean() > 0.05  # what the former rule did


def test_duplicate_owners_rank_first_then_by_score():
    groups = np.array([10, 20, 30])
    scores = np.array([0.5, 0.9, 0.7])
    assert groups[rank_groups(groups, scores)].tolist() == [20, 30, 10]
    assert groups[rank_groups(groups, scores, first=[10, 99])].tolist() == [10, 20, 30]


def test_calibration_is_a_standard_score_and_percentile_against_the_reference():
    # Reference: 4 single-image feeds whose similarities to the query are 0, 0.2, 0.4, 0.6.
    query = np.array([1.0, 0.0])
    vectors = np.array([[0.0, 1.0], [0.2, 0.98], [0.4, 0.92], [0.6, 0.8]])
    calibration = calibrate(query, vectors, np.arange(4))
    assert calibration.mean == pytest.approx(0.3)
    assert calibration.std == pytest.approx(np.std([0, 0.2, 0.4, 0.6]))
    assert calibration.z(np.array([0.3, 0.3 + calibration.std])).tolist() == pytest.approx([0.0, 1.0])
    assert calibration.percentile(np.array([0.5, 0.7, -1.0])).tolist() == [75.0, 100.0, 0.0]


def test_creator_rows_finds_every_image_of_the_creators():
    from types import SimpleNamespace

    from vision.services.calibration import creator_rows, reset_calibration_cache

    reset_calibration_cache()
    creators = np.array([5, 3, 5, 9, 3, 3, 7])
    index = SimpleNamespace(embedder_id="x", version=1, count=7, creator_ids=creators)
    assert sorted(creator_rows(index, np.array([3, 7])).tolist()) == [1, 4, 5, 6]
    assert sorted(creator_rows(index, np.array([5, 4, 9])).tolist()) == [0, 2, 3]
    assert creator_rows(index, np.array([4])).tolist() == []


def test_a_widened_query_moves_toward_the_feed_and_stays_a_unit_vector():
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    feed = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    widened = expanded_query(query, feed)
    # query + feed mean = (1, 0.5, 0.5), normalised by sqrt(1.5)
    assert np.allclose(widened, np.array([1.0, 0.5, 0.5]) / np.sqrt(1.5), atol=1e-6)
    assert widened.dtype == np.float32
    assert np.array_equal(expanded_query(query, np.zeros((0, 3), dtype=np.float32)), query)
