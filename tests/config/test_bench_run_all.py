"""bench/run_all.py reads benchmark numbers (BENCH lines, or a script's summary lines) and flags
numbers that got worse in the right direction."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("run_all", ROOT / "bench" / "run_all.py")
run_all = importlib.util.module_from_spec(_spec)
sys.modules["run_all"] = run_all  # dataclasses look their module up while the class is made
_spec.loader.exec_module(run_all)


def test_bench_lines_win_over_the_summary_reader():
    output = (
        "first import: 4.97 s wall → 1,006 accounts/s, 32,190 rows/s (written)\n"
        'BENCH {"metric": "first import rows/s", "value": 40000, "unit": "rows/s", "better": "higher"}\n'
        "BENCH {not json}\n"
    )
    metrics = run_all.parse_output(output, run_all._import)
    assert metrics == [{"metric": "first import rows/s", "value": 40000, "unit": "rows/s", "better": "higher"}]
    assert run_all.parse_output(output.splitlines()[0], run_all._import)[0]["value"] == 32190


def test_vision_summary_lines_are_read():
    output = (
        "RESULT pipeline: forward pass alone 20.0 img/s, whole pipeline 18.0 img/s = 90% (without prefetch 70%)\n"
        "RESULT index n=1,000,000: build 600s (10.0 min); top-50 query p50 3.10 ms p95 5.20 ms; exact p50 900.0 ms "
        "p95 950.0 ms; speed-up 290× (p50); recall@50 0.981 (min 0.90) over 200 fresh queries\n"
        "RESULT index n=1,000,000 in 4 shards: build 700s (11.7 min); top-50 query p50 4.10 ms p95 6.20 ms; exact "
        "p50 900.0 ms p95 950.0 ms; speed-up 220× (p50); recall@50 0.990 (min 0.90) over 200 fresh queries\n"
    )
    pipeline = {m["metric"]: m["value"] for m in run_all._vision_pipeline(output)}
    assert pipeline["pipeline / raw model"] == 90.0
    index = {m["metric"]: m["value"] for m in run_all._vision_index(output)}
    assert index["index 1,000,000: query p95"] == 5.2
    assert index["index 1,000,000: recall@50"] == 0.981
    assert index["index 1,000,000 in 4 shards: query p95"] == 6.2
    assert index["index 1,000,000 in 4 shards: recall@50"] == 0.99


def test_change_flags_only_the_worse_direction():
    slower = {"metric": "q", "value": 130.0, "better": "lower"}
    fewer = {"metric": "r", "value": 80.0, "better": "higher"}
    assert run_all.change(slower, {"q": 100.0}, 15) == ("+30%", True)
    assert run_all.change(fewer, {"r": 100.0}, 15) == ("-20%", True)
    assert run_all.change({"metric": "r", "value": 130.0, "better": "higher"}, {"r": 100.0}, 15) == ("+30%", False)
    assert run_all.change(slower, {}, 15) == ("", False)


def test_the_database_url_reaches_the_benches_that_need_postgres():
    url = "postgres://bench@db.example:5433/perf"
    assert run_all.database_for(url, full=True) == url
    assert run_all.database_for(url, full=False) == "postgres://bench@db.example:5433/perf_small"
    by_name = {b.name: b for b in run_all.BENCHES}
    assert run_all.bench_args(by_name["ranking_e2e"], full=True, database_url=url)[-2:] == ["--database-url", url]
    assert "--database-url" not in run_all.bench_args(by_name["ranking"], full=True, database_url=url)
