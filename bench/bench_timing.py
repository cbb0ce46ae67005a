"""What the ranking benches share: timing a call over repeats, printing a BENCH line,
starting Django on a bench database with the ranking feature snapshot in a folder of its own, and
that snapshot built or mapped before anything is timed."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def timed(run: Callable[[], object], repeat: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """Best and median seconds of `repeat` calls of run() (before() untimed ahead of each)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), sorted(times)[len(times) // 2]


def bench_line(metric: str, seconds: float) -> None:
    print("BENCH " + json.dumps({"metric": metric, "value": round(seconds * 1000, 1), "unit": "ms", "better": "lower"}))


def ready_snapshot(what: str = "") -> Any:
    """The catalogue's feature snapshot, built or mapped now (exits when there is none), after
    printing its size, `what` (more about the catalogue), the time it took and the load average."""
    from vetting.features import snapshot as snapshots

    started = time.perf_counter()
    snapshot = snapshots.current_snapshot(wait=True)
    if snapshot is None:
        sys.exit("no feature snapshot (is CACHE_URL set and reachable?)")
    print(
        f"{len(snapshot):,} accounts{what}; snapshot ready in {time.perf_counter() - started:.1f} s; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    return snapshot


@contextmanager
def snapshot_django(database_url: str, *, features_dir: str = "", prefix: str) -> Iterator[Path]:
    """Django set up on `database_url` with the feature snapshot on, in `features_dir` (else a
    temporary folder, removed afterwards) and response caching off; yields the folder."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.RANKING_FEATURE_SNAPSHOT = True
    folder = Path(features_dir or tempfile.mkdtemp(prefix=prefix))
    settings.RANKING_FEATURES_DIR = folder
    settings.API_RESPONSE_CACHE_SECONDS = 0
    try:
        yield folder
    finally:
        if not features_dir:
            shutil.rmtree(folder, ignore_errors=True)
