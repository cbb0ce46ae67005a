"""Time brand safety at ranking time: a brand's catalogue-wide search of recent posts for its
excluded words and competitors, and the first ranking of the brand in a worker that has just
mapped the feature snapshot.

Usage: python bench/safety_bench.py --database-url postgres://.../vetted_bench [--brands 1,3] [--repeat 3]

Read-only on the database (no migration, no write; run it against a catalogue of
bench/bench_catalogue.py with the brands of bench/api_load.py, e.g. the 100k bench database): the
feature snapshot and the brand-safety files go to a temporary RANKING_FEATURES_DIR. Per brand with
exclusions or competitors, the best of R runs of:

- the search's SQL: PostgreSQL's execution time of the generated query (EXPLAIN ANALYZE), and
  whether its plan uses an index (the pg_trgm indexes of influencers migration 0014, the Han-bigram
  index of 0015 for a two-character Chinese term), scans the posts, or both (`brand_safety._safety_query`);
- `_safety_posts`: that query end to end (its rows fetched), then the pure matcher over its rows
  (`brand_safety._row_matches`), then the whole search (`_safety_search`: rows, matcher, the hits
  charged, grouped and packed as stored);
- the first ranking of the brand by a worker that has just mapped the snapshot, nothing memoised:
  on a fresh host (nothing stored beside the snapshot: the brand's hits, its columns, the page
  inputs), with only the brand's hits missing (its rules were just edited: the warm task has not
  run), and with everything stored (any other worker of the host, or a restart).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_timing import bench_line, ready_snapshot, snapshot_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--brands", default="", help="brand ids, comma-separated (default: every brand with rules)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--changed",
        default="100,1000",
        help="also time the stored hits carried to a catalogue whose follow-up rewrote this many random accounts "
        "(comma-separated; empty: not)",
    )
    args = parser.parse_args()
    with snapshot_django(args.database_url, prefix="safety-bench-features-"):
        run(args, brand_ids=[int(b) for b in args.brands.split(",") if b])


def run(args: argparse.Namespace, *, brand_ids: list[int]) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from influencers.models import Post
    from vetting.features import snapshot as snapshots
    from vetting.models import Brand
    from vetting.services import brand_safety, matching

    brands = Brand.objects.order_by("pk")
    if brand_ids:
        brands = brands.filter(pk__in=brand_ids)
    brands = [b for b in brands if any(brand_safety.safety_rules(b))]
    if not brands:
        sys.exit("no brand with excluded keywords, topics or competitors in this database")
    ready_snapshot(f", {Post.objects.count():,} posts")

    def fresh_worker() -> None:
        snapshots.forget_loaded()
        matching.features_memo.clear()
        matching.idf_memo.clear()

    def forget_stored() -> None:
        fresh_worker()
        for file in Path(settings.RANKING_FEATURES_DIR).glob("*/stored-*"):
            file.unlink()

    def safety_files(brand: Any) -> set[Path]:
        """The files the brand's stored hits make beside the snapshot (those alone)."""
        forget_stored()
        matching.rank_creators_for_brand(brand=brand, limit=50)  # stores everything
        before = set(Path(settings.RANKING_FEATURES_DIR).glob("*/stored-*"))
        for file in before:
            file.unlink()
        fresh_worker()
        brand_safety.stored_safety(
            snapshots.current_snapshot(wait=True), brand, brand_safety.safety_rules(brand), timezone.localdate()
        )
        made = set(Path(settings.RANKING_FEATURES_DIR).glob("*/stored-*"))
        fresh_worker()
        matching.rank_creators_for_brand(brand=brand, limit=50)  # the others again
        return {file for file in made if not file.name.endswith(".lock")}

    for brand in brands:
        rules = f"keywords {brand.excluded_keywords}, topics {brand.excluded_topics}, competitors {brand.competitors}"
        with CaptureQueriesContext(connection) as queries:
            rows = brand_safety._safety_posts(None, brand)
        (sql,) = [q["sql"] for q in queries.captured_queries if "influencers_post" in q["sql"]]
        plan = ""
        executed = float("nan")
        if connection.vendor == "postgresql":
            runs = []
            for _ in range(args.repeat):
                with brand_safety._search_settings(connection.alias) as cursor:  # as the search runs it
                    cursor.execute("EXPLAIN (ANALYZE) " + sql)
                    lines = [row[0] for row in cursor.fetchall()]
                found = re.search(r"Execution Time: ([\d.]+) ms", "\n".join(lines))
                runs.append(float(found.group(1)) / 1000 if found else float("nan"))
            executed = min(runs)
            indexed = any("Bitmap Index Scan" in line for line in lines)
            scanned = any(re.search(r"Seq Scan on influencers_post\b", line) for line in lines)
            plan = "+".join(name for name, used in (("index", indexed), ("scan", scanned)) if used)
        search = timed(lambda brand=brand: brand_safety._safety_posts(None, brand), args.repeat)[0]

        def match(brand=brand, rows=rows) -> None:
            brand_safety._row_matches(rows, brand)

        matcher = timed(match, args.repeat)[0]
        whole = timed(lambda brand=brand: brand_safety._safety_search(brand), args.repeat)[0]

        def ranking(brand=brand) -> None:
            matching.rank_creators_for_brand(brand=brand, limit=50)

        without = timed(ranking, args.repeat, before=forget_stored)[0]
        own = safety_files(brand)

        def forget_hits(own=own) -> None:
            fresh_worker()
            for file in own:
                file.unlink(missing_ok=True)

        hits_only = timed(ranking, args.repeat, before=forget_hits)[0]
        ranking()  # stores the brand's hits
        stored = timed(ranking, args.repeat, before=fresh_worker)[0]
        print(
            f"brand {brand.pk} ({rules}): {len(rows):,} posts found; SQL {executed * 1000:.0f} ms ({plan}), "
            f"_safety_posts {search * 1000:.0f} ms, matcher {matcher * 1000:.0f} ms, whole search "
            f"{whole * 1000:.0f} ms; first ranking in a worker: {without * 1000:.0f} ms on a fresh host, "
            f"{hits_only * 1000:.0f} ms with only its hits missing, {stored * 1000:.0f} ms with the stored hits"
        )
        if connection.vendor == "postgresql":
            bench_line(f"brand safety SQL, brand {brand.pk}", executed)
        bench_line(f"brand safety search end to end, brand {brand.pk}", search)
        bench_line(f"brand safety matcher, brand {brand.pk}", matcher)
        bench_line(f"brand safety whole search, brand {brand.pk}", whole)
        bench_line(f"first ranking in a worker, brand {brand.pk}, searching the posts", without)
        bench_line(f"first ranking in a worker, brand {brand.pk}, only its hits missing", hits_only)
        bench_line(f"first ranking in a worker, brand {brand.pk}, stored hits", stored)
        for count in [int(c) for c in args.changed.split(",") if c]:
            carried(snapshots.current_snapshot(wait=True), brand, count, args.repeat)


