"""Run every benchmark of the project and print one table, compared with the previous run.

    python bench/run_all.py                 # small but meaningful sizes, a few minutes
    python bench/run_all.py --full          # the sizes of the targets (100k/1M vectors, 100k accounts...)
    python bench/run_all.py --only import,ranking
    python bench/run_all.py --list          # what would run, with which arguments
    python bench/run_all.py --database-url postgres://postgres@db:5432/vetted_bench

The benchmarks that need PostgreSQL (the API load, the cold end-to-end ranking, discovery's
EXPLAIN) run on --database-url (default $BENCH_DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/vetted_bench); a small run uses that name with "_small"
appended, so the two catalogue sizes never share a database. Each is created when missing.

Each benchmark runs as its own process (`bench/<script>.py ...`). A script reports its numbers
on lines of the form

    BENCH {"metric": "first import rows/s", "value": 32190, "unit": "rows/s", "better": "higher"}

(one JSON object per line: metric name, value, unit, and whether higher or lower is better);
for a script that prints no such line yet, run_all reads its human-readable summary lines.
Results are saved (default var/bench/last-<small|full>.json) and the next run shows the change
of each number, flagging in the last column any that got worse by more than --threshold percent,
so a change that slows anything down shows. Exit status: 0, or 1 with --strict when a benchmark
failed or regressed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_LINE = re.compile(r"^BENCH (\{.*\})\s*$")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vetted_bench"

Metric = dict  # {"metric", "value", "unit", "better"}


@dataclass
class Bench:
    """One benchmark script and the arguments of a small and of a full run."""

    name: str
    script: str
    small: list[str]
    full: list[str]
    what: str
    fallback: Callable[[str], list[Metric]] = lambda output: []
    needs_postgres: bool = False  # runs with --database-url <the PostgreSQL database of this size>
    timeout_small: int = 900
    timeout_full: int = 7200
    env: dict[str, str] = field(default_factory=dict)


# --- readers for scripts that do not print BENCH lines (their human summary lines) ---------


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _vision_pipeline(output: str) -> list[Metric]:
    found = re.search(r"RESULT pipeline: forward pass alone ([\d.,]+) img/s, whole pipeline ([\d.,]+) img/s", output)
    if not found:
        return []
    forward, pipeline = _num(found.group(1)), _num(found.group(2))
    return [
        {"metric": "embedding pipeline (file → vector)", "value": pipeline, "unit": "img/s", "better": "higher"},
        {"metric": "embedding model forward alone", "value": forward, "unit": "img/s", "better": "higher"},
        {
            "metric": "pipeline / raw model",
            "value": round(100 * pipeline / forward, 1),
            "unit": "%",
            "better": "higher",
        },
    ]


def _vision_index(output: str) -> list[Metric]:
    metrics = []
    pattern = (
        r"RESULT index n=(?P<n>[\d,]+)(?: in (?P<shards>\d+) shards)?: build (?P<build>[\d.]+)s.*?"
        r"query p50 (?P<p50>[\d.]+) ms p95 (?P<p95>[\d.]+) ms;.*?exact p50 (?P<exact>[\d.]+) ms.*?"
        r"recall@(?P<k>\d+) (?P<recall>[\d.]+)"
    )
    for match in re.finditer(pattern, output):
        n = f"{int(_num(match['n'])):,}" + (f" in {match['shards']} shards" if match["shards"] else "")
        metrics += [
            {"metric": f"index {n}: query p50", "value": float(match["p50"]), "unit": "ms", "better": "lower"},
            {"metric": f"index {n}: query p95", "value": float(match["p95"]), "unit": "ms", "better": "lower"},
            {
                "metric": f"index {n}: recall@{match['k']}",
                "value": float(match["recall"]),
                "unit": "",
                "better": "higher",
            },
            {"metric": f"index {n}: exact search p50", "value": float(match["exact"]), "unit": "ms", "better": "lower"},
            {"metric": f"index {n}: build", "value": float(match["build"]), "unit": "s", "better": "lower"},
        ]
    return metrics


def _vision_search(output: str) -> list[Metric]:
    metrics = []
    for match in re.finditer(
        r"RESULT creator search over ([\d,]+) creators \(([^)]*)\): p50 ([\d.]+) ms, p95 ([\d.]+) ms", output
    ):
        label = f"creator search {match.group(1)} ({match.group(2)})"
        metrics.append({"metric": f"{label} p95", "value": float(match.group(4)), "unit": "ms", "better": "lower"})
    return metrics


def _import(output: str) -> list[Metric]:
    found = re.search(r"first import: [\d.]+ s wall → ([\d,]+) accounts/s, ([\d,]+) rows/s", output)
    if not found:
        return []
    return [
        {"metric": "first import rows/s", "value": _num(found.group(2)), "unit": "rows/s", "better": "higher"},
        {"metric": "first import accounts/s", "value": _num(found.group(1)), "unit": "accounts/s", "better": "higher"},
    ]


def _rank(output: str) -> list[Metric]:
    found = re.search(r"rank time for ([\d,]+) accounts: ([\d.]+) s", output)
    if not found:
        return []
    return [
        {
            "metric": f"rank {found.group(1)} accounts",
            "value": round(float(found.group(2)) * 1000, 1),
            "unit": "ms",
            "better": "lower",
        }
    ]


def _api(output: str) -> list[Metric]:
    metrics = []
    for match in re.finditer(r"^(discovery|matching|all)\s+\d+\s+[\d.]+\s+([\d.]+)", output, re.MULTILINE):
        metrics.append(
            {"metric": f"API p95 {match.group(1)}", "value": float(match.group(2)), "unit": "ms", "better": "lower"}
        )
    return metrics


BENCHES = [
    Bench(
        "import",
        "import_bench.py",
        small=["--accounts", "10000", "--snapshots", "30"],
        full=["--accounts", "100000", "--snapshots", "30"],
        what="import_creators on SQLite (JSON Lines, 30 daily snapshots per account)",
        fallback=_import,
    ),
    Bench(
        "embedding",
        "vision_bench.py",
        small=["pipeline", "--images", "32", "--size", "640", "--rounds", "1"],
        full=["pipeline", "--images", "96", "--size", "1080", "--rounds", "3"],
        what="CLIP ViT-B-32 (random weights) images/s: JPEG file → vector vs the model's forward pass alone",
        fallback=_vision_pipeline,
    ),
    Bench(
        "index",
        "vision_bench.py",
        small=["index", "--sizes", "100000", "--queries", "100"],
        full=["index", "--sizes", "100000,1000000", "--queries", "200"],
        what="FAISS index (vision.ann) on CLIP-like vectors: top-50 query p50/p95 and recall vs exact search",
        fallback=_vision_index,
    ),
    Bench(
        "index_sharded",
        "vision_bench.py",
        small=["index", "--sizes", "100000", "--queries", "100", "--shards", "4"],
        full=["index", "--sizes", "1000000", "--queries", "200", "--shards", "4"],
        what="the same index in 4 shards (VISION_INDEX_SHARDS=4): parallel shard search, exact merge",
        fallback=_vision_index,
    ),
    Bench(
        "search",
        "vision_bench.py",
        small=["search", "--creators", "10000", "--queries", "50", "--skip-clip"],
        full=["search", "--creators", "100000", "--queries", "200"],
        what="end-to-end aesthetic creator search (index + aggregation + database rows)",
        fallback=_vision_search,
    ),
    Bench(
        "ranking",
        "rank_bench.py",
        small=["100000", "--repeat", "3"],
        full=["100000", "--repeat", "5"],
        what="brand ranking of 100,000 candidate accounts (vectorised scoring, best run)",
        fallback=_rank,
    ),
    Bench(
        "ranking_e2e",
        "rank_bench.py",
        small=["20000", "--repeat", "3", "--creators", "20000"],
        full=["100000", "--repeat", "5", "--creators", "100000"],
        what="cold brand ranking end to end (database → explained page), SQL path vs feature snapshot, with posts",
        needs_postgres=True,
        timeout_small=1800,
    ),
    Bench(
        "discovery",
        "discovery_explain.py",
        small=["--creators", "20000"],
        full=["--creators", "100000"],
        what="each discovery filter and sort uncached: the head query (capped count + page), EXPLAIN ANALYZE",
        needs_postgres=True,
        timeout_small=1800,
    ),
    Bench(
        "briefs",
        "brief_parser.py",
        small=["--quiet"],
        full=["--quiet"],
        what="the brief parser on its corpus (tests/vetting/briefs_corpus.py): per-field and exact accuracy",
    ),
    Bench(
        "overlap",
        "overlap_bench.py",
        small=["--draws", "40"],
        full=["--draws", "150"],
        what="audience-overlap estimator on synthetic audiences of known overlap: bias and interval coverage",
    ),
    Bench(
        "api",
        "api_load.py",
        small=["--creators", "20000", "--seconds", "15", "--clients", "10"],
        full=["--creators", "100000", "--seconds", "60", "--clients", "20"],
        what="API under load: gunicorn + PostgreSQL, concurrent clients on discovery and matching",
        fallback=_api,
        needs_postgres=True,
        timeout_small=1800,
    ),
    Bench(
        "api_varied",
        "api_load.py",
        small=["--creators", "20000", "--seconds", "15", "--clients", "10", "--varied", "--side-by-side"],
        full=["--creators", "100000", "--seconds", "60", "--clients", "20", "--varied", "--side-by-side"],
        what="API under load with random queries (filters, brands, weights), response cache on and off",
        needs_postgres=True,
        timeout_small=1800,
    ),
]


def database_for(url: str, *, full: bool) -> str:
    """The database of a run's size: the small run's name ends in "_small"."""
    if full:
        return url
    parts = urllib.parse.urlparse(url)
    return parts._replace(path=parts.path.rstrip("/") + "_small").geturl()


@dataclass
class Outcome:
    bench: Bench
    status: str  # ok | failed | skipped
    seconds: float = 0.0
    metrics: list[Metric] = field(default_factory=list)
    detail: str = ""


def _postgres_reachable(url: str) -> bool:
    parts = urllib.parse.urlparse(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
        return True
    except OSError:
        return False


def parse_output(output: str, fallback: Callable[[str], list[Metric]]) -> list[Metric]:
    """The BENCH lines of a script's output, or what its fallback reader finds in it."""
    metrics = []
    for line in output.splitlines():
        match = BENCH_LINE.match(line.strip())
        if match:
            try:
                item = json.loads(match.group(1))
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and "metric" in item and isinstance(item.get("value"), (int, float)):
                metrics.append(item)
    return metrics or fallback(output)


