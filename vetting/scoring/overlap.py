"""Audience overlap and unique reach from follower samples (pure: sets and numbers in).

What we hold of an account's audience is a sample of its followers (`FollowerSample`: n
usernames out of its N followers). The same person following two accounts of one platform has
the same username on both, so overlap is measured by matching sampled identities (normalised
usernames) across the accounts of one platform; across platforms identities cannot be matched.

**Pairs (capture–recapture scaling).** Let A and B have N_a, N_b followers, M in common, and
independent simple random samples of n_a and n_b. A common follower is in both samples with
probability π = p_a·p_b (p = n/N), so the number X of identities in both samples has mean M·π,
and M̂ = X / π is unbiased (Lincoln–Petersen's scaling of a recapture count by the capture
probabilities, with both capture probabilities known). `overlap_share` is M over the smaller
audience: the share of the smaller audience that also follows the other, in [0, 1].

The interval is exact for the count: X given M is at most as dispersed as Binomial(M, π)
(sampling without replacement only removes variance), and the interval is every M for which the
observed X is not in either 2.5 % tail of that binomial (the Clopper–Pearson construction,
inverted in M). It widens as samples shrink: with 150 sampled followers of two 100k accounts,
π = 2.25·10⁻⁶, X is almost always 0, and the interval runs from 0 to a large share. The
`detectable_share` says so: the smallest overlap that would show up in the samples (X ≥ 1) 95 %
of the time. When even identical audiences would usually look disjoint (`informative: false`)
there is no point estimate, only the interval: a 0 would read as "no overlap", and capping the
scaled count at the smaller audience biases it. Whether a pair is informative depends only on
the design (N and n), not on what the samples showed. When the samples share more than even
identical audiences would explain (P(X ≥ x | M = the smaller audience) < 0.001), they contradict
the model — a stale follower count, samples that are not random, or one username for two people
— and the pair says so (`consistent: false`), with no estimate and the interval [0, 1]; the
unique reach then takes nothing from that pair. (The synthetic demo's followers have one
username per person and overlap by design, within a scene: docs/demo-data.md.)

Why the scaling matters: the share of one sample found in the other (X / n_a) estimates
M·p_b / N_a, not M / N_a, so it is biased towards 0 by the other account's sampling fraction
and, when follower counts differ by orders of magnitude, is not even comparable between pairs;
`bench/overlap_bench.py` prints that bias beside ours.

**Unique reach (inclusion–exclusion, Horvitz–Thompson).** The number of distinct followers of k
accounts is U = Σ(−1)^{|T|+1} M_T over the subsets T of accounts (M_T: followers of all of T).
Each M_T is estimated without bias by X_T / Π_{i∈T} p_i, and the whole sum collapses to one
term per sampled identity f seen in the samples S(f):

    Û = Σ_f [1 − Π_{i ∈ S(f)} (1 − 1/p_i)]

(an identity seen once contributes 1/p_i; Σ over those is Σ N_i, the followers counted once).
Û is unbiased, but noisy when samples are small, so the interval does not lean on it: with every
pairwise interval at level 1 − α/P (P pairs, Bonferroni, so all hold together with probability
≥ 1 − α), U lies between the Dawson–Sankoff lower bound max_k [2S₁/(k+1) − 2S₂/(k(k+1))] (with
S₁ = ΣN_i and S₂ = ΣM_ij at the pairs' upper bounds; also U ≥ max N_i) and Hunter's upper bound
S₁ − Σ over a maximum spanning tree of the pairs' lower bounds (also U ≤ S₁). These bounds hold
whatever the followers shared by three or more accounts, so the interval is conservative: it
covers the truth at least 95 % of the time, and stays wide when many accounts share one
community even with large samples (bounds of degree two cannot see triple overlaps). The point
estimate is Û kept inside that interval.

Assumptions (docs/scoring.md, "Audience overlap"): samples are simple random samples of each
account's current followers, drawn independently per account; usernames identify a person within
one platform; the follower count N is the account's at the time of the sample (N is raised to
n when a sample is larger than the stored count). Samples made of the newest followers, or of
the most active ones, break the first assumption: the estimate is then that of the sampled
kind of follower.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

LEVEL = 0.95
DETECTION = 0.95  # detectable_share: the overlap seen (X ≥ 1) this often
# Samples sharing more than identical audiences would explain this rarely contradict the model
# (the follower counts are wrong, the samples are not random, or one username is two people).
CONTRADICTION = 0.001

METHOD = (
    "Pairs: shared sampled followers scaled by both sampling fractions (M = X·N_a·N_b/(n_a·n_b), "
    "unbiased for independent random samples), with an exact 95% interval from Binomial(M, n_a·n_b/(N_a·N_b)) "
    "inverted in M; overlap_share = M / the smaller audience. Unique reach: inclusion–exclusion estimated "
    "per sampled identity (Horvitz–Thompson), inside a conservative 95% interval from the pairs' "
    "simultaneous (Bonferroni) intervals: Dawson–Sankoff lower bound, Hunter upper bound. "
    "Followers are matched by normalised username within one platform only."
)


def normalise_identity(username: str) -> str:
    """How a sampled follower is matched across accounts: NFKC, without "@" and spaces, case-folded."""
    return unicodedata.normalize("NFKC", username or "").strip().lstrip("@").replace(" ", "").casefold()


@dataclass(frozen=True)
class Audience:
    """One account's audience as far as we know it: its follower count and sampled identities."""

    key: Hashable
    followers: int
    sample: frozenset[str]

    @classmethod
    def of(cls, key: Hashable, followers: int, usernames: Iterable[str]) -> Audience:
        sample = frozenset(filter(None, (normalise_identity(u) for u in usernames)))
        # A sample larger than the stored count means the count is stale: it is at least n.
        return cls(key=key, followers=max(int(followers), len(sample)), sample=sample)

    @property
    def n(self) -> int:
        return len(self.sample)

    @property
    def fraction(self) -> float:
        return self.n / self.followers if self.followers else 0.0