def carried(base: Any, brand: Any, count: int, repeat: int) -> None:
    """The brand's stored hits for a catalogue version made from `base` by a follow-up that
    rewrote `count` random accounts (nothing changed in the database: the rows rewritten are the
    same), carried from `base`'s (`brand_safety._carried_safety`), timed, and checked byte for byte
    against `base`'s (which the catalogue-wide search made)."""
    import numpy as np
    from django.utils import timezone

    from vetting.features import snapshot as snapshots
    from vetting.services import brand_safety

    rules, today = brand_safety.safety_rules(brand), timezone.localdate()
    key = brand_safety.safety_key(rules, today)

    def missing() -> dict[str, Any]:
        raise SystemExit(f"brand {brand.pk}: no stored hits beside the snapshot")

    searched = base.stored_arrays(key, missing)  # stored by the rankings above
    changed = np.random.default_rng(count).choice(base["account_id"], count, replace=False).tolist()
    made = snapshots.incremental_snapshot(base, changed)
    if made is None:
        print(f"brand {brand.pk}: {count:,} accounts rewritten is past the incremental snapshot's limit")
        return
    folder = base.path.parent / f"{base.path.name}-rewrote-{count}"
    snapshots.write_snapshot(made, folder)
    newer = snapshots.load_snapshot(folder)
    seconds = timed(lambda: brand_safety._carried_safety(newer, brand, key), repeat)[0]
    brand_safety.stored_safety(newer, brand, rules, today)  # carries them, as a ranking does, and stores them
    arrays = newer.stored_arrays(key, missing)
    same = all(np.asarray(arrays[n]).tobytes() == np.asarray(searched[n]).tobytes() for n in searched)
    print(
        f"brand {brand.pk}: after a follow-up rewrote {count:,} accounts ({len(newer.meta['rewrote_creators']):,} "
        f"creators), its hits carried in {seconds * 1000:.0f} ms; the same bytes as the search: {same}"
    )
    if not same:
        raise SystemExit("the carried hits differ from the catalogue-wide search's")
    bench_line(f"brand safety carried, {count} accounts rewritten, brand {brand.pk}", seconds)


if __name__ == "__main__":
    main()
