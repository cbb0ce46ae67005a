"""The discovery head from the in-memory columns: ms per request over varied queries.

    DATABASE_URL=postgres://…/vetted_bench_1m python bench/discovery_head.py [--queries 60] [--rounds 5] [--verbose]

Builds the discovery columns (influencers/selectors/discovery_columns.py) of DATABASE_URL's
catalogue in this process (reads only), then times `head_from_columns` — the filters, the
representative accounts and the order of the first COUNT_CAP + 1 creators, what a discovery
request computes before reading its page's rows — for the queries of
`api_load.varied_discovery` (fixed seed) that the columns answer. The first round finds every
filter value's mask new ("cold"); later rounds reuse the masks kept per columns, as a server does
for repeated filter values. Prints the build time and one BENCH line (median and p95 in ms).
Goal (issue 20): median ≤ 5 ms at 1M creators.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

import api_load  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.pagination import COUNT_CAP  # noqa: E402
from influencers.filters import CreatorFilterSet  # noqa: E402
from influencers.selectors import discovery_columns  # noqa: E402
from influencers.selectors.creators import DEFAULT_SORT  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    columns = discovery_columns.build_columns("bench")
    columns.prepare()
    build_s = time.perf_counter() - started
    print(f"built the columns of {len(columns):,} accounts in {build_s:.1f} s", flush=True)

    rng = random.Random(20)
    cases = []
    for path in [api_load.varied_discovery(rng) for _ in range(args.queries)]:
        filterset = CreatorFilterSet(QueryDict(path.partition("?")[2]))
        if not filterset.is_valid():
            continue
        filters = filterset.form.cleaned_data
        sort = filters.get("sort") or DEFAULT_SORT
        given = {name for name, value in filters.items() if value not in (None, "", [], ())}
        if sort in discovery_columns.CREATOR_FIELD_SORTS and not given & discovery_columns.ACCOUNT_FILTERS:
            continue  # answered by the database (every creator, accounts or not)
        cases.append((path, filters, sort))

    today = timezone.localdate()
    times: dict[str, list[float]] = {path: [] for path, _, _ in cases}
    for _ in range(args.rounds):
        for path, filters, sort in cases:
            start = time.perf_counter()
            discovery_columns.head_from_columns(columns, filters, sort=sort, limit=COUNT_CAP + 1, today=today)
            times[path].append((time.perf_counter() - start) * 1000)
    if args.verbose:
        for path, measured in times.items():
            print(f"{statistics.median(measured):7.2f} ms  (cold {measured[0]:.2f})  {path}")
    every = sorted(t for measured in times.values() for t in measured)
    cold = sorted(measured[0] for measured in times.values())
    result = {
        "accounts": len(columns),
        "queries": len(cases),
        "median_ms": round(statistics.median(every), 2),
        "p95_ms": round(every[int(len(every) * 0.95)], 2),
        "cold_median_ms": round(statistics.median(cold), 2),
        "cold_p95_ms": round(cold[int(len(cold) * 0.95)], 2),
        "build_s": round(build_s, 1),
        "load": round(os.getloadavg()[0], 2),
    }
    print("BENCH " + json.dumps({"metric": "discovery_head", **result}))


if __name__ == "__main__":
    main()
