"""Load benchmark of the API: discovery and matching under 20 concurrent clients.

    python bench/api_load.py [--seconds 60] [--clients 20] [--creators 100000] [--reload]
        [--workers N] [--threads N] [--no-cache] [--no-matching] [--no-prime] [--warmup S]
        [--varied] [--side-by-side] [--no-snapshot] [--no-safety-warm] [--no-columns] [--database-url URL]

1. Creates the PostgreSQL database named by DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/vetted_bench) if needed and migrates it.
2. Loads N synthetic creators (bench/bench_catalogue.py: metrics with vetting text terms, an
   audience and 5 posts per account), in bulk; skipped when the database already holds N
   (use --reload to start over). Brands and 20 member users with tokens are created.
3. Starts gunicorn on 127.0.0.1 (DEBUG off), waits for /api/health/.
4. Sends each distinct query once, one at a time, and prints these cold latencies (what the
   first user after a data change waits; --no-prime skips it). Responses are cached in the
   Redis database --cache-url (flushed first; --no-cache turns response caching off).
5. Runs the clients (threads, keep-alive http.client connections) for --seconds against a mix
   of discovery queries (filters, sorts, pages), brand matching and /api/health/ (one request
   in ten: the in-run anchor, what the server answers when it does no work). By default the
   queries cycle through a fixed list of 15; --varied draws each one at random (filters, sorts,
   pages, one of 8 brands, weights, matching filters), as marketers who do not repeat queries.
6. Prints p50/p95/p99 latency per kind and overall, throughput, the error count and the
   cache-hit ratio (the share of requests repeating a query already answered in the run with
   response caching on: an upper bound of what the cache served).

--side-by-side runs the clients twice on one catalogue, response caching on then off (with
--no-cache semantics: Redis still holds data versions and throttles, no response is cached),
and prints both columns. --no-snapshot turns the ranking feature snapshot off (the SQL path), --no-columns the in-memory
discovery columns (influencers/selectors/discovery_columns.py).

Target: p95 ≤ 150 ms for discovery and matching at 20 concurrent clients, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_catalogue import CATEGORIES, COUNTRIES, PLATFORMS, ensure_database, load_catalogue, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/vetted_bench"
FEATURES_DIR = ROOT / "var" / "bench-ranking-features"
ORG_NAME = "Bench Agency"


BRAND_VALUES = [
    ["natural", "sustainable", "环保"],
    ["travel", "adventure", "旅行"],
    ["food", "street food", "美食"],
    ["tech", "honest review"],
    ["fashion", "sustainable", "穿搭"],
    ["fitness", "workout"],
    ["gaming"],
    ["family", "亲子"],
]


def ensure_users(clients: int) -> tuple[list[str], int]:
    """`clients` editors of the bench organisation (one token each: per-user throttling is real),
    and BRAND_COUNT brands (the first is "Bench brand"); returns the tokens and its id."""
    tokens, brand_ids = ensure_users_and_brands(clients)
    return tokens, brand_ids[0]


def ensure_users_and_brands(clients: int) -> tuple[list[str], list[int]]:
    from core.services.tenancy import member_add
    from vetting.models import Brand

    tokens = []
    for i in range(max(1, clients)):
        added = member_add(org_name=ORG_NAME, username=f"bench{i}", role="editor", create_token=True)
        tokens.append(added.token)
    organization = added.membership.organization
    rng = random.Random(7)
    brand_ids = []
    for i in range(BRAND_COUNT):
        home = ["CN", "TW"] if i % 2 == 0 else rng.sample(COUNTRIES, k=2)
        brand, _ = Brand.objects.get_or_create(
            organization=organization,
            name="Bench brand" if i == 0 else f"Bench brand {i + 1}",
            defaults={
                "values": BRAND_VALUES[i % len(BRAND_VALUES)],
                "target_audience": {
                    "countries": {"weight": 1.0, "values": {home[0]: 0.7, home[1]: 0.3}},
                    "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
                    "gender": {"weight": 0.5, "values": {"female" if i % 3 else "male": 1.0}},
                    "interests": {"weight": 0.5, "values": {CATEGORIES[i % len(CATEGORIES)]: 1.0}},
                },
                "excluded_keywords": ["gambling", "赌博"] if i % 2 == 0 else [],
                "competitors": ["Rival Cosmetics"] if i % 4 == 0 else [],
            },
        )
        brand_ids.append(brand.pk)
    return tokens[:clients], brand_ids


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(
    url: str, cache_url: str = "", cache_seconds: int = 0, *, snapshot: bool = True, columns: bool = True
) -> dict[str, str]:
    """The environment of the bench's server (and of the commands run beside it)."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        # Response caching needs a cache every worker shares (the data version lives there).
        "CACHE_URL": cache_url,
        "API_RESPONSE_CACHE_SECONDS": str(cache_seconds if cache_url else 0),
        # The ranking feature snapshot needs the shared data version too.
        "RANKING_FEATURE_SNAPSHOT": "true" if snapshot and cache_url else "false",
        "RANKING_FEATURES_DIR": str(FEATURES_DIR),
        # Uncached discovery from the in-memory columns (they need the shared data version too).
        "DISCOVERY_COLUMNS": "true" if columns and cache_url else "false",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }


