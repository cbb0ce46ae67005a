"""Benchmark of `manage.py import_creators` on a fresh SQLite database.

Generates N accounts (one creator each) with S daily snapshots each as a JSON Lines file in a
temporary directory, migrates a throwaway SQLite database there, and times the import command
(the same command and code path users run), then optionally a second, unchanged import.
By default the command runs with --skip-refresh (the metrics refresh that follows an import
is another service, timed with --with-refresh).

    python bench/import_bench.py                 # 100,000 accounts × 30 days
    python bench/import_bench.py --accounts 5000 --reimport
    python bench/import_bench.py --snapshot-form arrays
    python bench/import_bench.py --accounts 20000 --real-shape   # posts too, follow-up included
    python bench/import_bench.py --accounts 5000 --real-shape \
        --database-url postgres://postgres@127.0.0.1:5432/vetted_import_bench   # on PostgreSQL

--database-url names a PostgreSQL database the bench creates, migrates and drops at the end (it
refuses one that exists: never the developer's or a shared one); with --keep it is kept, for
bench/import_followup_check.py.

--real-shape is the shape of real exports (34k Instagram accounts measured in issue 20): 90 daily
snapshots and 12 posts with captions and hashtags per account (views on the video platforms'
posts since 2026-12-07; `--no-views` for the older data), and the import's follow-up
(search text, metrics, vetting, watches) included and timed step by step. `--snapshots` and
`--posts` given with it replace its 90 and 12 (`--real-shape --snapshots 1`: how much of the time
the history takes).

Target: ≥ 5,000 accounts/s including their snapshots on SQLite on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("instagram", "tiktok", "xiaohongshu", "douyin", "youtube", "bilibili", "weibo")


CAPTION_WORDS = "daily vlog review skincare routine coffee travel 日常 分享 探店 护肤 好物 推荐".split()
# The platforms whose engagement benchmark divides by views (vetting/scoring/data/er_benchmarks.json):
# real exports of their posts carry views, and without them vetting finds no engagement rate there.
VIEW_PLATFORMS = frozenset({"tiktok", "douyin", "youtube", "bilibili"})


def post_records(
    rng: random.Random, index: int, count: int, last: dt.date, views_rng: random.Random | None = None
) -> list[dict]:
    """`count` posts of one account, one every three days back from `last`; with `views_rng`,
    each with views too (10-40× its likes, drawn from that generator so the other fields are
    the same with or without)."""
    posts = []
    for p in range(count):
        posted = dt.datetime.combine(last - dt.timedelta(days=3 * p), dt.time(12, 0), tzinfo=dt.UTC)
        caption = " ".join(rng.choices(CAPTION_WORDS, k=12))
        post = {
            "id": f"{index}-{p}",
            "posted_at": posted.isoformat(),
            "caption": caption,
            "hashtags": rng.sample(CAPTION_WORDS[:7], k=2),
            "likes": rng.randint(10, 50_000),
            "comments": rng.randint(0, 2_000),
            "saves": rng.randint(0, 3_000),
        }
        if views_rng is not None:
            post["views"] = round(post["likes"] * views_rng.uniform(10, 40))
        posts.append(post)
    return posts


def write_file(
    path: Path, accounts: int, snapshots: int, form: str, seed: int = 1, post_count: int = 0, views: bool = True
) -> int:
    """Write the benchmark JSON Lines file; returns the number of snapshot rows. `views`: the posts
    on VIEW_PLATFORMS carry views (False: as before 2026-12-07, for comparing with older figures)."""
    rng = random.Random(seed)
    views_rng = random.Random(f"views-{seed}")
    start = dt.date(2026, 1, 1)
    last = start + dt.timedelta(days=max(snapshots - 1, 0))
    dates = [(start + dt.timedelta(days=day)).isoformat() for day in range(snapshots)]
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(accounts):
            followers = rng.randint(1_000, 2_000_000)
            following = rng.randint(10, 3_000)
            posts = rng.randint(10, 3_000)
            history = []
            for date in dates:
                followers += rng.randint(-50, 400)
                posts += rng.random() < 0.3
                if form == "arrays":
                    history.append([date, max(followers, 0), following, posts])
                else:
                    history.append(
                        {"date": date, "followers": max(followers, 0), "following": following, "posts": posts}
                    )
            rows += len(history)
            platform = PLATFORMS[index % len(PLATFORMS)]
            viewed = views_rng if views and platform in VIEW_PLATFORMS else None
            record = {
                "name": f"创作者 Creator {index}",
                "country": rng.choice(("CN", "TW", "US", "GB", "JP")),
                "languages": ["zh", "en"],
                "categories": [rng.choice(("beauty", "travel", "food", "fashion", "tech"))],
                "accounts": [
                    {
                        "platform": platform,
                        "handle": f"creator_{index:07d}",
                        "display_name": f"Creator {index}",
                        "bio": "Bench account · 基准测试",
                        "snapshots": history,
                        **({"posts": post_records(rng, index, post_count, last, viewed)} if post_count else {}),
                    }
                ],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return rows


def server_and_name(url: str) -> tuple[str, str]:
    """The maintenance database's URL on the same server, and the database name of `url`."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
        raise SystemExit(f"--database-url must be postgres://user@host:port/name, got {url!r}")
    return urlunsplit(parts._replace(path="/postgres")), parts.path.strip("/")


