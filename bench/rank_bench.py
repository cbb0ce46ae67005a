"""Time the brand ranking over 100,000 candidate accounts (pure, vectorised part).

Usage: python bench/rank_bench.py [N] [--repeat R]

Builds N random candidates (platform, followers, country, languages, fake-follower risk with
confidence, audience distributions over age/gender/countries/languages/interests, value
alignment, engagement rate with its benchmark median) and times what one ranking request does
for one brand: audience fit for every candidate, engagement quality, hard filters, composite,
deterministic sort, and the explanations of the returned page. Prints the best of R runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vetting.scoring.audience_fit import audience_fit_vectorised
from vetting.scoring.engagement import engagement_quality
from vetting.scoring.ranking import Candidates, explain_row, rank

PLATFORMS = ["instagram", "tiktok", "youtube", "xiaohongshu", "douyin", "bilibili", "weibo"]
COUNTRIES = ["CN", "TW", "HK", "SG", "US", "GB", "DE", "FR", "JP", "KR", "CH", "IT"]
LANGUAGES = ["zh", "en", "ja", "ko", "de", "fr", "it", "es"]
DIMENSIONS = {
    "age": ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    "gender": ["female", "male", "other"],
    "countries": COUNTRIES,
    "languages": LANGUAGES,
    "interests": ["beauty", "fashion", "travel", "food", "fitness", "tech", "gaming", "family"],
}
BRAND_TARGET = {
    "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
    "gender": {"weight": 1.0, "values": {"female": 1.0}},
    "countries": {"weight": 0.5, "values": {"CN": 0.7, "TW": 0.3}},
    "interests": {"weight": 0.5, "values": {"beauty": 0.6, "fashion": 0.4}},
}


def build(n: int, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    matrices = {}
    for dim, keys in DIMENSIONS.items():
        a = rng.dirichlet(np.ones(len(keys)) * 0.8, size=n)
        a[rng.random(n) < 0.1] = np.nan  # 10% without data for this dimension
        matrices[dim] = (keys, a)
    risk = rng.beta(2, 6, n)
    risk[rng.random(n) < 0.15] = np.nan
    return {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "platform": rng.integers(0, len(PLATFORMS), n),
        "followers": np.floor(10 ** rng.uniform(3, 7, n)),
        "country": rng.integers(-1, len(COUNTRIES), n),
        "languages": rng.integers(1, 2 ** len(LANGUAGES), n, dtype=np.int64),
        "risk": risk,
        "risk_confidence": rng.uniform(0.2, 1.0, n),
        "alignment": rng.uniform(0, 1, n),
        "er": rng.lognormal(np.log(0.02), 0.7, n),
        "er_median": rng.choice([0.03, 0.018, 0.012, 0.01, 0.007], n),
        "age_days": rng.uniform(0, 400, n),
        "matrices": matrices,
    }


def run_once(data: dict, limit: int = 50) -> tuple[float, int]:
    start = time.perf_counter()
    fit, fit_conf = audience_fit_vectorised(BRAND_TARGET, data["matrices"], data["age_days"])
    candidates = Candidates(
        ids=data["ids"],
        platform=data["platform"],
        followers=data["followers"],
        country=data["country"],
        languages=data["languages"],
        risk=data["risk"],
        risk_confidence=data["risk_confidence"],
        audience_fit=fit,
        fit_confidence=fit_conf,
        value_alignment=data["alignment"],
        engagement=engagement_quality(data["er"], data["er_median"]),
        platform_names=PLATFORMS,
        country_names=COUNTRIES,
        language_names=LANGUAGES,
    )
    page = rank(
        candidates,
        filters={
            "platforms": ["instagram", "xiaohongshu", "douyin"],
            "min_followers": 10_000,
            "max_followers": 2_000_000,
            "countries": ["CN", "TW", "HK"],
            "languages": ["zh"],
            "max_risk": 0.6,
            "include_unvetted": True,
        },
        limit=limit,
    )
    _ = [explain_row(page, i) for i in range(len(page.indices))]
    return time.perf_counter() - start, page.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = build(args.n)
    times = []
    total = 0
    for _ in range(args.repeat):
        elapsed, total = run_once(data)
        times.append(elapsed)
    print(f"ranked {args.n:,} candidate accounts ({total:,} passed the filters) for one brand")
    median = sorted(times)[len(times) // 2]
    print(f"best {min(times) * 1000:.1f} ms, median {median * 1000:.1f} ms over {args.repeat} runs")
    print(f"rank time for {args.n:,} accounts: {min(times):.3f} s")
    # Machine-readable line for bench/run_all.py.
    print(
        "BENCH "
        + json.dumps(
            {
                "metric": f"rank {args.n:,} accounts",
                "value": round(min(times) * 1000, 1),
                "unit": "ms",
                "better": "lower",
            }
        )
    )


if __name__ == "__main__":
    main()