@dataclass
class PairOverlap:
    """The overlap of two audiences of one platform, with its interval."""

    a: Hashable
    b: Hashable
    shared_in_sample: int
    sample_sizes: tuple[int, int]
    followers: tuple[int, int]
    shared_followers: float | None  # M̂; None when not informative
    shared_interval: tuple[float, float]
    overlap_share: float | None  # M̂ / min(N_a, N_b); None when not informative
    interval: tuple[float, float]
    detectable_share: float | None  # None: even identical audiences would usually look disjoint
    # False when a complete overlap would show in the samples less than 95 % of the time: no
    # point estimate then (0 shared would read as "no overlap"), only the interval.
    informative: bool
    # False when the samples share more than even identical audiences would explain (probability
    # below CONTRADICTION): the counts or the samples are wrong; no estimate, the interval [0, 1].
    consistent: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UniqueReach:
    """Distinct followers of a set of audiences of one platform (or summed over platforms)."""

    estimate: float
    interval: tuple[float, float]
    followers_total: int  # S₁: followers counted once per account
    accounts: int
    pairs: list[PairOverlap] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the binomial, without scipy -------------------------------------------------------------


def binomial_cdf(x: int, m: int, p: float) -> float:
    """P(X ≤ x) for X ~ Binomial(m, p), summed in log space (m may be in the millions)."""
    if x < 0:
        return 0.0
    if x >= m or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    j = np.arange(x + 1, dtype=float)
    # log pmf(j) = log C(m, j) + j log p + (m − j) log(1 − p), by the ratio of successive terms
    log_ratio = np.log((m - j[:-1]) / (j[:-1] + 1)) if x > 0 else np.empty(0)
    log_pmf = m * math.log1p(-p) + np.concatenate(([0.0], np.cumsum(log_ratio))) + j * math.log(p / (1 - p))
    top = float(log_pmf.max())
    return float(min(1.0, math.exp(top) * float(np.exp(log_pmf - top).sum())))


def _largest(low: int, high: int, ok: Any) -> int:
    """The largest integer in [low, high] with ok(value), for ok true at low and monotone."""
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


def count_interval(x: int, p: float, cap: int, level: float = LEVEL) -> tuple[int, int]:
    """Every M in [x, cap] under which observing x successes of Binomial(M, p) is not in either
    (1 − level)/2 tail: the exact (Clopper–Pearson-style) interval for the number of trials."""
    tail = (1 - level) / 2
    cap = max(cap, x)
    if p >= 1.0:
        return x, x
    if p <= 0.0:
        return x, cap
    if x == 0:
        # P(X = 0 | M) = (1 − p)^M > tail  ⇔  M < log(tail) / log(1 − p): no search needed (most
        # pairs of a shortlist share no sampled follower)
        bound = math.log(tail) / math.log1p(-p)
        upper = cap if bound >= cap else max(0, math.ceil(bound) - 1)
        return 0, upper
    # upper: the largest M with P(X ≤ x | M) > tail (falls as M grows)
    upper = cap if binomial_cdf(x, cap, p) > tail else _largest(x, cap, lambda m: binomial_cdf(x, m, p) > tail)
    # lower: the smallest M with P(X ≥ x | M) > tail (grows with M)
    if 1 - binomial_cdf(x - 1, cap, p) <= tail:
        return cap, upper
    low, high = x, cap
    while low < high:
        middle = (low + high) // 2
        if 1 - binomial_cdf(x - 1, middle, p) > tail:
            high = middle
        else:
            low = middle + 1
    return low, upper


# --- pairs -----------------------------------------------------------------------------------


def contradicts(shared: int, p: float, smaller: int) -> bool:
    """Whether `shared` identities in both samples are more than even a complete overlap would
    give, but with probability below CONTRADICTION: P(X ≥ shared | M = smaller)."""
    if shared == 0 or p >= 1.0 or smaller <= 0:
        return False
    return 1 - binomial_cdf(shared - 1, smaller, p) < CONTRADICTION