def bench_args(bench: Bench, *, full: bool, database_url: str) -> list[str]:
    args = list(bench.full if full else bench.small)
    if bench.needs_postgres:
        args += ["--database-url", database_for(database_url, full=full)]
    return args


def run_bench(bench: Bench, *, full: bool, log_dir: Path, database_url: str = DEFAULT_DATABASE_URL) -> Outcome:
    """Run one benchmark script to completion (or its timeout) and read its numbers."""
    if bench.needs_postgres and not _postgres_reachable(database_url):
        return Outcome(bench, "skipped", detail=f"PostgreSQL is not reachable at {database_url}")
    script = ROOT / "bench" / bench.script
    if not script.is_file():
        return Outcome(bench, "skipped", detail=f"bench/{bench.script} does not exist")
    args = bench_args(bench, full=full, database_url=database_url)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **bench.env}
    log = log_dir / f"{bench.name}.log"
    started = time.perf_counter()
    print(f"[run_all] {bench.name}: python bench/{bench.script} {' '.join(args)}  (log: {log})", flush=True)
    # Output goes to the log as it comes (`tail -f` it to watch a long run), then is parsed.
    with log.open("w") as out:
        try:
            code = subprocess.run(
                [sys.executable, str(script), *args],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=bench.timeout_full if full else bench.timeout_small,
            ).returncode
        except subprocess.TimeoutExpired:
            out.write("\n[run_all] timed out\n")
            code = -1
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    metrics = parse_output(output, bench.fallback)
    if code != 0:
        tail = "\n".join(output.strip().splitlines()[-5:])
        return Outcome(bench, "failed", seconds, metrics, f"exit {code}; log {log}\n{tail}")
    if not metrics:
        return Outcome(bench, "failed", seconds, detail=f"no numbers found in its output; log {log}")
    return Outcome(bench, "ok", seconds, metrics)


