"""The catalogue an import writes, dumped so two versions of the importer can be compared row by row.

Generates creators files (bench/import_bench.py's real-shape records, with comment samples,
audience profiles and follower samples added), imports them with the code of the checkout it is
run from into a fresh database, and dumps every row of every catalogue table the importer writes
(creators, accounts, history points, audience profiles, follower samples, posts, comments, media),
ordered by parent and natural key, ids included, without the automatic timestamps (`created_at`,
`updated_at`: the time of the run). The steps: a first import, the same file again (nothing may
change), then a changed file (changed and new snapshots, captions, counts, new posts and accounts).

    python /path/to/bench/import_same_rows.py OUT.json [--accounts 300]
    (cd ../other-checkout && python /path/to/bench/import_same_rows.py OTHER.json)
    cmp OUT.json OTHER.json

`--database-url postgres://...` runs on a PostgreSQL database the script creates and drops.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import import_bench  # this script's neighbour (the file generator), whichever checkout runs it

AUTO_TIMESTAMPS = ("created_at", "updated_at")


def add_samples(path: Path, seed: int) -> None:
    """Give every third account comment samples on its posts, an audience profile and follower
    samples, so every table the importer writes gets rows."""
    rng = random.Random(seed)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for index, record in enumerate(records):
        if index % 3:
            continue
        account = record["accounts"][0]
        for post in account.get("posts", [])[:3]:
            post["comment_samples"] = [
                {"commenter": f"fan_{rng.randint(1, 50)}", "text": rng.choice(("好看", "nice!", "where is this?"))}
                for _ in range(2)
            ]
        account["audience"] = {"source": "bench", "as_of": "2026-03-01", "gender": {"female": 0.6, "male": 0.4}}
        account["follower_samples"] = [
            {"username": f"follower_{index}_{n}", "followers_count": rng.randint(0, 5000)} for n in range(3)
        ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def change_file(source: Path, target: Path, seed: int) -> None:
    """A later export of the same catalogue: some counts and captions changed, a day and a post
    added to some accounts, and a few new accounts."""
    rng = random.Random(seed)
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    for index, record in enumerate(records):
        account = record["accounts"][0]
        if index % 4 == 0:
            snapshots = account["snapshots"]
            snapshots[-1]["followers"] += 17
            last = dt.date.fromisoformat(snapshots[-1]["date"])
            snapshots.append({**snapshots[-1], "date": (last + dt.timedelta(days=1)).isoformat()})
        if index % 5 == 0 and account.get("posts"):
            account["posts"][0]["caption"] = "Paid partnership with @brand " + account["posts"][0]["caption"]
            account["posts"][1]["likes"] += 1
            account["posts"].append({**account["posts"][-1], "id": f"{index}-new", "comment_samples": []})
        if index % 7 == 0:
            account["bio"] = f"changed bio {rng.randint(0, 9)}"
    extra = len(records)
    for index in range(3):
        new = json.loads(json.dumps(records[index]))
        new["name"] = f"New creator {index}"
        new["accounts"][0]["handle"] = f"new_creator_{extra + index}"
        records.append(new)
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def dump_tables() -> dict[str, list[list[Any]]]:
    """Every row of the tables the importer writes, ordered by parent and natural key."""
    from influencers.services.imports.records import TABLES

    dump: dict[str, list[list[Any]]] = {}
    for table in TABLES:
        model = table.model
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in AUTO_TIMESTAMPS]
        order = ([table.parent] if table.parent else []) + list(table.keys) + ["pk"]
        rows = model._default_manager.order_by(*order).values_list(*columns)
        dump[table.label] = [columns] + [list(row) for row in rows]
    dump["snapshots"] = history_points()
    return dump


def history_points() -> list[list[Any]]:
    """Every history point, by account and date, without ids, read by `account_histories` (whose
    answer is the same whether a history is one row per account, issue 20, or one per day before
    it): the dumps of the two importers compare."""
    from influencers.models import Account
    from influencers.selectors.history import account_histories

    histories = account_histories(Account.objects.values_list("pk", flat=True))
    columns = ["account_id", "date", "followers", "following", "posts"]
    return [columns] + [[account_id, *point] for account_id in sorted(histories) for point in histories[account_id]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="write the dump here (JSON)")
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--database-url", help="a PostgreSQL database to create, import into and drop")
    args = parser.parse_args()

    workdir = import_bench.throwaway_environment("vetted-bench-same-rows-", args.database_url)
    # The importer of the checkout this is run from.
    sys.path.insert(0, os.getcwd())
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from influencers.services.imports.service import creators_import_file

        first, later = workdir / "first.jsonl", workdir / "later.jsonl"
        import_bench.write_file(first, args.accounts, 30, "objects", post_count=6)
        add_samples(first, seed=2)
        change_file(first, later, seed=3)
        call_command("migrate", verbosity=0)
        steps = {}
        for label, path in (("first import", first), ("same file again", first), ("changed file", later)):
            result = creators_import_file(path=path, refresh=False)
            steps[label] = result.counts
            print(f"{label}: {result.counts}")
        dump = {"counts": steps, "tables": dump_tables()}
        args.out.write_text(json.dumps(dump, ensure_ascii=False, default=str, indent=0, sort_keys=True) + "\n")
        print(f"wrote {args.out}: " + ", ".join(f"{k} {len(v) - 1}" for k, v in dump["tables"].items()))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.database_url:
            import_bench.drop_database(args.database_url)


if __name__ == "__main__":
    main()
