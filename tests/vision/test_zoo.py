"""The style zoo protocol (tests/vision/zoo_eval.py), test-sized: the descriptor and the creator
score find each look, hard-edged flat graphics and blurred sunsets of the same colours stay
apart, and cutting feeds from 5 to 3 images does not move their creators down."""

from __future__ import annotations

import numpy as np
import pytest

from tests.vision.style_zoo import zoo_image
from tests.vision.zoo_eval import rank_by_best_of_subset, rank_by_best_three, run_zoo
from vision.embedders.style import StyleEmbedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report():
    return run_zoo(StyleEmbedder().embed_images, creators_per_look=8, distractors=21, queries_per_look=2)


def test_each_look_is_found_by_single_images_and_mood_boards(report):
    # Measured at this size (8 creators per look, so precision@8 needs every one of them):
    # v3 single 0.92 (worst 0.69), boards 0.975 (worst 0.88), MRR 0.975 / 1.0 (v2: 0.91, 0.97).
    single_mean, single_worst, single_mrr = report.summary("single")
    board_mean, board_worst, board_mrr = report.summary("board")
    assert single_mean >= 0.88 and single_worst >= 0.6, report.precision["single"]
    assert board_mean >= 0.95 and board_worst >= 0.85, report.precision["board"]
    assert single_mrr >= 0.95 and board_mrr == 1.0, report.mrr


def test_feed_size_does_not_move_creators(report):
    # The same held-out creators with 5 and with 3 images: median rank within 10 % (plus half a
    # rank: at this size the median moves in half steps). Measured (v3): 5.0 and 5.0.
    assert report.median_rank[3] <= 1.1 * report.median_rank[5] + 0.5, report.median_rank


def test_the_former_top_three_rule_favoured_larger_feeds():
    # Same protocol, former rule: the cut creators fall behind (what the feed score fixes).
    old = run_zoo(
        StyleEmbedder().embed_images,
        ranker=rank_by_best_three,
        looks=("bright_airy", "pastel_soft", "teal_orange", "vintage_fade"),
        creators_per_look=8,
        distractors=0,
        queries_per_look=2,
    )
    assert old.median_rank[3] > old.median_rank[5], old.median_rank
    assert rank_by_best_of_subset is not rank_by_best_three


def test_flat_graphics_and_blurred_sunsets_separate_better_than_with_v1():
    def separation(embedder: StyleEmbedder) -> float:
        """Share of (same-look, other-look) neighbour pairs that rank the same look first, per image."""
        vectors = embedder.embed_images(
            [zoo_image(look, seed=s) for look in ("flat_graphic", "sunset_blur") for s in range(12)]
        )
        looks = np.repeat([0, 1], 12)
        sims = vectors @ vectors.T
        shares = []
        for i in range(len(looks)):
            same = sims[i][(looks == looks[i]) & (np.arange(len(looks)) != i)]
            other = sims[i][looks != looks[i]]
            shares.append((same[:, None] > other[None, :]).mean())
        return float(np.mean(shares))

    # Measured: v1 0.85, v2 0.97, v3 0.96 (v3's colour aspects see both as warm; shape still decides).
    current, v1 = separation(StyleEmbedder()), separation(StyleEmbedder(version=1))
    assert current >= 0.93 and current > v1 + 0.05, (current, v1)
