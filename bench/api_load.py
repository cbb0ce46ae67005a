"""Load benchmark of the API: discovery and matching under 20 concurrent clients.

    python bench/api_load.py [--seconds 60] [--clients 20] [--creators 100000] [--reload]
        [--workers N] [--threads N] [--no-cache] [--no-matching] [--no-prime]

1. Creates the PostgreSQL database named by DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/vetted_bench) if needed and migrates it.
2. Loads N synthetic creators (one account each, every tenth with a second platform) with
   AccountMetrics and an AudienceProfile, in bulk; skipped when the database already holds N
   (use --reload to start over). A brand and 20 member users with tokens are created.
3. Starts gunicorn on 127.0.0.1 (DEBUG off), waits for /api/health/.
4. Sends each distinct query once, one at a time, and prints these cold latencies (what the
   first user after a data change waits; --no-prime skips it). Responses are cached in the
   Redis database --cache-url (flushed first; --no-cache turns response caching off).
5. Runs the clients (threads, keep-alive http.client connections) for --seconds against a mix
   of discovery queries (filters, sorts, pages) and brand matching.
6. Prints p50/p95/p99 latency per kind and overall, throughput and the error count.

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

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/vetted_bench"
ORG_NAME = "Bench Agency"
PLATFORMS = ["instagram", "tiktok", "youtube", "xiaohongshu", "douyin", "bilibili", "weibo"]
COUNTRIES = ["CN", "TW", "HK", "SG", "US", "GB", "JP", "KR", "MY", "TH"]
CATEGORIES = ["beauty", "travel", "food", "tech", "fashion", "fitness", "gaming", "parenting"]


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_catalogue(n: int, reload: bool) -> None:
    """Bulk-load `n` creators with accounts, metrics and audiences (idempotent unless reload)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from influencers.models import Account, AccountMetrics, AudienceProfile, Creator

    call_command("migrate", verbosity=0)
    if reload:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE influencers_creator, influencers_account, influencers_accountmetrics, "
                "influencers_audienceprofile RESTART IDENTITY CASCADE"
            )
    have = Creator.objects.count()
    if have >= n:
        print(f"catalogue already holds {have:,} creators")
        return
    if have:
        raise SystemExit(f"the bench database holds {have:,} creators (< {n:,}); run with --reload")
    rng = random.Random(42)
    started = time.perf_counter()
    batch = 10_000
    today = time.strftime("%Y-%m-%d")
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        with transaction.atomic():
            creators = Creator.objects.bulk_create(
                [
                    Creator(
                        display_name=f"Creator {offset + i} 博主",
                        country=rng.choice(COUNTRIES),
                        languages=rng.sample(["zh", "en", "ja", "ko"], k=rng.randint(1, 2)),
                        categories=rng.sample(CATEGORIES, k=rng.randint(1, 2)),
                        contact_email=f"c{offset + i}@example.com" if rng.random() < 0.6 else "",
                    )
                    for i in range(size)
                ],
                batch_size=2000,
            )
            accounts = []
            for creator in creators:
                platforms = rng.sample(PLATFORMS, k=2 if rng.random() < 0.1 else 1)
                for platform in platforms:
                    accounts.append(
                        Account(
                            creator=creator,
                            platform=platform,
                            handle=f"h{creator.pk}_{platform}",
                            bio=rng.choice(["skincare 护肤", "travel vlog 旅行", "street food", "tech reviews"]),
                        )
                    )
            accounts = Account.objects.bulk_create(accounts, batch_size=2000)
            metrics, audiences = [], []
            for account in accounts:
                followers = int(10 ** rng.uniform(3, 7))
                metrics.append(
                    AccountMetrics(
                        account=account,
                        followers=followers,
                        engagement_rate=rng.uniform(0.002, 0.12),
                        er_formula="(likes+comments)/followers",
                        growth_7d=rng.uniform(-0.01, 0.03),
                        growth_30d=rng.uniform(-0.05, 0.15),
                        growth_90d=rng.uniform(-0.1, 0.4),
                        posts_per_week=rng.uniform(0.2, 10),
                        fake_risk=rng.random() ** 2,
                        risk_level=rng.choice(["low", "low", "medium", "high"]),
                    )
                )
                home = rng.choice(COUNTRIES)
                other = rng.choice([c for c in COUNTRIES if c != home])
                share = round(rng.uniform(0.3, 0.9), 2)
                young = round(rng.uniform(0.2, 0.7), 2)
                female = round(rng.uniform(0.2, 0.9), 2)
                audiences.append(
                    AudienceProfile(
                        account=account,
                        source="bench",
                        as_of=today,
                        countries={home: share, other: round(1 - share, 2)},
                        age={"18-24": young, "25-34": round(1 - young, 2)},
                        gender={"female": female, "male": round(1 - female, 2)},
                        languages={"zh": 0.7, "en": 0.3},
                        interests={rng.choice(CATEGORIES): 1.0},
                    )
                )
            AccountMetrics.objects.bulk_create(metrics, batch_size=2000)
            AudienceProfile.objects.bulk_create(audiences, batch_size=2000)
        print(f"  loaded {offset + size:,}/{n:,} creators ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_users(clients: int) -> tuple[list[str], int]:
    """`clients` editors of the bench organisation (one token each: per-user throttling is real) and a brand."""
    from core.services.tenancy import member_add
    from vetting.models import Brand

    tokens = []
    for i in range(clients):
        added = member_add(org_name=ORG_NAME, username=f"bench{i}", role="editor", create_token=True)
        tokens.append(added.token)
    organization = added.membership.organization
    brand, _ = Brand.objects.get_or_create(
        organization=organization,
        name="Bench brand",
        defaults={
            "values": ["natural", "sustainable", "环保"],
            "target_audience": {
                "countries": {"weight": 1.0, "values": {"CN": 0.7, "TW": 0.3}},
                "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
                "gender": {"weight": 0.5, "values": {"female": 1.0}},
            },
            "excluded_keywords": ["gambling", "赌博"],
        },
    )
    return tokens, brand.pk


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    url: str, port: int, workers: int, threads: int, cache_url: str = "", cache_seconds: int = 0
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        # Response caching needs a cache every worker shares (the data version lives there).
        "CACHE_URL": cache_url,
        "API_RESPONSE_CACHE_SECONDS": str(cache_seconds if cache_url else 0),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }
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


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group `pgid`
    (gunicorn's master and workers): a per-request cost the shared machine's load does not skew
    the way it skews latency."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after "(comm)": state ppid pgrp ... utime(12) stime(13)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_clients(port: int, tokens: list[str], brand_id: int, seconds: float, matching: bool) -> dict[str, list]:
    """Each client alternates discovery queries and (when available) matching requests."""
    results: dict[str, list] = {"discovery": [], "matching": [], "errors": []}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = request_headers(tokens[index])
        local: dict[str, list] = {"discovery": [], "matching": [], "errors": []}
        while time.perf_counter() < stop_at:
            if matching and rng.random() < 0.3:
                kind = "matching"
                weights = rng.choice(MATCHING_QUERIES)
                path = f"/api/brands/{brand_id}/matches/{weights}"
            else:
                kind = "discovery"
                query = rng.choice(DISCOVERY_QUERIES)
                path = "/api/creators/" + (f"?{query}" if query else "")
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200:
                    local["errors"].append((kind, path, response.status, body[:200]))
                else:
                    local[kind].append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                local["errors"].append((kind, path, type(exc).__name__, str(exc)[:200]))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            for key in results:
                results[key].extend(local[key])

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


def report(results: dict[str, list], seconds: float, clients: int) -> None:
    print(f"\n{clients} clients, {seconds:.0f} s")
    print(f"{'kind':<10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    everything = results["discovery"] + results["matching"]
    for kind, values in (("discovery", results["discovery"]), ("matching", results["matching"]), ("all", everything)):
        if not values:
            print(f"{kind:<10} {0:>9}")
            continue
        print(
            f"{kind:<10} {len(values):>9} {percentile(values, 50) * 1000:>8.1f} {percentile(values, 95) * 1000:>8.1f} "
            f"{percentile(values, 99) * 1000:>8.1f} {statistics.mean(values) * 1000:>8.1f}"
        )
    print(f"throughput: {len(everything) / seconds:.1f} requests/s (successful)")
    print(f"errors: {len(results['errors'])}")
    # Machine-readable lines for bench/run_all.py.
    for kind, values in (("discovery", results["discovery"]), ("matching", results["matching"]), ("all", everything)):
        if values:
            print(
                "BENCH "
                + json.dumps(
                    {
                        "metric": f"API p95 {kind} ({clients} clients)",
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
                "metric": "API throughput",
                "value": round(len(everything) / seconds, 1),
                "unit": "req/s",
                "better": "higher",
            }
        )
    )
    print(
        "BENCH " + json.dumps({"metric": "API errors", "value": len(results["errors"]), "unit": "", "better": "lower"})
    )
    shown: set = set()
    for kind, path, status, detail in results["errors"]:
        if (kind, status) not in shown:
            shown.add((kind, status))
            print(f"  {kind} {path} -> {status}: {detail!r}")


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
        "--keep-cache",
        action="store_true",
        help="Keep the previous run's cached responses (still valid while the data is unchanged)",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark runs on PostgreSQL: give --database-url postgres://...")

    ensure_database(args.database_url)
    setup_django(args.database_url)
    load_catalogue(args.creators, args.reload)
    tokens, brand_id = ensure_users(args.clients)
    try:
        import vetting.services.matching  # noqa: F401

        matching = not args.no_matching
    except ImportError:
        matching = False
        print("matching module not installed: benchmarking discovery only")
    from django.db import connections

    connections.close_all()
    port = args.port or free_port()
    cache_seconds = 0 if args.no_cache else args.cache_seconds
    if cache_seconds and args.cache_url and not args.keep_cache:
        import redis

        try:
            # The bench's own Redis database: emptied so the cold pass really is cold.
            redis.Redis.from_url(args.cache_url, socket_connect_timeout=2).flushdb()
        except redis.RedisError as exc:
            print(f"Redis at {args.cache_url} unavailable ({exc}): response caching off")
            cache_seconds, args.cache_url = 0, ""
    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads; response cache: "
        f"{f'{cache_seconds} s in {args.cache_url}' if cache_seconds and args.cache_url else 'off'}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    server = start_server(args.database_url, port, args.workers, args.threads, args.cache_url, cache_seconds)
    try:
        if not args.no_prime:
            prime(port, tokens[0], brand_id, matching)
        # Warm up: each worker's first requests import modules and open connections.
        run_clients(port, tokens, brand_id, min(5.0, args.seconds / 6), matching)
        cpu_before = group_cpu_seconds(server.pid)
        results = run_clients(port, tokens, brand_id, args.seconds, matching)
        server_cpu = group_cpu_seconds(server.pid) - cpu_before
    finally:
        stop_server(server)
    report(results, args.seconds, args.clients)
    served = len(results["discovery"]) + len(results["matching"]) + len(results["errors"])
    if served:
        print(
            f"server CPU: {server_cpu:.1f} s for {served} requests = {server_cpu / served * 1000:.1f} ms per request "
            f"(gunicorn processes only; PostgreSQL and Redis not counted)"
        )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
