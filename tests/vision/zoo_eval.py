"""The style-zoo protocol behind the numbers in docs/vision.md ("Measured on a synthetic zoo").

Creators whose feeds share one zoo look, the demo catalogue's styles as distractor creators, and
fresh images of each look as queries (single images and 3-image mood boards, the query vector
built as aesthetic search builds it). Measures, per look:

- precision@8: share of the 8 best-ranked creators that have the query's look;
- MRR: mean of 1 / rank of the first creator with the look;
- feed size: the median rank of the same held-out creators (half of each look's creators) when
  their feeds have `feed` images and when they are cut to 3 — a fair score ranks them alike.

The ranking rule is a parameter so the old rule ("mean of the 3 best images") can be measured
with the same protocol. Used by tests/vision/test_zoo.py (small) and bench/vision_bench.py zoo.
The zoo tests the code on looks we generated; it does not stand for real feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from influencers.services.demo.images import DEMO_STYLES, draw_style_image
from tests.vision.style_zoo import ZOO_STYLES, zoo_image
from vision.creator_scores import EXPAND_MIN_Z, calibrate, expanded_query, feed_scores, rank_groups

Embed = Callable[[Sequence[Image.Image]], np.ndarray]
# (query, vectors, creator of each vector) -> creator ids best first
Ranker = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
PRECISION_AT = 8


def rank_by_best_of_subset(query: np.ndarray, vectors: np.ndarray, creators: np.ndarray) -> np.ndarray:
    """The rule aesthetic search uses (vision.creator_scores: the expected best of 3)."""
    groups, scores, _ = feed_scores(vectors @ query, creators)
    return groups[rank_groups(groups, scores)]


def rank_with_expansion(query: np.ndarray, vectors: np.ndarray, creators: np.ndarray) -> np.ndarray:
    """What image queries use (vision.services.search): the expected best of 3, searched again
    with the query widened by the first pass's best feed."""
    groups, scores, _ = feed_scores(vectors @ query, creators)
    order = rank_groups(groups, scores)
    if calibrate(query, vectors, creators).z(scores[order[:1]])[0] < EXPAND_MIN_Z:
        return groups[order]
    return rank_by_best_of_subset(expanded_query(query, vectors[creators == groups[order[0]]]), vectors, creators)


def rank_by_best_three(query: np.ndarray, vectors: np.ndarray, creators: np.ndarray) -> np.ndarray:
    """The former rule: mean of each creator's 3 best image similarities."""
    sims = vectors @ query
    ids = np.unique(creators)
    scores = np.array([np.sort(sims[creators == c])[::-1][:3].mean() for c in ids])
    return ids[np.argsort(-scores, kind="stable")]


@dataclass
class ZooReport:
    """Per-look metrics of one protocol run."""

    precision: dict[str, dict[str, float]] = field(default_factory=dict)  # mode -> look -> p@8
    mrr: dict[str, dict[str, float]] = field(default_factory=dict)  # mode -> look -> MRR
    median_rank: dict[int, float] = field(default_factory=dict)  # feed size -> median rank of held-out creators

    def summary(self, mode: str) -> tuple[float, float, float]:
        """(mean precision@8, worst look's precision@8, mean MRR)."""
        p = list(self.precision[mode].values())
        return float(np.mean(p)), float(min(p)), float(np.mean(list(self.mrr[mode].values())))


def query_vector(embed: Embed, images: Sequence[Image.Image]) -> np.ndarray:
    """Normalised mean of the images' vectors, as vision.services.search.build_query_vector."""
    mean = embed(images).mean(axis=0)
    return mean / np.linalg.norm(mean)


def run_zoo(
    embed: Embed,
    *,
    ranker: Ranker = rank_by_best_of_subset,
    looks: Sequence[str] = ZOO_STYLES,
    creators_per_look: int = 10,
    feed: int = 5,
    distractors: int = 110,
    queries_per_look: int = 4,
    board: int = 3,
    size: int = 128,
) -> ZooReport:
    """Run the protocol (see the module docstring); deterministic for its arguments."""
    images, creators, look_of = [], [], {}
    creator = 0
    for look in looks:
        for c in range(creators_per_look):
            for i in range(feed):
                images.append(zoo_image(look, seed=10_000 + 100 * c + i, size=size))
                creators.append(creator)
            look_of[creator] = look
            creator += 1
    for d in range(distractors):
        style = DEMO_STYLES[d % len(DEMO_STYLES)]
        for i in range(feed):
            images.append(draw_style_image(style, seed=50_000 + 100 * d + i, size=size))
            creators.append(creator)
        look_of[creator] = f"demo:{style}"
        creator += 1
    vectors = embed(images)
    creators_arr = np.array(creators, dtype=np.int64)
    position = np.tile(np.arange(feed), len(look_of))  # image index within its feed

    report = ZooReport()
    ranks: dict[int, list[int]] = {feed: [], 3: []}
    for mode, per_query in (("single", 1), ("board", board)):
        report.precision[mode], report.mrr[mode] = {}, {}
        for look in looks:
            hits, reciprocal = [], []
            for q in range(queries_per_look):
                fresh = [zoo_image(look, seed=90_000 + 10 * q + j, size=size) for j in range(per_query)]
                query = query_vector(embed, fresh)
                ranked = ranker(query, vectors, creators_arr)
                same = np.array([look_of[int(c)] == look for c in ranked])
                hits.append(same[:PRECISION_AT].mean())
                reciprocal.append(1.0 / (1 + int(np.argmax(same))))
                if mode == "single":
                    held_out = [c for c, lk in look_of.items() if lk == look][: creators_per_look // 2]
                    for kept in (feed, 3):
                        cut = np.isin(creators_arr, held_out) & (position >= kept)
                        order = list(ranker(query, vectors[~cut], creators_arr[~cut]))
                        ranks[kept] += [1 + order.index(c) for c in held_out]
            report.precision[mode][look] = float(np.mean(hits))
            report.mrr[mode][look] = float(np.mean(reciprocal))
    report.median_rank = {kept: float(np.median(r)) for kept, r in ranks.items()}
    return report
