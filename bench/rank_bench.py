"""Time the brand ranking over 100,000 candidate accounts: the pure vectorised part, and with
--database-url the cold ranking end to end (database → explained page).

Usage: python bench/rank_bench.py [N] [--repeat R]
       python bench/rank_bench.py --database-url postgres://.../vetted_perf [--creators N] [--reload]

Pure part: builds N random candidates (platform, followers, country, languages, fake-follower risk with
confidence, audience distributions over age/gender/countries/languages/interests, value
alignment, engagement rate with its benchmark median) and times what one ranking request does
for one brand: audience fit for every candidate, engagement quality, hard filters, composite,
deterministic sort, and the explanations of the returned page. Prints the best of R runs.

End to end (PostgreSQL, the catalogue of bench/bench_catalogue.py: metrics with cached text
terms, audiences and 5 posts per account; a brand with values, an audience target and excluded
keywords): `rank_creators_for_brand` with no features memoised, for the default and a filtered
query, (a) reading the features from the database (no feature snapshot: the SQL path), (b) from
the catalogue's feature snapshot already mapped in the process, after a ranking for this brand
(its brand-safety hits in recent posts are kept with the snapshot), (c) mapping the snapshot
first, as a fresh worker does, nothing known; plus the snapshot's build after a catalogue write
(once per catalogue version and host) and the incremental build a follow-up does after 100
accounts changed. Each is the best and median of R runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_timing import bench_line, timed

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
    # Imported here: their messages need Django's settings, configured in main() first.
    from vetting.scoring.audience_fit import audience_fit_vectorised
    from vetting.scoring.engagement import engagement_quality
    from vetting.scoring.ranking import Candidates, explain_row, rank

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


def end_to_end(database_url: str, creators: int, reload: bool, repeat: int) -> None:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_catalogue import ensure_database, load_catalogue, setup_django

    ensure_database(database_url)
    setup_django(database_url)
    load_catalogue(creators, reload)
    from api_load import ensure_users
    from django.conf import settings

    from influencers.models import Account, Post
    from vetting.features import snapshot as snapshots
    from vetting.models import Brand
    from vetting.services import matching

    _, brand_id = ensure_users(1)
    brand = Brand.objects.get(pk=brand_id)
    settings.API_RESPONSE_CACHE_SECONDS = 0  # nothing memoised: every ranking loads its features
    settings.RANKING_FEATURES_DIR = Path(tempfile.mkdtemp(prefix="rank-bench-features-"))
    accounts, posts = Account.objects.count(), Post.objects.count()
    print(
        f"end to end: {accounts:,} accounts, {posts:,} posts; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    queries = {
        "all accounts": {},
        "filtered": {"platforms": ["instagram", "xiaohongshu", "douyin"], "min_followers": 10_000},
    }
    for name, filters in queries.items():

        def ranking(filters=filters) -> None:
            matching.rank_creators_for_brand(brand=brand, filters=filters, limit=50)

        settings.RANKING_FEATURE_SNAPSHOT = False
        sql_best, sql_median = timed(ranking, repeat)
        settings.RANKING_FEATURE_SNAPSHOT = True
        snapshots.current_snapshot(wait=True)  # built (or mapped) once, outside the timings below
        mapped_best, mapped_median = timed(ranking, repeat)
        fresh_best, fresh_median = timed(ranking, repeat, before=snapshots.forget_loaded)
        print(
            f"cold ranking, {name}: database {sql_best * 1000:.0f} ms (median {sql_median * 1000:.0f}); "
            f"snapshot, brand seen {mapped_best * 1000:.0f} ms (median {mapped_median * 1000:.0f}); "
            f"snapshot mapped first {fresh_best * 1000:.0f} ms (median {fresh_median * 1000:.0f})"
        )
        bench_line(f"cold ranking {accounts:,} accounts, {name}, from the database", sql_best)
        bench_line(f"cold ranking {accounts:,} accounts, {name}, from the snapshot, brand seen", mapped_best)
        bench_line(f"cold ranking {accounts:,} accounts, {name}, snapshot mapped first", fresh_best)

    def build() -> None:
        snapshots.write_snapshot(snapshots.build_snapshot(), settings.RANKING_FEATURES_DIR / f"build-{time.time_ns()}")

    build_best, build_median = timed(build, max(1, repeat // 2))
    print(f"snapshot build after a catalogue write: {build_best:.2f} s (median {build_median:.2f} s)")
    bench_line(f"feature snapshot build, {accounts:,} accounts", build_best)

    # What a follow-up after a small import or refresh does instead: the previous snapshot with
    # the rows of 100 changed accounts (and their creators' other accounts) rewritten.
    base = snapshots.build_snapshot()
    changed = list(Account.objects.order_by("?").values_list("pk", flat=True)[:100])

    if snapshots.incremental_snapshot(base, changed) is None:
        # Every account saved within CLOCK_MARGIN of the base's read counts as changed (a clock
        # skew guard), so a catalogue loaded minutes ago takes the full build path.
        print(
            "incremental snapshot: not measured, a full build is due (the catalogue was written less than "
            f"{snapshots.CLOCK_MARGIN} before this run: run the bench again later)"
        )
        return

    def incremental() -> None:
        snapshot = snapshots.incremental_snapshot(base, changed)
        assert snapshot is not None, "expected the incremental path"
        snapshots.write_snapshot(snapshot, settings.RANKING_FEATURES_DIR / f"incremental-{time.time_ns()}")

    step_best, step_median = timed(incremental, repeat)
    print(f"incremental snapshot, 100 accounts changed: {step_best:.2f} s (median {step_median:.2f} s)")
    bench_line(f"feature snapshot, incremental after 100 of {accounts:,} accounts changed", step_best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL: also time the cold ranking end to end")
    parser.add_argument("--creators", type=int, default=100_000, help="catalogue size for --database-url")
    parser.add_argument("--reload", action="store_true", help="drop the bench catalogue and load it again")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
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

    if args.database_url:
        end_to_end(args.database_url, args.creators, args.reload, args.repeat)


if __name__ == "__main__":
    main()
