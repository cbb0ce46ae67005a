"""Each discovery filter and sort, uncached, on PostgreSQL: the time of the one heavy query a
discovery request runs (`creator_head`: the first COUNT_CAP + 1 rows, which serve the capped
count and the page) and what its plan scans, from EXPLAIN (ANALYZE, BUFFERS).

    python bench/discovery_explain.py --database-url postgres://postgres@127.0.0.1:5432/vetted_perf
        [--creators 100000] [--repeat 3] [--plans] [--markdown]

Loads the catalogue of bench/bench_catalogue.py when the database holds fewer creators. Prints
one row per query: best of --repeat runs in ms, the 8 kB pages its plan touched (shared buffers
hit + read: the query's work, comparable between runs on a loaded machine where the times are
not), and the sequential scans of its plan (a full read of a table: what an index should
avoid), or the full plan with --plans.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_catalogue import ensure_database, load_catalogue, setup_django

# One filter or sort at a time, then the mixes bench/api_load.py sends.
QUERIES = [
    "",
    "sort=followers",
    "sort=-engagement_rate",
    "sort=engagement_rate",
    "sort=-growth_30d",
    "sort=fake_risk",
    "sort=-fake_risk",
    "sort=name",
    "sort=-created",
    "platform=instagram",
    "platform=tiktok&platform=douyin",
    "min_followers=100000",
    "max_followers=5000",
    "min_engagement_rate=0.05",
    "max_engagement_rate=0.01",
    "min_growth_30d=0.1",
    "max_fake_risk=0.3",
    "risk_level=low",
    "risk_level=high",
    "risk_level=insufficient",
    "verified=true",
    "stale=true",
    "stale=false",
    "max_data_age_days=30",
    "country=CN,TW",
    "language=ja",
    "category=beauty",
    "has_contact_email=true",
    "audience_country=CN&audience_country_min=0.5",
    "audience_age=18-24&audience_age_min=0.5",
    "audience_gender=female&audience_gender_min=0.6",
    "audience_language=zh",
    "worked_with=GlowLab",
    "not_worked_with=Rival Cosmetics",
    "platform=instagram&min_followers=100000",
    "platform=tiktok&min_engagement_rate=0.05&sort=-engagement_rate",
    "country=CN,TW&min_followers=10000&max_fake_risk=0.3",
    "min_growth_30d=0.1&sort=-growth_30d",
    "audience_country=CN&audience_country_min=0.5&min_followers=50000",
    "audience_age=18-24&audience_age_min=0.5&platform=xiaohongshu",
    "language=zh&category=beauty&has_contact_email=true",
    "risk_level=low&min_followers=1000000",
    "max_followers=5000&sort=followers",
]


def parse(query: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query).items()}  # type: ignore[misc]


def scans(plan: str) -> str:
    """The tables read in full (Seq Scan), with the rows each returned, e.g. "metrics 100000"."""
    out = []
    for match in re.finditer(
        r"Seq Scan on (\w+)(?: \w+)?\s+\(cost=[^)]*\) \(actual time=[^ ]+ rows=(\d+) loops=(\d+)", plan
    ):
        table = match.group(1).removeprefix("influencers_")
        out.append(f"{table} ×{match.group(3)}" if match.group(3) != "1" else table)
    return ", ".join(dict.fromkeys(out)) or "none"


def pages(plan: str) -> int:
    """Buffers the whole plan touched (shared hit + read): the work of the query in 8 kB pages,
    which unlike its time does not depend on what else the machine is running."""
    match = re.search(r"Buffers: shared((?: \w+=\d+)+)", plan)
    if not match:
        return 0
    counts = dict(part.split("=") for part in match.group(1).split())
    return int(counts.get("hit", 0)) + int(counts.get("read", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), required=False)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plans", action="store_true", help="print each full plan")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("give --database-url postgres://... (EXPLAIN plans are PostgreSQL's)")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    load_catalogue(args.creators, reload=False)
    from django.db import connection

    from core.pagination import COUNT_CAP
    from influencers.selectors.creators import creator_head, creator_list

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.markdown:
        print("| query | ms | pages | full scans |\n|---|---:|---:|---|")
    worst = 0.0
    for query in QUERIES:
        queryset = creator_list(filters=parse(query))
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            creator_head(queryset, limit=COUNT_CAP + 1)
            times.append(time.perf_counter() - started)
        head = queryset.values_list("pk", flat=True)[: COUNT_CAP + 1]
        sql, params = head.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        best = min(times) * 1000
        worst = max(worst, best)
        shown = query or "(no filter)"
        if args.markdown:
            print(f"| `{shown}` | {best:.0f} | {pages(plan):,} | {scans(plan)} |")
        else:
            print(f"{best:8.1f} ms {pages(plan):>8,} pages  {shown:<70} full scans: {scans(plan)}")
        if args.plans:
            print(plan)
    print(
        "BENCH "
        + json.dumps(
            {
                "metric": "discovery head query, slowest filter/sort",
                "value": round(worst, 1),
                "unit": "ms",
                "better": "lower",
            }
        )
    )


if __name__ == "__main__":
    main()
