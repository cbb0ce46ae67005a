"""The benchmark dicts the engagement reports share (one per table, platform and tier) and the
benchmark messages made once for each (vetting.scoring.engagement, vetting.scoring.risk): the
same dicts as `benchmark_for` makes, each table's own, and signals whose JSON is the same as
with the messages made anew for every account."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
import random

import pytest

from core.stored_json import stored_json
from vetting.scoring import engagement as eng
from vetting.scoring.engagement import PostStats, StoredEngagement, benchmark_for, engagement_report, load_benchmarks
from vetting.scoring.risk import engagement_signals, reach_signals

T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
FOLLOWERS = [0.0, 500.0, 9_999.0, 10_000.0, 60_000.0, 400_000.0, 3_000_000.0]


def _platforms() -> list[str]:
    return [*load_benchmarks()["platforms"], "myspace"]


def test_shared_benchmark_is_benchmark_for_made_once():
    table = load_benchmarks()
    for platform in _platforms():
        for followers in FOLLOWERS:
            shared = eng._shared_benchmark(platform, followers, table)
            assert shared == benchmark_for(platform, followers, table)
            assert eng._shared_benchmark(platform, followers, table) is shared
            assert shared is None or eng.is_shared_benchmark(shared)
            assert shared is None or not eng.is_shared_benchmark(copy.deepcopy(shared))


def _table_with_micro_median(median: float) -> dict:
    table = json.loads(json.dumps(load_benchmarks()))
    table["platforms"]["instagram"]["tiers"]["micro"] = {"median": median, "low": median / 2, "high": median * 2}
    return table


def test_each_table_has_its_own_benchmarks():
    # Tables made and dropped one after the other (a new one may take a dropped one's address):
    # each report reads its own table's numbers.
    for median in [0.2, 0.01, 0.3, 0.05]:
        table = _table_with_micro_median(median)
        report = engagement_report(platform="instagram", followers=20_000, posts=[], table=table)
        assert report.benchmark is not None and report.benchmark["median"] == median
        del table, report
        gc.collect()


def _posts(rng: random.Random) -> list[PostStats]:
    level = rng.choice([0.001, 0.02, 0.3])
    out = []
    for i in range(rng.choice([0, 3, 12, 30])):
        likes = int(rng.choice([0, 1, 5_000]) * level * 100 * rng.uniform(0.5, 1.5))
        views = rng.choice([None, 0, int(rng.uniform(1, 4) * 10 ** rng.randint(2, 7))])
        shares = rng.choice([None, 0, 40])
        out.append(PostStats(i, T0 - dt.timedelta(days=3 * i), likes, rng.choice([0, 1, 30]), shares, None, views))
    return out


def _signals_json(report: eng.EngagementReport) -> str:
    return stored_json([s.as_report() for s in engagement_signals(report) + reach_signals(report)])


@pytest.mark.parametrize("seed", range(4))
def test_signals_of_a_shared_benchmark_are_those_made_anew(seed):
    # The same JSON whether the benchmark messages come from the shared benchmark's (made once)
    # or are made for a copy of it, which is not shared (as for every account before).
    rng = random.Random(seed)
    compared = 0
    for _ in range(100):
        platform, followers = rng.choice(_platforms()), rng.choice(FOLLOWERS)
        stored = rng.choice([None, StoredEngagement(rng.choice([None, 0.0004, 0.02, 0.4]), "by followers", 12)])
        report = engagement_report(platform=platform, followers=followers, posts=_posts(rng), stored=stored)
        shared = _signals_json(report)
        assert _signals_json(report) == shared  # made once, then reused
        if report.benchmark is not None:
            assert eng.is_shared_benchmark(report.benchmark)
            report.benchmark = copy.deepcopy(report.benchmark)
            compared += 1
        assert _signals_json(report) == shared
    assert compared
