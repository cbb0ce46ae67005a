"""The audience-overlap estimator (vetting/scoring/overlap.py) on synthetic audiences whose overlap
is KNOWN: its bias, and how often its 95 % interval covers the truth (target ≥ 90 %).

usage:
  python bench/overlap_bench.py                 every scenario, 150 draws each (a few minutes)
  python bench/overlap_bench.py --draws 40      quicker
  python bench/overlap_bench.py --seed 7

Pairs: two accounts of N_a and N_b followers sharing M (a share of the smaller audience), each
sampled at random without replacement (n_a, n_b), as an import's follower sample would be. Each
row prints the true share, the mean estimate's bias and RMSE (in share points, over the draws
with an estimate: a pair that is not `informative` has none, "—"), the bias of the naive "share
of one sample found in the other" for comparison, how often the interval covered the truth, its
mean width, and how often the pair was informative (a complete overlap would have been seen).

Unique reach: k accounts of one platform drawn from a population where a community follows
several of them (so followers are shared by three or more accounts, which pairwise bounds cannot
see), each sampled; truth = the number of distinct followers.

Numbers, not assertions: docs/scoring.md ("Audience overlap") quotes them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vetting.scoring.overlap import Audience, pair_overlap, unique_reach

PAIR_SIZES = ((5_000, 5_000), (50_000, 50_000), (5_000, 500_000), (200_000, 2_000_000))
SAMPLES = (200, 1_000, 5_000)
SHARES = (0.0, 0.1, 0.4)


def audience(key, ids: np.ndarray, n: int, rng: np.random.Generator) -> Audience:
    sample = rng.choice(ids, size=min(n, len(ids)), replace=False)
    return Audience(key=key, followers=len(ids), sample=frozenset(map(str, sample.tolist())))


def pair_scenario(n_a: int, n_b: int, share: float, n: int, draws: int, rng: np.random.Generator) -> dict:
    common = int(round(share * min(n_a, n_b)))
    ids_a = np.arange(n_a)
    ids_b = np.arange(n_a - common, n_a - common + n_b)  # the last `common` of A are the first of B
    errors, naive, covered, widths, informative = [], [], 0, [], 0
    for _ in range(draws):
        a, b = audience("a", ids_a, n, rng), audience("b", ids_b, n, rng)
        result = pair_overlap(a, b)
        if result.overlap_share is not None:  # not informative: no point estimate, only the interval
            errors.append(result.overlap_share - share)
        smaller = a if a.followers <= b.followers else b
        naive.append(result.shared_in_sample / max(smaller.n, 1) - share)
        covered += result.interval[0] - 1e-9 <= share <= result.interval[1] + 1e-9
        widths.append(result.interval[1] - result.interval[0])
        informative += result.informative
    return {
        "bias": float(np.mean(errors)) if errors else None,
        "rmse": float(np.sqrt(np.mean(np.square(errors)))) if errors else None,
        "naive_bias": float(np.mean(naive)),
        "coverage": covered / draws,
        "width": float(np.mean(widths)),
        "informative": informative / draws,
    }


def community_population(sizes: list[int], community: int, reach: float, rng: np.random.Generator) -> list:
    """Follower id sets: a community of `community` people, each following every account with
    probability `reach` (so many follow three or more), plus followers of one account only."""
    members = np.arange(community)
    sets, next_id = [], community
    for size in sizes:
        shared = members[rng.random(community) < reach][:size]
        own = np.arange(next_id, next_id + size - len(shared))
        next_id += len(own)
        sets.append(np.concatenate([shared, own]))
    return sets


def union_scenario(k: int, n: int, reach: float, draws: int, rng: np.random.Generator) -> dict:
    sizes = [int(x) for x in np.exp(rng.uniform(np.log(20_000), np.log(200_000), size=k))]
    errors, covered, widths = [], 0, []
    truth = 0
    for _ in range(draws):
        sets = community_population(sizes, community=60_000, reach=reach, rng=rng)
        truth = len(np.unique(np.concatenate(sets)))
        result = unique_reach([audience(i, ids, n, rng) for i, ids in enumerate(sets)])
        errors.append((result.estimate - truth) / truth)
        covered += result.interval[0] - 1e-6 <= truth <= result.interval[1] + 1e-6
        widths.append((result.interval[1] - result.interval[0]) / truth)
    return {
        "truth": truth,
        "sum": sum(sizes),
        "bias": float(np.mean(errors)),
        "coverage": covered / draws,
        "width": float(np.mean(widths)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()

    print(f"pairs: {args.draws} draws per row; shares are of the smaller audience; bias in share points")
    print(
        f"{'N_a':>9} {'N_b':>10} {'n':>6} {'true':>5} | {'bias':>7} {'rmse':>6} {'naive':>7} | "
        f"{'cover':>6} {'width':>6} {'inform':>6}"
    )
    pair_rows = []
    for n_a, n_b in PAIR_SIZES:
        for n in SAMPLES:
            for share in SHARES:
                row = pair_scenario(n_a, n_b, share, n, args.draws, rng)
                pair_rows.append(row)
                bias = "—" if row["bias"] is None else f"{row['bias']:+.3f}"
                rmse = "—" if row["rmse"] is None else f"{row['rmse']:.3f}"
                print(
                    f"{n_a:>9,} {n_b:>10,} {n:>6,} {share:>5.2f} | {bias:>7} {rmse:>6} "
                    f"{row['naive_bias']:>+7.3f} | {100 * row['coverage']:>5.1f}% {row['width']:>6.3f} "
                    f"{100 * row['informative']:>5.0f}%"
                )
    pair_coverage = float(np.mean([r["coverage"] for r in pair_rows]))
    worst_pair = min(r["coverage"] for r in pair_rows)
    # bias where there is an estimate (informative pairs), the naive share on the same rows
    estimated = [r for r in pair_rows if r["bias"] is not None]
    mean_bias = float(np.mean([abs(r["bias"]) for r in estimated]))
    naive_bias = float(np.mean([abs(r["naive_bias"]) for r in estimated]))
    print(
        f"pairs: coverage {100 * pair_coverage:.1f}% on average, {100 * worst_pair:.1f}% at worst; "
        f"mean |bias| {mean_bias:.4f} where informative ({len(estimated)} of {len(pair_rows)} rows; "
        f"the naive sample share on those rows: {naive_bias:.4f})"
    )

    union_draws = max(10, args.draws // 3)
    print(f"\nunique reach: {union_draws} draws per row; bias and width relative to the true reach")
    print(f"{'k':>3} {'n':>6} {'reach':>6} {'truth':>9} {'sum N':>9} | {'bias':>7} {'cover':>6} {'width':>6}")
    union_rows = []
    for k in (3, 6):
        for n in SAMPLES:
            for reach in (0.1, 0.5):
                row = union_scenario(k, n, reach, union_draws, rng)
                union_rows.append(row)
                print(
                    f"{k:>3} {n:>6,} {reach:>6.1f} {row['truth']:>9,} {row['sum']:>9,} | {row['bias']:>+7.3f} "
                    f"{100 * row['coverage']:>5.1f}% {row['width']:>6.3f}"
                )
    union_coverage = float(np.mean([r["coverage"] for r in union_rows]))
    worst_union = min(r["coverage"] for r in union_rows)
    union_bias = float(np.mean([abs(r["bias"]) for r in union_rows]))
    print(
        f"unique reach: coverage {100 * union_coverage:.1f}% on average, {100 * worst_union:.1f}% at worst; "
        f"mean |relative bias| {union_bias:.4f}"
    )
    print(f"({time.perf_counter() - started:.0f} s)")
    for metric, value, unit, better in (
        ("overlap: pair interval coverage (worst row)", round(100 * worst_pair, 1), "%", "higher"),
        ("overlap: pair mean |bias|", round(mean_bias, 4), "share", "lower"),
        ("overlap: unique-reach interval coverage (worst row)", round(100 * worst_union, 1), "%", "higher"),
        ("overlap: unique-reach mean |relative bias|", round(union_bias, 4), "share", "lower"),
    ):
        print("BENCH " + json.dumps({"metric": metric, "value": value, "unit": unit, "better": better}))


if __name__ == "__main__":
    main()
