"""Pure scoring of feeds (creators or accounts) against a query vector, and its calibration.

**Feed score: the expected best of 3.** A feed's score for a query q is the expected highest
cosine to q among SUBSET (3) images drawn at random from the feed. For a feed of n ≥ 3 images
sorted best first, the i-th best image counts with weight C(n − i, 2) / C(n, 3) (the chance that
it is the best of a random three): all of a 3-image feed's weight is on its best image; a 5-image
feed's is 0.6 / 0.3 / 0.1 on its best three. Being an average over the feed's subsets of a fixed
size, the score estimates the same quantity whatever the feed's size — the former rule ("mean
of the 3 best images") judged a 5-image feed on its best 3 of 5 and a 3-image feed on all 3,
so feeds rose with their size. Still max-like, it rewards a feed that matches most of the time
over one whose every image is half-way (measured on the style zoo: docs/vision.md). A feed of
fewer than SUBSET images is scored on its best image and flagged `small_feed`.

**Calibration.** Raw cosines of one embedder share a high baseline (the style descriptor's
unrelated feeds score ~0.4–0.9 depending on the query) and differ between embedders, so a raw
number means nothing on its own. The calibrated score is the feed's standard score against the
catalogue for the same query: z = (s − mean) / std over a fixed sample of the catalogue's feeds
scored the same way. 0 = as similar as a typical catalogue feed, 2 = well above (about the top
2–3 % for a normal spread); the same meaning for every embedder and query. `percentile` is the
share of the sample scoring below.

**Query expansion (image queries).** A search by example images runs twice: the first pass finds
the best-scoring feed, and the second searches with the query plus that feed's mean image vector
(pseudo-relevance feedback at the feed level, as average query expansion does with the nearest
images): one example image is a noisy sample of a look, a feed of that look is a steadier one.
Widening toward a wrong feed entrenches the mistake, so it happens only when that feed stands
out from the catalogue (calibrated z ≥ EXPAND_MIN_Z), and the result names it (`expanded_with`).
Measured on the style zoo (docs/vision.md, with how the threshold was chosen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SUBSET = 3  # images per random draw in the feed score; also the smallest feed judged as a look
REFERENCE_FEEDS = 1_000  # catalogue feeds sampled for the calibration (percentiles to 0.1 %)
REFERENCE_IMAGES = 5_000  # ... and at most this many of their images (a query scores them all: ~5 ms)
# The first pass's best feed widens an image query only when it stands out this far (z).
EXPAND_MIN_Z = 2.5
# A query that matches every feed almost equally (spread below this) has no meaningful z.
MIN_SPREAD = 1e-4


def best_of_subset_weights(rank: np.ndarray, size: np.ndarray, m: int = SUBSET) -> np.ndarray:
    """Weight of the image of (0-based) `rank` in a feed of `size` images: the chance that it is
    the best of m images drawn at random, C(size − 1 − rank, m − 1) / C(size, m); a feed smaller
    than m puts all its weight on its best image."""
    rank = np.asarray(rank, dtype=np.float64)
    size = np.asarray(size, dtype=np.float64)
    below = size - 1 - rank  # images ranked below this one
    numerator = np.ones_like(below)
    denominator = np.ones_like(size)
    for j in range(m - 1):
        numerator *= np.clip(below - j, 0, None)
    for j in range(m):
        denominator *= size - j
    # C(a, m-1) / C(n, m) = [a!/(a-m+1)!/(m-1)!] / [n!/(n-m)!/m!] = m · (falling a, m-1) / (falling n, m)
    weights = np.where(size >= m, m * numerator / np.where(size >= m, denominator, 1.0), 0.0)
    return np.where(size < m, (rank == 0).astype(np.float64), weights)


def feed_scores(sims: np.ndarray, groups: np.ndarray, m: int = SUBSET) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every feed from the similarities of all its images (`groups` names each image's
    feed). Returns (unique groups sorted, scores, image counts). Vectorised: one sort."""
    sims = np.asarray(sims, dtype=np.float64)
    groups = np.asarray(groups)
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64)
    order = np.lexsort((-sims, groups))
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    counts = np.diff(np.r_[starts, len(g)])
    rank = np.arange(len(g)) - np.repeat(starts, counts)
    weights = best_of_subset_weights(rank, np.repeat(counts, counts), m)
    slot = np.repeat(np.arange(len(starts)), counts)
    scores = np.bincount(slot, weights=weights * sims[order], minlength=len(starts))
    return g[starts], scores, counts


def expanded_query(query: np.ndarray, feed_vectors: np.ndarray) -> np.ndarray:
    """The query moved toward a feed: normalise(query + mean of the feed's unit image vectors)."""
    if len(feed_vectors) == 0:
        return query
    moved = np.asarray(query, dtype=np.float64) + np.asarray(feed_vectors, dtype=np.float64).mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm).astype(np.asarray(query).dtype) if norm > 0 else query


def rank_groups(groups: np.ndarray, scores: np.ndarray, *, first: list[int] | None = None) -> np.ndarray:
    """Positions into `groups` best first. Groups in `first` (owners of an exact or near-duplicate
    of a query image) come before all others, in their given order."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    if not first:
        return order
    lead = [int(np.flatnonzero(groups == g)[0]) for g in first if np.any(groups == g)]
    led = set(lead)
    return np.array(lead + [int(i) for i in order if int(i) not in led], dtype=np.int64)


def sample_groups(groups: np.ndarray, n: int = REFERENCE_FEEDS, *, seed: int = 0) -> np.ndarray:
    """A deterministic sample of at most n distinct group ids (all of them when fewer)."""
    uniq = np.unique(groups)
    if len(uniq) <= n:
        return uniq
    return np.sort(np.random.default_rng(seed).choice(uniq, size=n, replace=False))


@dataclass(frozen=True)
class Calibration:
    """The catalogue's distribution of feed scores for one query."""

    mean: float
    std: float
    sorted_scores: np.ndarray

    def z(self, scores: np.ndarray) -> np.ndarray:
        if self.std < MIN_SPREAD:
            return np.zeros_like(np.asarray(scores, dtype=np.float64))
        return (np.asarray(scores, dtype=np.float64) - self.mean) / self.std

    def percentile(self, scores: np.ndarray) -> np.ndarray:
        """Percent (0–100) of the reference feeds scoring strictly below each score."""
        if len(self.sorted_scores) == 0:
            return np.zeros_like(np.asarray(scores, dtype=np.float64))
        below = np.searchsorted(self.sorted_scores, np.asarray(scores, dtype=np.float64), side="left")
        return 100.0 * below / len(self.sorted_scores)


def calibrate(query: np.ndarray, vectors: np.ndarray, groups: np.ndarray) -> Calibration:
    """The calibration of `query` against reference feeds (their images' vectors and feed ids)."""
    if len(groups) == 0:
        return Calibration(0.0, 0.0, np.zeros(0))
    _, scores, _ = feed_scores(vectors @ np.asarray(query, dtype=vectors.dtype), groups)
    return Calibration(float(scores.mean()), float(scores.std()), np.sort(scores))