def create_database(url: str) -> None:
    """Create the bench's own database; refuse one that exists (it is dropped at the end)."""
    import psycopg
    from psycopg import sql

    server, name = server_and_name(url)
    with psycopg.connect(server, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"database {name} exists; the bench drops its database at the end, so name a new one")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    server, name = server_and_name(url)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def throwaway_environment(prefix: str, database_url: str | None) -> Path:
    """A temporary folder, and the settings of Django in this process pointed at a throwaway
    database and media folder in it (never the developer's): SQLite there, or the PostgreSQL
    database `database_url` names, created here (drop it with `drop_database`)."""
    # Not "vetted-import-…": the upload sweep deletes old temporary folders with that prefix.
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        create_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    os.environ["VETTED_VAR_DIR"] = str(workdir / "var")
    os.environ["MEDIA_ROOT"] = str(workdir / "var" / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    # DEBUG off, as a deployment runs: with it on, Django logs every query (~8 % of the import).
    os.environ["DEBUG"] = "false"
    (workdir / "var").mkdir()
    return workdir


FOLLOW_UP_LINE = "Follow-up (wall / CPU, worker processes included): "


def follow_up_steps(report: str) -> dict[str, tuple[float, float]]:
    """Each follow-up step's (wall, CPU) seconds as the command printed them (verbosity 2); the
    CPU includes the worker processes the steps were split over (influencers/follow_ups.py)."""
    line = next((line for line in report.splitlines() if line.startswith(FOLLOW_UP_LINE)), "")
    steps = {}
    for part in line.removeprefix(FOLLOW_UP_LINE).split(", ") if line else ():
        what, wall, _slash, cpu, _unit = part.rsplit(" ", 4)
        steps[what] = (float(wall), float(cpu))
    return steps


def children_cpu() -> float:
    """CPU seconds of this process's finished child processes (the follow-ups' workers)."""
    times = os.times()
    return times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument(
        "--snapshots", type=int, default=None, help="daily snapshots per account (default 30; 90 with --real-shape)"
    )
    parser.add_argument(
        "--snapshot-form",
        choices=("objects", "arrays"),
        default="objects",
        help="snapshot objects {date, followers, ...} or compact arrays [date, followers, ...]",
    )
    parser.add_argument("--reimport", action="store_true", help="also time a second import of the same file")
    parser.add_argument(
        "--with-refresh",
        action="store_true",
        help="let the command also recompute metrics/vetting of the imported accounts "
        "(another service's cost; skipped by default with --skip-refresh)",
    )
    parser.add_argument("--posts", type=int, default=0, help="posts per account")
    parser.add_argument(
        "--no-views",
        action="store_true",
        help="posts without views, as before 2026-12-07 (the video platforms' posts then have no engagement rate)",
    )
    parser.add_argument(
        "--real-shape",
        action="store_true",
        help="90 snapshots and 12 posts per account, follow-up included and timed per step",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and the --database-url database"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to create, import into and drop (postgres://user@host:port/name); "
        "default: a throwaway SQLite file",
    )
    args = parser.parse_args()
    # --real-shape's 90 snapshots and 12 posts unless given (`--real-shape --snapshots 1`: the
    # same accounts and posts with a one-day history).
    if args.real_shape:
        args.posts, args.with_refresh = args.posts or 12, True
    if args.snapshots is None:
        args.snapshots = 90 if args.real_shape else 30

    workdir = throwaway_environment("vetted-bench-import-", args.database_url)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows the wall time)")
    sys.path.insert(0, str(ROOT))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import connection

        path = workdir / "creators.jsonl"
        started = time.perf_counter()
        rows = write_file(
            path, args.accounts, args.snapshots, args.snapshot_form, post_count=args.posts, views=not args.no_views
        )
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.accounts:,} accounts × {args.snapshots} snapshots ({args.snapshot_form}) = "
            f"{rows:,} snapshot rows, {args.posts} posts per account, {size_mb:.0f} MB, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

        runs = [("first import", True)] + ([("re-import (no changes)", False)] if args.reimport else [])
        for label, expect_writes in runs:
            out = io.StringIO()
            started, cpu_started = time.perf_counter(), time.process_time() + children_cpu()
            options = ["--no-progress"] + ([] if args.with_refresh else ["--skip-refresh"])
            call_command("import_creators", str(path), *options, verbosity=2, stdout=out)
            seconds, cpu = time.perf_counter() - started, time.process_time() + children_cpu() - cpu_started
            report = out.getvalue()
            step_seconds = follow_up_steps(report)
            timings = next((line for line in report.splitlines() if line.startswith("Timings:")), "")
            total_rows = args.accounts * (2 + args.posts) + rows  # creators, accounts, posts, snapshots
            print(
                f"{label}: {seconds:.2f} s wall → {args.accounts / seconds:,.0f} accounts/s, "
                f"{total_rows / seconds:,.0f} rows/s ({'written' if expect_writes else 'compared'}); "
                f"{cpu:.2f} s CPU → {args.accounts / cpu:,.0f} accounts/s; "
                f"load average after: {os.getloadavg()[0]:.1f}"
            )
            print(f"  {timings}")
            # Machine-readable lines for bench/run_all.py.
            for metric, value, unit in (
                (f"{label} rows/s", total_rows / seconds, "rows/s"),
                (f"{label} accounts/s", args.accounts / seconds, "accounts/s"),
            ):
                print(
                    "BENCH " + json.dumps({"metric": metric, "value": round(value), "unit": unit, "better": "higher"})
                )
            parts = (part.split(" ", 1) for part in timings.removeprefix("Timings: ").split(", ")) if timings else ()
            phases = {name: float(value.rstrip(" s")) for name, value in parts if value.endswith(" s")}
            if "refresh" in phases:
                own = phases["total"] - phases["refresh"]
                print(
                    f"  import without the metrics refresh: {own:.2f} s → {args.accounts / own:,.0f} accounts/s, "
                    f"{total_rows / own:,.0f} rows/s"
                )
            follow_up_cpu = sum(cpu for _wall, cpu in step_seconds.values())
            own_cpu = cpu - follow_up_cpu
            print(
                f"  import alone (read, validate, write; no follow-up): {own_cpu:.2f} s CPU → "
                f"{own_cpu / args.accounts * 1000:.3f} ms CPU per account"
            )
            if step_seconds:
                print(
                    "  follow-up steps (wall / CPU): "
                    + ", ".join(f"{what} {wall:.2f} / {cpu:.2f} s" for what, (wall, cpu) in step_seconds.items())
                )
                for what, (_wall, cpu) in step_seconds.items():
                    if cpu > 0.01:
                        rate = {"metric": f"{label} {what} accounts/CPU-s", "value": round(args.accounts / cpu)}
                        print("BENCH " + json.dumps({**rate, "unit": "accounts/s", "better": "higher"}))
            if not expect_writes and " 0 created, 0 changed" not in report:
                print("  WARNING: the re-import changed data:\n" + report)
    finally:
        if args.keep:
            print(f"kept {workdir}" + (f" and the database {args.database_url}" if args.database_url else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if args.database_url:
                drop_database(args.database_url)


if __name__ == "__main__":
    main()