def _format(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def change(metric: Metric, previous: dict[str, float], threshold: float) -> tuple[str, bool]:
    """('+12%', regressed?) against the previous run's value of the same metric."""
    key = metric["metric"]
    if key not in previous or not previous[key]:
        return "", False
    delta = (metric["value"] - previous[key]) / abs(previous[key]) * 100
    worse = -delta if metric.get("better", "lower") == "higher" else delta
    return f"{delta:+.0f}%", worse > threshold


def print_table(outcomes: list[Outcome], previous: dict[str, dict[str, float]], threshold: float) -> int:
    """Print the results table; returns how many numbers got worse beyond the threshold."""
    rows = [("benchmark", "metric", "value", "unit", "vs last", "")]
    regressions = 0
    for outcome in outcomes:
        name = outcome.bench.name
        if outcome.status != "ok" and not outcome.metrics:
            rows.append((name, outcome.status.upper(), "-", "", "", outcome.detail.splitlines()[0][:60]))
            continue
        for metric in outcome.metrics:
            delta, worse = change(metric, previous.get(name, {}), threshold)
            regressions += worse
            flag = "WORSE" if worse else ""
            rows.append((name, metric["metric"], _format(metric["value"]), metric.get("unit", ""), delta, flag))
        if outcome.status != "ok":
            rows.append((name, outcome.status.upper(), "", "", "", outcome.detail.splitlines()[0][:60]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    aligns = ["<", "<", ">", "<", ">", "<"]
    for index, row in enumerate(rows):
        print(
            "  ".join(
                f"{str(cell):{align}{width}}" for cell, align, width in zip(row, aligns, widths, strict=True)
            ).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths).rstrip())
    return regressions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the sizes of the targets (takes much longer)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(b.name for b in BENCHES)}")
    parser.add_argument("--list", action="store_true", help="show what would run and exit")
    parser.add_argument("--save", default="", help="results file (default var/bench/last-<small|full>.json)")
    parser.add_argument("--compare", default="", help="results file to compare with (default: the --save file)")
    parser.add_argument("--threshold", type=float, default=15.0, help="percent worse that counts as a regression")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a benchmark fails or regresses")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL of the benchmarks that need it (a small run appends _small to its name)",
    )
    args = parser.parse_args()

    chosen = BENCHES
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {b.name for b in BENCHES}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        chosen = [b for b in BENCHES if b.name in wanted]
    if args.list:
        for bench in chosen:
            print(
                f"{bench.name:<12} bench/{bench.script} "
                f"{' '.join(bench_args(bench, full=args.full, database_url=args.database_url))}\n"
                f"{'':<12} {bench.what}"
            )
        return 0

    size = "full" if args.full else "small"
    save = Path(args.save) if args.save else ROOT / "var" / "bench" / f"last-{size}.json"
    compare = Path(args.compare) if args.compare else save
    previous: dict[str, dict[str, float]] = {}
    if compare.is_file():
        stored = json.loads(compare.read_text())
        previous = {
            name: {m["metric"]: m["value"] for m in entry.get("metrics", [])}
            for name, entry in stored.get("benches", {}).items()
        }
    log_dir = save.parent / f"logs-{size}"
    log_dir.mkdir(parents=True, exist_ok=True)

    print(
        f"[run_all] {len(chosen)} benchmark(s), {size} sizes, load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (other work on the machine slows wall times)",
        flush=True,
    )
    started = time.perf_counter()
    outcomes = [run_bench(bench, full=args.full, log_dir=log_dir, database_url=args.database_url) for bench in chosen]
    print()
    regressions = print_table(outcomes, previous, args.threshold)
    print(
        f"\n{sum(o.status == 'ok' for o in outcomes)} ok, {sum(o.status == 'failed' for o in outcomes)} failed, "
        f"{sum(o.status == 'skipped' for o in outcomes)} skipped in {time.perf_counter() - started:.0f} s; "
        f"{regressions} number(s) worse than the last run by more than {args.threshold:.0f}%"
        + (f" (compared with {compare})" if previous else " (no earlier run to compare with)")
    )
    for outcome in outcomes:
        if outcome.status != "ok":
            print(f"\n{outcome.bench.name}: {outcome.status}: {outcome.detail}")

    merged = {"benches": {}}
    if save.is_file():  # keep the numbers of benchmarks not run this time (--only)
        merged = json.loads(save.read_text())
    for outcome in outcomes:
        if outcome.status == "ok":
            merged["benches"][outcome.bench.name] = {
                "metrics": outcome.metrics,
                "seconds": round(outcome.seconds, 1),
                "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
    save.parent.mkdir(parents=True, exist_ok=True)
    save.write_text(json.dumps(merged, indent=1, ensure_ascii=False))
    failed = any(o.status == "failed" for o in outcomes)
    return 1 if args.strict and (failed or regressions) else 0


if __name__ == "__main__":
    sys.exit(main())
