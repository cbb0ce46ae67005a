"""The databases' own cost of an import's rows: the floor under `import_creators`, whatever Python does.

    python bench/import_bench.py --accounts 5000 --real-shape --keep     # prints the folder it kept
    python bench/import_floor.py /tmp/vetted-bench-import-XXXX/var/vetted.sqlite3 \
        [--database-url postgres://postgres@127.0.0.1:5432/vetted_import_floor]

Takes the histories and posts of an imported SQLite database and writes them again, in one
transaction per engine, into the tables as migrated (their indexes, constraints and triggers),
from ready tuples: no parsing, no validation, no model code. What is left is the database's work.

- SQLite: a copy of the database emptied of those rows, filled again by `executemany` (the
  import's own statements are multi-row INSERTs on a writer thread: not cheaper for the engine).
- PostgreSQL (--database-url: a database the bench creates, migrates and drops; the server must be
  on this machine, its backend's CPU is read from /proc): the same rows by COPY, then the commit,
  where the deferred foreign-key checks of every row run.
- On PostgreSQL, for comparison, the posts again without the text indexes brand safety searches
  them by (migrations 0014 and 0015), their commit included.

The histories are one `AccountHistory` row per account (dates and counts as packed int64 arrays,
issue 20), sent on PostgreSQL by binary COPY as the import sends them; one row per account and
day (the table it replaced) cost more than the import's whole budget.

Prints the CPU seconds of each part, the accounts per second each part alone would allow, and
BENCH lines. Issue 20's target (a default import ≥ 5,000 accounts/s on 2 cores) is a budget of
0.4 ms of CPU per account for everything: reading, validating, writing and the follow-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bench import drop_database, throwaway_environment

HISTORY_COLUMNS = ["account_id", "dates", "followers", "following", "posts"]
# The pg_trgm and Han-bigram indexes brand safety searches posts by (influencers 0014, 0015).
POST_TEXT_INDEXES = (
    "influencers_post_caption_upper_trgm",
    "influencers_post_sponsor_upper_trgm",
    "influencers_post_caption_han_bigrams",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path, help="an imported SQLite database (left as it is: a copy is used)")
    parser.add_argument("--database-url", help="also on PostgreSQL: a new database to create, migrate and drop")
    args = parser.parse_args()

    source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    histories = source.execute(f"SELECT {', '.join(HISTORY_COLUMNS)} FROM influencers_accounthistory").fetchall()
    post_columns = [row[1] for row in source.execute("PRAGMA table_info(influencers_post)")]
    posts = source.execute(f"SELECT {', '.join(post_columns)} FROM influencers_post").fetchall()
    accounts = source.execute("SELECT COUNT(*) FROM influencers_account").fetchone()[0]
    source.close()
    points = sum(len(row[1]) // 8 for row in histories)
    print(f"{accounts:,} accounts: {len(histories):,} histories of {points:,} points, {len(posts):,} posts")

    workdir = Path(tempfile.mkdtemp(prefix="vetted-bench-floor-"))
    try:
        copy = workdir / "floor.sqlite3"
        shutil.copy(args.database, copy)
        _report("SQLite", accounts, _sqlite_floor(copy, histories, post_columns, posts))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.database_url:
        _report("PostgreSQL", accounts, _postgres_floor(args.database_url, histories, post_columns, posts))


def _sqlite_floor(
    path: Path, histories: list[tuple[Any, ...]], post_columns: list[str], posts: list[tuple[Any, ...]]
) -> dict[str, float]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")  # as Django's connections run
    db.execute("BEGIN")
    db.execute("DELETE FROM influencers_post")
    db.execute("DELETE FROM influencers_accounthistory")
    db.execute("COMMIT")
    parts = {}
    db.execute("BEGIN")
    started = time.process_time()
    db.executemany(
        f"INSERT INTO influencers_accounthistory ({', '.join(HISTORY_COLUMNS)}) VALUES (?, ?, ?, ?, ?)", histories
    )
    parts["histories, one row an account"] = time.process_time() - started
    started = time.process_time()
    marks = ", ".join("?" * len(post_columns))
    db.executemany(f"INSERT INTO influencers_post ({', '.join(post_columns)}) VALUES ({marks})", posts)
    parts["posts"] = time.process_time() - started
    started = time.process_time()
    db.execute("COMMIT")
    parts["commit"] = time.process_time() - started
    db.close()
    return parts


def _postgres_floor(
    url: str, histories: list[tuple[Any, ...]], post_columns: list[str], posts: list[tuple[Any, ...]]
) -> dict[str, float]:
    import psycopg

    workdir = throwaway_environment("vetted-bench-floor-", url)
    try:
        import django
        from django.core.management import call_command

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        django.setup()
        call_command("migrate", verbosity=0)
        from django.db import connections

        connections.close_all()
        # The accounts and creators the rows point at, copied from the SQLite source by Django's
        # own serialisation would be slow; the rows' foreign keys are checked at commit, so the
        # parents are needed: made here as bare rows with the same ids.
        with psycopg.connect(url) as db:
            backend = db.execute("SELECT pg_backend_pid()").fetchone()[0]
            post_account = post_columns.index("account_id")
            account_ids = sorted({row[0] for row in histories} | {row[post_account] for row in posts})
            _parents(db, account_ids)
            db.commit()
            parts = {}
            bools = [i for i, name in enumerate(post_columns) if name in ("is_sponsored", "paid_partnership")]
            posts = [_with_bools(row, bools) for row in posts]
            server = _backend_cpu(backend)
            client = time.process_time()
            _copy(db, "influencers_accounthistory", HISTORY_COLUMNS, histories, binary=["int8", *["bytea"] * 4])
            parts["histories, one row an account (server)"], server = _since(backend, server)
            _copy(db, "influencers_post", post_columns, posts)
            parts["posts (server)"], server = _since(backend, server)
            db.commit()
            parts["commit: deferred foreign-key checks (server)"], server = _since(backend, server)
            parts["this process: COPY's rows"] = time.process_time() - client
            # The posts again, without the brand-safety text indexes (migrations 0014, 0015).
            db.execute("TRUNCATE influencers_post CASCADE")
            for index in POST_TEXT_INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {index}")
            db.commit()
            server = _backend_cpu(backend)
            _copy(db, "influencers_post", post_columns, posts)
            db.commit()
            parts["posts and their commit without the text indexes (server, for comparison)"], server = _since(
                backend, server
            )
        return parts
    finally:
        drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


def _parents(db: Any, account_ids: list[int]) -> None:
    """Bare creators and accounts with these ids (one creator each), every NOT NULL column given a value."""
    for table, ids in (("influencers_creator", account_ids), ("influencers_account", account_ids)):
        columns = db.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        ).fetchall()
        values = {name: _filler(name, kind) for name, kind in columns}
        if table == "influencers_account":
            values["creator_id"] = None
        names = list(values)
        rows = []
        for pk in ids:
            row = {**values, "id": pk}
            if table == "influencers_account":
                row["creator_id"], row["handle"] = pk, f"floor_{pk}"
            rows.append(tuple(row[n] for n in names))
        _copy(db, table, names, rows)


def _filler(name: str, kind: str) -> Any:
    if kind == "boolean":
        return False
    if kind in ("integer", "bigint", "smallint", "double precision", "real", "numeric"):
        return 0
    if kind in ("jsonb", "json"):
        return json.dumps([] if name in ("categories", "languages", "links") else {})
    if "timestamp" in kind:
        return "2026-01-01T00:00:00+00:00"
    if kind == "date":
        return "2026-01-01"
    if name == "platform":
        return "instagram"
    return ""


def _with_bools(row: tuple[Any, ...], bools: list[int]) -> tuple[Any, ...]:
    """SQLite's 0/1 as PostgreSQL's booleans."""
    values = list(row)
    for i in bools:
        values[i] = None if values[i] is None else bool(values[i])
    return tuple(values)


def _copy(
    db: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]], binary: list[str] | None = None
) -> None:
    """COPY `rows` into `table`, in binary with `binary` (psycopg type names) as the import sends them."""
    form = " WITH (FORMAT BINARY)" if binary else ""
    with db.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{form}") as copy:
        if binary:
            copy.set_types(binary)
        for row in rows:
            copy.write_row(row)


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _since(pid: int, before: float) -> tuple[float, float]:
    now = _backend_cpu(pid)
    return now - before, now


def _report(engine: str, accounts: int, parts: dict[str, float]) -> None:
    print(f"{engine}:")
    for what, seconds in parts.items():
        rate = accounts / seconds if seconds > 0 else float("inf")
        per_account = seconds / accounts * 1000
        print(f"  {what}: {seconds:.2f} s CPU → {per_account:.3f} ms per account ({rate:,.0f} accounts/s)")
    # The database's own work (this process's, on PostgreSQL, runs beside the server's).
    floor = sum(seconds for what, seconds in parts.items() if "comparison" not in what and "this process" not in what)
    print(
        f"  the rows as stored today: {floor:.2f} s CPU → {floor / accounts * 1000:.3f} ms per account, "
        f"{accounts / floor:,.0f} accounts/s at most for one writing connection"
    )
    rate = round(accounts / floor)
    bench = {"metric": f"{engine} import floor", "value": rate, "unit": "accounts/s", "better": "higher"}
    print(f"BENCH {json.dumps(bench)}")


if __name__ == "__main__":
    main()
