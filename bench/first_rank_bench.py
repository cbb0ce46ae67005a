"""Time a brand's first ranking in a fresh worker, part by part, on the feature snapshot.

Usage: python bench/first_rank_bench.py --database-url postgres://.../vetted_bench [--brands 1,3]
       [--features-dir DIR] [--repeat 2]

Read-only on the database. The feature snapshot is built into --features-dir (default: a temporary
folder, removed at the end) unless that folder already holds the current version's (CACHE_URL must
be set: the snapshot is keyed by the catalogue's data version). Per brand, the best of R runs of
its first ranking (50 rows, no filters, default weights) by a worker that has just mapped the
snapshot, nothing memoised, in two cases:

- "first": the first worker of the host to rank this brand today (no value stored beside the
  snapshot: the brand's columns and brand-safety hits are computed, then stored);
- "other": any other worker of the host, or a restart (they are read back from the files).

Each case prints the inclusive time of the parts that cost something (nested parts are inside
their parent's time) and the whole ranking.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_timing import ready_snapshot, snapshot_django

spent: dict[str, float] = defaultdict(float)


def _timed(owner: Any, attribute: str, label: str) -> None:
    """Replace owner.attribute by a wrapper adding its inclusive seconds to spent[label]."""
    inner = getattr(owner, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, attribute, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--brands", default="", help="brand ids, comma-separated (default: every brand)")
    parser.add_argument("--features-dir", default="", help="where the snapshot is (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with snapshot_django(args.database_url, features_dir=args.features_dir, prefix="first-rank-features-"):
        run(args, brand_ids=[int(b) for b in args.brands.split(",") if b])


def run(args: argparse.Namespace, *, brand_ids: list[int]) -> None:
    from django.conf import settings
    from django.db.models import Count

    from vetting.features import snapshot as snapshots
    from vetting.models import Brand
    from vetting.services import brand_safety, matching

    ready_snapshot()
    parts: list[tuple[Any, str, str]] = [
        (snapshots, "load_snapshot", "map snapshot"),
        (matching, "_brand_columns", "brand columns"),
        (snapshots.FeatureSnapshot, "audience_matrices", "  audience matrices"),
        (matching, "audience_fit_vectorised", "  audience fit"),
        (snapshots.FeatureSnapshot, "idf", "  idf"),
        (snapshots.FeatureSnapshot, "cosine", "  text cosine"),
        (brand_safety, "_safety_search", "brand safety search"),
        (brand_safety, "_safety_from_payload", "brand safety read"),
        (brand_safety.Safety, "snapshot_penalties", "brand safety penalties"),
        (matching, "_alignment", "alignment"),
        (matching, "_moodboard", "  mood board"),
        (matching, "_creator_codes", "creator codes"),
        (matching, "_frozen", "freeze features"),
        (matching, "_page", "page"),
        (matching, "part_scores", "  part scores"),
        (matching, "rank_groups", "  rank groups"),
        (matching, "page_inputs", "  page inputs"),
    ]
    for owner, attribute, label in parts:
        _timed(owner, attribute, label)
    # The values a fresh worker maps from the snapshot's folder instead of computing (where this
    # version of the code keeps them there), and the columns made once per snapshot.
    for owner, attribute, label in (
        (snapshots.FeatureSnapshot, "stored_arrays", "stored arrays (map or compute)"),
        (matching, "_stored_creator_codes", "creator codes (stored)"),
        (matching, "_ranking_columns", "ranking columns"),
    ):
        if hasattr(owner, attribute):
            _timed(owner, attribute, label)

    brands = Brand.objects.order_by("pk")
    if brand_ids:
        brands = brands.filter(pk__in=brand_ids)
    folder = Path(settings.RANKING_FEATURES_DIR)

    def fresh_worker(*, forget_stored: bool) -> None:
        snapshots.forget_loaded()
        matching.features_memo.clear()
        matching.idf_memo.clear()
        if forget_stored:
            for file in folder.glob("*/stored-*"):
                file.unlink()
        spent.clear()

    results = []
    for brand_id in brands.values_list("pk", flat=True):
        for case, forget in (("first", True), ("other", False)):
            best: dict[str, float] | None = None
            for _ in range(args.repeat):
                fresh_worker(forget_stored=forget)
                # As a request reads it (its mood-board count included).
                brand = Brand.objects.annotate(mood_board_count=Count("mood_board")).get(pk=brand_id)
                begun = time.perf_counter()
                matching.rank_creators_for_brand(brand=brand, limit=50)
                total = time.perf_counter() - begun
                if best is None or total < best["total"]:
                    best = {**spent, "total": total}
            assert best is not None
            results.append((brand_id, case, best))
            shown = "  ".join(f"{k.strip()} {v * 1000:.0f}" for k, v in best.items() if v >= 0.0005)
            print(f"brand {brand_id} {case}: {shown} (ms)")
    for case in ("first", "other"):
        totals = [r[2]["total"] for r in results if r[1] == case]
        if totals:
            metric = {"metric": f"first_ranking_{case}_worker", "value": round(1000 * sum(totals) / len(totals), 1)}
            print("BENCH " + json.dumps({**metric, "unit": "ms", "better": "lower"}))


if __name__ == "__main__":
    main()