def pair_overlap(a: Audience, b: Audience, *, level: float = LEVEL) -> PairOverlap:
    """The overlap of two audiences of one platform (module docstring)."""
    shared = len(a.sample & b.sample)
    smaller = min(a.followers, b.followers)
    p = a.fraction * b.fraction
    consistent = not contradicts(shared, p, smaller)
    if smaller <= 0 or p <= 0 or not consistent:
        estimate, low, high = 0.0, 0.0, float(max(smaller, 0))
    else:
        estimate = min(shared / p, float(smaller))
        low_count, high_count = count_interval(shared, p, smaller, level)
        low, high = float(low_count), float(high_count)
        estimate = min(max(estimate, low), high)
    if p > 0 and smaller > 0:
        needed = math.log(1 - DETECTION) / math.log1p(-p) if p < 1 else 1.0  # M with P(X ≥ 1) = 95 %
        detectable: float | None = needed / smaller
    else:
        detectable = None
    informative = consistent and detectable is not None and detectable <= 1.0
    share = (lambda count: count / smaller) if smaller else (lambda count: 0.0)
    return PairOverlap(
        a=a.key,
        b=b.key,
        shared_in_sample=shared,
        sample_sizes=(a.n, b.n),
        followers=(a.followers, b.followers),
        shared_followers=estimate if informative else None,
        shared_interval=(low, high),
        overlap_share=share(estimate) if informative else None,
        interval=(share(low), share(high)),
        detectable_share=detectable if informative else None,
        informative=informative,
        consistent=consistent,
    )


# --- unique reach ----------------------------------------------------------------------------


def horvitz_thompson_union(audiences: Sequence[Audience]) -> float:
    """Û = Σ over sampled identities of 1 − Π_{samples holding it} (1 − 1/p_i): unbiased for the
    number of distinct followers (module docstring)."""
    factors: dict[str, float] = {}
    for audience in audiences:
        if audience.n == 0:
            continue
        factor = 1 - 1 / audience.fraction
        for identity in audience.sample:
            factors[identity] = factors.get(identity, 1.0) * factor
    return float(sum(1 - product for product in factors.values()))


def _maximum_spanning_tree(k: int, weight: dict[tuple[int, int], float]) -> float:
    """Total weight of a maximum spanning tree of the complete graph on k nodes (Prim)."""
    if k < 2:
        return 0.0
    inside, total = {0}, 0.0
    best = {j: weight[(0, j)] for j in range(1, k)}
    while best:
        node = max(best, key=lambda j: best[j])
        total += best.pop(node)
        inside.add(node)
        for j in best:
            best[j] = max(best[j], weight[(min(node, j), max(node, j))])
    return total


def unique_reach(
    audiences: Sequence[Audience], *, level: float = LEVEL, union_level: float | None = None
) -> UniqueReach:
    """Distinct followers of audiences of ONE platform, with a conservative interval at
    `union_level` (default `level`); the pairs, each at `level`, come with it."""
    audiences = [a for a in audiences if a.followers > 0]
    k = len(audiences)
    s1 = sum(a.followers for a in audiences)
    pairs = [pair_overlap(audiences[i], audiences[j], level=level) for i in range(k) for j in range(i + 1, k)]
    if k <= 1:
        return UniqueReach(float(s1), (float(s1), float(s1)), s1, k, pairs)
    # Simultaneous pair intervals (Bonferroni): all hold together with probability ≥ level.
    joint = 1 - (1 - (level if union_level is None else union_level)) / len(pairs)
    high_pairs: dict[tuple[int, int], float] = {}
    low_pairs: dict[tuple[int, int], float] = {}
    for i in range(k):
        for j in range(i + 1, k):
            a, b = audiences[i], audiences[j]
            p = a.fraction * b.fraction
            smaller = min(a.followers, b.followers)
            shared = len(a.sample & b.sample)
            if p > 0 and not contradicts(shared, p, smaller):
                low, high = count_interval(shared, p, smaller, joint)
            else:  # nothing known (or the samples contradict the counts): any overlap
                low, high = 0, smaller
            low_pairs[(i, j)], high_pairs[(i, j)] = float(low), float(high)
    s2_high = sum(high_pairs.values())
    lower = max(
        max(a.followers for a in audiences),
        *(2 * s1 / (m + 1) - 2 * s2_high / (m * (m + 1)) for m in range(1, k + 1)),
    )
    upper = max(lower, s1 - _maximum_spanning_tree(k, low_pairs))
    estimate = min(max(horvitz_thompson_union(audiences), lower), upper)
    return UniqueReach(estimate, (float(lower), float(upper)), s1, k, pairs)


def combined_reach(parts: Sequence[UniqueReach]) -> UniqueReach:
    """Several platforms' reaches added up (identities cannot be matched across platforms: the
    same person on two platforms counts twice). Each part's interval should be computed at level
    1 − α/len(parts) for the sum to hold at 1 − α."""
    return UniqueReach(
        estimate=float(sum(p.estimate for p in parts)),
        interval=(float(sum(p.interval[0] for p in parts)), float(sum(p.interval[1] for p in parts))),
        followers_total=sum(p.followers_total for p in parts),
        accounts=sum(p.accounts for p in parts),
        pairs=[pair for p in parts for pair in p.pairs],
    )