def start_server(
    url: str,
    port: int,
    workers: int,
    threads: int,
    cache_url: str = "",
    cache_seconds: int = 0,
    *,
    snapshot: bool = True,
    columns: bool = True,
) -> subprocess.Popen:
    env = server_env(url, cache_url, cache_seconds, snapshot=snapshot, columns=columns)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} (port {port} taken?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health/")
            if conn.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("the server did not answer /api/health/ within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


DISCOVERY_QUERIES = [
    "",
    "sort=-engagement_rate",
    "platform=instagram&min_followers=100000",
    "platform=tiktok&min_engagement_rate=0.05&sort=-engagement_rate",
    "country=CN,TW&min_followers=10000&max_fake_risk=0.3",
    "min_growth_30d=0.1&sort=-growth_30d",
    "audience_country=CN&audience_country_min=0.5&min_followers=50000",
    "audience_age=18-24&audience_age_min=0.5&platform=xiaohongshu",
    "language=zh&category=beauty&has_contact_email=true",
    "risk_level=low&min_followers=1000000",
    "page=3&page_size=50&sort=-followers",
    "max_followers=5000&sort=followers",
]


MATCHING_QUERIES = ["", "?w_audience=0.6&w_authenticity=0.2&w_value=0.1&w_engagement=0.1", "?offset=50"]


def request_headers(token: str) -> dict[str, str]:
    # A fixed Host (not 127.0.0.1:<port>): cached answers are keyed by host, and each run picks a
    # free port, so --keep-cache would otherwise never find the previous run's entries.
    return {"Authorization": f"Token {token}", "Accept": "application/json", "Host": "localhost"}


def prime(port: int, token: str, brand_id: int, matching: bool) -> dict[str, list[float]]:
    """Each distinct query once, one at a time: what the first user after a data change waits
    (nothing is cached yet). Also leaves the response cache warm for the measured run."""
    cold: dict[str, list[float]] = {"discovery": [], "matching": []}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = request_headers(token)
    paths = [("discovery", "/api/creators/" + (f"?{q}" if q else "")) for q in DISCOVERY_QUERIES]
    if matching:
        paths += [("matching", f"/api/brands/{brand_id}/matches/{q}") for q in MATCHING_QUERIES]
    for kind, path in paths:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        cold[kind].append(time.perf_counter() - started)
        if response.status != 200:
            print(f"  prime {path} -> {response.status}")
    conn.close()
    for kind, values in cold.items():
        if values:
            print(
                f"cold (first request of each query, sequential) {kind}: n={len(values)} "
                f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
            )
    return cold


def wait_for_snapshot(port: int, token: str, brand_id: int, timeout: float = 600) -> None:
    """Ask for one ranking (which starts the feature snapshot's build in the background when
    the catalogue version has none) and wait until no build holds the host's build lock: the
    measured run then finds the snapshot, as a server does after its first minute."""
    import fcntl

    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", f"/api/brands/{brand_id}/matches/?limit=1", headers=request_headers(token))
    conn.getresponse().read()
    conn.close()
    time.sleep(1.0)
    FEATURES_DIR.mkdir(parents=True, exist_ok=True)
    with open(FEATURES_DIR / ".build.lock", "a+b") as handle:
        while time.perf_counter() - started < timeout:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(1.0)
                continue
            fcntl.flock(handle, fcntl.LOCK_UN)
            break
    print(f"feature snapshot ready after {time.perf_counter() - started:.0f} s")


def store_brand_safety_hits(args: argparse.Namespace) -> None:
    """Store the brands' brand-safety hits beside the snapshot, as the import follow-up and the
    midnight beat do on a live catalogue (the bench's was loaded in bulk, without follow-up)."""
    env = server_env(args.database_url, args.cache_url, snapshot=True)
    command = [sys.executable, str(ROOT / "manage.py"), "warm_brand_safety"]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    done.check_returncode()
    print(done.stdout.strip())  # what it stored and how long it took (its log goes to stderr)


def warm_discovery_columns(port: int, token: str, creators: int) -> None:
    """Start every worker's build of the in-memory discovery columns (one discovery request on
    each of 8 connections reaches every worker) and give them the time a build takes (~5 s per
    100k creators on a loaded 2-core host, measured): the run then finds them, as a server does
    after its first minute. Requests arriving before would read the database meanwhile."""

    def ask() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("GET", "/api/creators/?platform=tiktok", headers=request_headers(token))
        conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait = max(5.0, 8.0 * creators / 100_000)
    time.sleep(wait)
    print(f"discovery columns: waited {wait:.0f} s for their build")


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group `pgid`
    (gunicorn's master and workers): a per-request cost the shared machine's load does not skew
    the way it skews latency."""
    return _cpu_seconds(lambda entry, fields: int(fields[2]) == pgid)


class PostgresCpu:
    """CPU seconds used by the PostgreSQL backends connected to `database` between start() and
    stop(). Sampled twice a second per backend process, so a backend that exits during the run
    (the server closes connections older than DB_CONN_MAX_AGE) still counts up to its last sample."""

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.running = threading.Event()
        self.thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def _sample(self) -> dict[int, float]:
        seen = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:  # a backend's title: "postgres: USER DATABASE HOST(PORT) STATE"
                title = (entry / "cmdline").read_bytes()
                if not (title.startswith(b"postgres: ") and self.marker in title):
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return seen

    def _sample_until_stopped(self) -> None:
        while self.running.is_set():
            for pid, cpu in self._sample().items():
                self.first.setdefault(pid, 0.0)  # a backend started during the run counts from 0
                self.last[pid] = cpu
            time.sleep(0.5)

    def start(self) -> None:
        self.first = self._sample()
        self.last = dict(self.first)
        self.running.set()
        self.thread.start()

    def stop(self) -> float:
        self.running.clear()
        self.thread.join()
        for pid, cpu in self._sample().items():
            self.first.setdefault(pid, 0.0)
            self.last[pid] = cpu
        return sum(self.last[pid] - self.first.get(pid, 0.0) for pid in self.last)


def _cpu_seconds(wanted: Any) -> float:
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields after "(comm)": state ppid pgrp ... utime(12) stime(13)
        if wanted(entry, fields):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


BRAND_COUNT = 8
BENCH_DATABASE_KEY = "vetted-bench:database"  # in the cache: the database whose data versions it holds
SORTS = ["", "-followers", "-engagement_rate", "engagement_rate", "-growth_30d", "fake_risk", "name", "-created"]


def varied_discovery(rng: random.Random) -> str:
    """A random discovery query: 0-3 filters drawn from what marketers set, a sort, a page."""
    params: list[tuple[str, str]] = []

    def follower_range() -> list[tuple[str, str]]:
        # A band as marketers set it (micro, mid-tier...): never min > max, which the API refuses.
        low = rng.choice([1, 2, 5]) * 10 ** rng.randint(3, 5)
        return [("min_followers", str(low)), ("max_followers", str(low * rng.choice([5, 10, 20])))]

    choices = [
        lambda: [("platform", p) for p in rng.sample(PLATFORMS, k=rng.choice([1, 1, 2]))],
        lambda: [("min_followers", str(rng.choice([1, 2, 5]) * 10 ** rng.randint(3, 6)))],
        lambda: [("max_followers", str(rng.choice([1, 2, 5]) * 10 ** rng.randint(4, 6)))],
        follower_range,
        lambda: [("min_engagement_rate", f"{rng.choice([1, 2, 3, 4, 5, 6, 8]) / 100:g}")],
        lambda: [("country", ",".join(rng.sample(COUNTRIES, k=rng.choice([1, 2]))))],
        lambda: [("language", rng.choice(["zh", "en", "ja", "ko"]))],
        lambda: [("category", rng.choice(CATEGORIES))],
        lambda: [("max_fake_risk", f"{rng.choice([0.2, 0.3, 0.4, 0.5]):g}")],
        lambda: [("risk_level", rng.choice(["low", "medium"]))],
        lambda: [("min_growth_30d", f"{rng.choice([0.02, 0.05, 0.1]):g}")],
        lambda: [("has_contact_email", "true")],
        lambda: [
            ("audience_country", rng.choice(COUNTRIES)),
            ("audience_country_min", f"{rng.choice([0.3, 0.5, 0.7]):g}"),
        ],
        lambda: [("audience_age", rng.choice(["18-24", "25-34"])), ("audience_age_min", f"{rng.choice([0.3, 0.5]):g}")],
    ]
    for build in rng.sample(choices, k=rng.choice([0, 1, 1, 2, 2, 3])):
        drawn = dict(params)
        for name, value in build():
            if name in drawn:  # two draws of a follower bound: the first one stands
                continue
            params.append((name, value))
    bounds = dict(params)
    if int(bounds.get("min_followers", 0)) > int(bounds.get("max_followers", 10**12)):
        params = [p for p in params if p[0] != "max_followers"]
    sort = rng.choice(SORTS)
    if sort:
        params.append(("sort", sort))
    if rng.random() < 0.2:
        params.append(("page", str(rng.randint(2, 5))))
    return "/api/creators/" + (f"?{urllib.parse.urlencode(params)}" if params else "")


def varied_matching(rng: random.Random, brand_ids: list[int]) -> str:
    """A random ranking: one of the brands, weights in steps of 0.05 (or the defaults), maybe a
    platform or follower filter, maybe a later page."""
    params: list[tuple[str, str]] = []
    if rng.random() < 0.7:
        for name in ("audience", "authenticity", "value", "engagement"):
            params.append((f"w_{name}", f"{rng.randint(1, 20) * 0.05:.2f}"))
    if rng.random() < 0.4:
        params.extend(("platform", p) for p in rng.sample(PLATFORMS, k=rng.choice([1, 2, 3])))
    if rng.random() < 0.3:
        params.append(("min_followers", str(rng.choice([1, 5]) * 10 ** rng.randint(3, 5))))
    if rng.random() < 0.15:
        params.append(("offset", str(rng.choice([50, 100]))))
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return f"/api/brands/{rng.choice(brand_ids)}/matches/{query}"


def next_request(rng: random.Random, brand_ids: list[int], matching: bool, varied: bool) -> tuple[str, str]:
    """(kind, path) of a client's next request: health one in ten, matching 3 in ten (when on)."""
    draw = rng.random()
    if draw < 0.1:
        return "health", "/api/health/"
    if matching and draw < 0.4:
        if varied:
            return "matching", varied_matching(rng, brand_ids)
        return "matching", f"/api/brands/{brand_ids[0]}/matches/{rng.choice(MATCHING_QUERIES)}"
    if varied:
        return "discovery", varied_discovery(rng)
    query = rng.choice(DISCOVERY_QUERIES)
    return "discovery", "/api/creators/" + (f"?{query}" if query else "")


KINDS = ("discovery", "matching", "health")


def run_clients(
    port: int,
    tokens: list[str],
    brand_ids: list[int],
    seconds: float,
    matching: bool,
    *,
    varied: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    """Each client sends its next request as soon as the last is answered, for `seconds`."""
    results: dict[str, Any] = {kind: [] for kind in KINDS} | {
        "errors": [],
        "slowest": [],
        "repeats": 0,
        "seconds": seconds,
    }
    lock = threading.Lock()
    seen: set[str] = set()
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = request_headers(tokens[index])
        local: dict[str, list] = {kind: [] for kind in (*KINDS, "errors", "slowest")}
        repeats = 0
        while time.perf_counter() < stop_at:
            kind, path = next_request(rng, brand_ids, matching, varied)
            if kind != "health":
                with lock:
                    repeats += path in seen
                    seen.add(path)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                # A page past the end of a narrow result is the API's documented 404, not a failure.
                past_the_end = response.status == 404 and b"Invalid page" in body
                if response.status != 200 and not past_the_end:
                    local["errors"].append((kind, path, response.status, body[:200]))
                else:
                    local[kind].append(elapsed)
                    local["slowest"].append((elapsed, kind, path))
                    if len(local["slowest"]) > 50:  # keep each client's slowest few
                        local["slowest"] = sorted(local["slowest"], reverse=True)[:10]
            except (OSError, http.client.HTTPException) as exc:
                local["errors"].append((kind, path, type(exc).__name__, str(exc)[:200]))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            for key in (*KINDS, "errors", "slowest"):
                results[key].extend(local[key])
            results["repeats"] += repeats

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def hit_ratio(results: dict[str, Any]) -> float:
    sent = len(results["discovery"]) + len(results["matching"]) + sum(1 for e in results["errors"] if e[0] != "health")
    return results["repeats"] / sent if sent else 0.0


def report(results: dict[str, Any], seconds: float, clients: int, *, cached: bool, label: str = "") -> None:
    print(f"\n{clients} clients, {seconds:.0f} s{f' ({label})' if label else ''}")
    print(f"{'kind':<10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    everything = results["discovery"] + results["matching"]
    rows = [(kind, results[kind]) for kind in KINDS] + [("all", everything)]
    for kind, values in rows:
        if not values:
            print(f"{kind:<10} {0:>9}")
            continue
        print(
            f"{kind:<10} {len(values):>9} {percentile(values, 50) * 1000:>8.1f} {percentile(values, 95) * 1000:>8.1f} "
            f"{percentile(values, 99) * 1000:>8.1f} {statistics.mean(values) * 1000:>8.1f}"
        )
    print(f"throughput: {len(everything) / seconds:.1f} requests/s (successful, health not counted)")
    print(f"errors: {len(results['errors'])}")
    ratio = hit_ratio(results) if cached else 0.0
    print(
        f"cache-hit ratio: {ratio:.0%}" + (" (repeats of a query answered before in the run)" if cached else " (off)")
    )
    # Machine-readable lines for bench/run_all.py.
    suffix = f", {label}" if label else ""
    for kind, values in rows:
        if values:
            print(
                "BENCH "
                + json.dumps(
                    {
                        "metric": f"API p95 {kind} ({clients} clients{suffix})",
                        "unit": "ms",
                        "better": "lower",
                        "value": round(percentile(values, 95) * 1000, 1),
                    }
                )
            )
    print(
        "BENCH "
        + json.dumps(
            {
                "metric": f"API throughput{suffix}",
                "value": round(len(everything) / seconds, 1),
                "unit": "req/s",
                "better": "higher",
            }
        )
    )
    print(
        "BENCH "
        + json.dumps({"metric": f"API errors{suffix}", "value": len(results["errors"]), "unit": "", "better": "lower"})
    )
    print("slowest requests:")
    for elapsed, kind, path in sorted(results.get("slowest", []), reverse=True)[:8]:
        print(f"  {elapsed * 1000:8.0f} ms  {kind:<9} {path}")
    shown: set = set()
    for kind, path, status, detail in results["errors"]:
        if (kind, status) not in shown:
            shown.add((kind, status))
            print(f"  {kind} {path} -> {status}: {detail!r}")


def side_by_side(phases: dict[str, dict[str, Any]]) -> None:
    """p50/p95 per kind of each phase in columns."""
    names = list(phases)
    print("\n" + f"{'kind':<10}" + "".join(f" {name + ' p50/p95 ms':>26}" for name in names))
    for kind in (*KINDS, "all"):
        cells = []
        for name in names:
            results = phases[name]
            values = results["discovery"] + results["matching"] if kind == "all" else results[kind]
            cells.append(
                f"{percentile(values, 50) * 1000:.0f} / {percentile(values, 95) * 1000:.0f} (n={len(values)})"
                if values
                else "-"
            )
        print(f"{kind:<10}" + "".join(f" {cell:>26}" for cell in cells))
    print(f"{'errors':<10}" + "".join(f" {len(phases[n]['errors']):>26}" for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2)))
    # 8 threads per worker: a cached answer mostly waits on PostgreSQL (auth) and Redis, so more
    # threads than cores keep both cores busy (2x8 beat 2x4, 4x4 and 2x16 on this machine).
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--reload", action="store_true", help="Drop the bench catalogue and load it again")
    parser.add_argument("--no-matching", action="store_true", help="Benchmark discovery only")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
        help="Shared cache of the server (response caching and throttles)",
    )
    parser.add_argument("--cache-seconds", type=int, default=900, help="Response cache TTL")
    parser.add_argument("--no-cache", action="store_true", help="Response caching off: every request computes")
    parser.add_argument("--no-prime", action="store_true", help="Skip the sequential cold pass")
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="Seconds of unmeasured load (other queries) before the measured run (default: min(5, seconds / 6))",
    )
    parser.add_argument(
        "--keep-cache",
        action="store_true",
        help="Keep the previous run's cached responses (still valid while the data is unchanged)",
    )
    parser.add_argument("--varied", action="store_true", help="Random queries instead of the fixed list")
    parser.add_argument(
        "--side-by-side", action="store_true", help="Run with response caching on, then off, and compare"
    )
    parser.add_argument("--no-snapshot", action="store_true", help="Ranking features from SQL, not the snapshot")
    parser.add_argument(
        "--no-safety-warm",
        action="store_true",
        help="Leave the brands' brand-safety hits to their first rankings (no follow-up ran on the bench catalogue)",
    )
    parser.add_argument("--no-columns", action="store_true", help="Discovery from SQL, not the in-memory columns")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark runs on PostgreSQL: give --database-url postgres://...")

    ensure_database(args.database_url)
    setup_django(args.database_url)
    load_catalogue(args.creators, args.reload)
    tokens, brand_ids = ensure_users_and_brands(args.clients)
    matching = not args.no_matching
    from django.db import connections

    connections.close_all()
    if args.cache_url:
        import redis

        try:
            redis.Redis.from_url(args.cache_url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            print(f"Redis at {args.cache_url} unavailable ({exc}): response caching off, versions per process")
            args.cache_url = ""
    phases = {"cached": 0 if args.no_cache else args.cache_seconds}
    if args.side_by_side:
        phases = {"cached": args.cache_seconds, "uncached": 0}
    outcomes = {}
    for phase, cache_seconds in phases.items():
        label = "" if len(phases) == 1 else phase
        outcomes[phase] = run_phase(args, tokens, brand_ids, matching, cache_seconds, label=label)
    if len(outcomes) > 1:
        side_by_side(outcomes)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def run_phase(
    args: argparse.Namespace, tokens: list[str], brand_ids: list[int], matching: bool, cache_seconds: int, *, label: str
) -> dict[str, Any]:
    """Start the server with this response-cache TTL (0: off), prime, warm up, measure, stop."""
    if args.cache_url and not args.keep_cache:
        import redis

        # The bench's own Redis database: emptied of answers so the cold pass really is cold;
        # the data versions stay (the data did not change, nor does its feature snapshot) unless
        # the last run was on another database: its versions name that catalogue's feature
        # snapshot folders, which must not answer for this one.
        client = redis.Redis.from_url(args.cache_url, socket_connect_timeout=2)
        same_database = client.get(BENCH_DATABASE_KEY) == args.database_url.encode()
        for key in client.scan_iter(count=1000):
            if key != BENCH_DATABASE_KEY.encode() and (b"vetted:data-version" not in key or not same_database):
                client.delete(key)
        client.set(BENCH_DATABASE_KEY, args.database_url)
    port = args.port or free_port()
    print(
        f"\n{label or 'run'}: gunicorn {args.workers} workers x {args.threads} threads; response cache: "
        f"{f'{cache_seconds} s in {args.cache_url}' if cache_seconds and args.cache_url else 'off'}; "
        f"ranking features: {'SQL' if args.no_snapshot or not args.cache_url else 'snapshot'}; "
        f"queries: {'varied' if args.varied else 'fixed list'}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    server = start_server(
        args.database_url,
        port,
        args.workers,
        args.threads,
        args.cache_url,
        cache_seconds,
        snapshot=not args.no_snapshot,
        columns=not args.no_columns,
    )
    try:
        if matching and not args.no_snapshot and args.cache_url:
            wait_for_snapshot(port, tokens[0], brand_ids[0])
            if not args.no_safety_warm:
                store_brand_safety_hits(args)
        if not args.no_columns and args.cache_url:
            warm_discovery_columns(port, tokens[0], args.creators)
        if not args.no_prime:
            prime(port, tokens[0], brand_ids[0], matching)
        # Warm up: each worker's first requests import modules and open connections; a longer
        # --warmup also lets each worker make what it keeps per brand and catalogue version
        # (brand-safety hits, brand columns, page inputs) before the measured window (another
        # seed: the measured run's queries stay unseen).
        warmup = min(5.0, args.seconds / 6) if args.warmup is None else args.warmup
        run_clients(port, tokens, brand_ids, warmup, matching, varied=args.varied, seed=99)
        cpu_before = group_cpu_seconds(server.pid)
        database = urllib.parse.urlparse(args.database_url).path.lstrip("/")
        postgres, client_before = PostgresCpu(database), time.process_time()
        postgres.start()
        results = run_clients(port, tokens, brand_ids, args.seconds, matching, varied=args.varied)
        server_cpu = group_cpu_seconds(server.pid) - cpu_before
        postgres_cpu = postgres.stop()
        client_cpu = time.process_time() - client_before
    finally:
        stop_server(server)
    report(results, args.seconds, args.clients, cached=bool(cache_seconds and args.cache_url), label=label)
    served = sum(len(results[k]) for k in KINDS) + len(results["errors"])
    if served:
        print(
            f"server CPU: {server_cpu:.1f} s for {served} requests = {server_cpu / served * 1000:.1f} ms per request "
            f"(gunicorn processes only; PostgreSQL and Redis not counted)"
        )
        print(
            f"PostgreSQL CPU (backends of {database}): {postgres_cpu:.1f} s "
            f"({postgres_cpu / served * 1000:.1f} ms per request); "
            f"this load generator's CPU: {client_cpu:.1f} s, of {2 * args.seconds:.0f} core-seconds on 2 cores"
        )
    return results


if __name__ == "__main__":
    main()
